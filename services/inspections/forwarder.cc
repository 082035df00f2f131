#include "services/inspections/forwarder.h"

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace atrium::inspections {

OutboxMessage AlertMessage(OutboxKind kind, const notifications::v1::CreateAlertRequest& request,
                           const std::string& room) {
  OutboxMessage m;
  m.peer = "notifications";
  m.method = "/atrium.notifications.v1.NotificationsService/CreateAlert";
  m.body = request.SerializeAsString();
  m.label = request.request_id();
  m.kind = kind;
  m.key = room;
  return m;
}

AlertSender::AlertSender(OutboxRelay* relay, const Clock* clock, std::shared_ptr<grpc::Channel> notifications,
                         std::shared_ptr<grpc::Channel> meetings)
    : relay_(relay),
      clock_(clock),
      notifications_(notifications::v1::NotificationsService::NewStub(std::move(notifications))),
      meetings_(meetings::v1::MeetingsService::NewStub(std::move(meetings))) {}

grpc::Status AlertSender::NextMeetingOwner(const std::string& room, std::string* owner) {
  const absl::Time now = clock_->Now();
  meetings::v1::GetAvailabilityRequest req;
  *req.mutable_start_time() = ToProto(now);
  *req.mutable_end_time() = ToProto(now + absl::Hours(31 * 24));
  req.add_rooms(room);
  meetings::v1::Availability diary;
  {
    grpc::ClientContext ctx;
    relay_->Prepare(&ctx);
    if (grpc::Status s = meetings_->GetAvailability(&ctx, req, &diary); !s.ok()) return s;
  }
  std::string meeting;
  absl::Time first = absl::InfiniteFuture();
  for (const auto& r : diary.rooms()) {
    for (const auto& h : r.holds()) {
      if (FromProto(h.start_time()) < first) {
        first = FromProto(h.start_time());
        meeting = h.meeting();
      }
    }
  }
  owner->clear();
  if (meeting.empty()) return grpc::Status::OK;
  meetings::v1::GetMeetingRequest get;
  get.set_name(meeting);
  meetings::v1::Meeting m;
  grpc::ClientContext ctx;
  relay_->Prepare(&ctx);
  if (grpc::Status s = meetings_->GetMeeting(&ctx, get, &m); !s.ok()) return s;
  *owner = m.owner();
  return grpc::Status::OK;
}

grpc::Status AlertSender::operator()(const OutboxMessage& m, grpc::ClientContext* ctx) {
  notifications::v1::CreateAlertRequest req;
  if (!req.ParseFromString(m.body)) return grpc::Status(grpc::StatusCode::DATA_LOSS, "outbox entry cannot be read");
  if (m.kind == kRoomFailure) {
    std::string owner;
    if (grpc::Status s = NextMeetingOwner(m.key, &owner); !s.ok()) return s;
    if (owner.empty()) {
      spdlog::info("{}: no meeting is booked in {} in the next 31 days; nobody to tell", req.alert().source(), m.key);
      return grpc::Status::OK;
    }
    req.mutable_alert()->set_recipient(absl::StrCat("staff/", owner));
  }
  notifications::v1::Alert out;
  return notifications_->CreateAlert(ctx, req, &out);
}

}  // namespace atrium::inspections
