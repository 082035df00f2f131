// The inspections outbox as the relay every service shares (common/outbox.h)
// reads it, and how its alerts are sent with the service's own identity:
// alerts to the notifications service (missed inspections to the GM office),
// and for a failed item in a meeting room, the alert to the KAM of the next
// meeting booked there, found through the meetings service. The alert's
// request_id makes a retry after a lost reply create nothing new.
#pragma once

#include <memory>
#include <string>

#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/outbox.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "services/inspections/store.h"

namespace atrium::inspections {

// The outbox message that sends `request` to the notifications service; a
// room failure's room is its key. (The caller sets the trace it continues.)
OutboxMessage AlertMessage(OutboxKind kind, const notifications::v1::CreateAlertRequest& request,
                           const std::string& room = "");

// The outbox the relay reads.
using InspectionsOutbox = StoreOutbox<InspectionsStore, InspectionsTx>;

// Sends the alerts; a room failure goes to the KAM of the room's next meeting
// within 31 days (none booked: nobody to tell, delivered). Calls to the
// meetings service are prepared by `relay`.
class AlertSender final {
 public:
  AlertSender(OutboxRelay* relay, const Clock* clock, std::shared_ptr<grpc::Channel> notifications,
              std::shared_ptr<grpc::Channel> meetings);
  grpc::Status operator()(const OutboxMessage& message, grpc::ClientContext* context);

 private:
  // The KAM of the next meeting holding `room` from now on ("" if none).
  grpc::Status NextMeetingOwner(const std::string& room, std::string* owner);

  OutboxRelay* relay_;
  const Clock* clock_;
  std::shared_ptr<notifications::v1::NotificationsService::Stub> notifications_;
  std::shared_ptr<meetings::v1::MeetingsService::Stub> meetings_;
};

}  // namespace atrium::inspections
