#include "services/meetings/forwarder.h"

#include "atrium/clients/v1/clients.pb.h"

namespace atrium::meetings {

OutboxMessage ToMessage(const OutboxEntry& a) {
  OutboxMessage m;
  m.id = a.id;
  m.attempts = a.attempts;
  m.traceparent = a.traceparent;
  m.label = a.request_id;
  m.kind = a.kind;
  m.key = a.subject;
  m.body = a.body;
  switch (a.kind) {
    case OutboxEntry::kActivity: {
      clients::v1::CreateActivityRequest req;
      req.set_parent(a.account);
      req.set_request_id(a.request_id);
      req.mutable_activity()->set_type(clients::v1::Activity::MEETING);
      req.mutable_activity()->set_summary(a.summary);
      req.mutable_activity()->set_detail(a.detail);
      req.mutable_activity()->set_subject(a.subject);
      m.body = req.SerializeAsString();
      m.peer = "clients";
      m.method = "/atrium.clients.v1.ClientsService/CreateActivity";
      break;
    }
    case OutboxEntry::kPreference:
      m.peer = "clients";
      m.method = "/atrium.clients.v1.ClientsService/CreatePreference";
      break;
    case OutboxEntry::kLedger:
      m.peer = "clients";
      m.method = "/atrium.clients.v1.ClientsService/CreateLedgerEntry";
      break;
    case OutboxEntry::kNotice:
      m.peer = "notifications";
      m.method = "/atrium.notifications.v1.NotificationsService/DispatchNotice";
      break;
    case OutboxEntry::kAlert:
      m.peer = "notifications";
      m.method = "/atrium.notifications.v1.NotificationsService/CreateAlert";
      break;
    default: break;
  }
  return m;
}

}  // namespace atrium::meetings
