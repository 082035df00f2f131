#include "services/inspections/forwarder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/trace.h"
#include "spdlog/spdlog.h"

namespace atrium::inspections {

OutboxForwarder::OutboxForwarder(InspectionsStore* store, Inspections* domain, const Clock* clock,
                                 std::shared_ptr<grpc::Channel> notifications, std::shared_ptr<grpc::Channel> meetings,
                                 TokenAlgorithm alg, std::string signing_key, absl::Duration deadline,
                                 absl::Duration poll_interval, absl::Duration missed_check_interval)
    : store_(store),
      domain_(domain),
      clock_(clock),
      notifications_(notifications::v1::NotificationsService::NewStub(std::move(notifications))),
      meetings_(meetings::v1::MeetingsService::NewStub(std::move(meetings))),
      token_(alg, std::move(signing_key), "inspections"),
      deadline_(deadline),
      poll_interval_(poll_interval),
      missed_check_interval_(missed_check_interval) {}

OutboxForwarder::~OutboxForwarder() { Stop(); }

void OutboxForwarder::Start() {
  worker_ = std::thread([this] { Run(); });
}

void OutboxForwarder::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (worker_.joinable()) worker_.join();
}

void OutboxForwarder::Run() {
  while (!stop_.WaitForNotificationWithTimeout(poll_interval_)) {
    while (Pass() > 0 && !stop_.HasBeenNotified()) {
    }
  }
}

void OutboxForwarder::Authorize(grpc::ClientContext* ctx) {
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  ctx->AddMetadata("authorization", "Bearer " + token_.Token());
  AddTraceMetadata(ctx);
}

grpc::Status OutboxForwarder::NextMeetingOwner(const std::string& room, std::string* owner) {
  const absl::Time now = clock_->Now();
  meetings::v1::GetAvailabilityRequest req;
  *req.mutable_start_time() = ToProto(now);
  *req.mutable_end_time() = ToProto(now + absl::Hours(31 * 24));
  req.add_rooms(room);
  meetings::v1::Availability diary;
  {
    grpc::ClientContext ctx;
    Authorize(&ctx);
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
  Authorize(&ctx);
  if (grpc::Status s = meetings_->GetMeeting(&ctx, get, &m); !s.ok()) return s;
  *owner = m.owner();
  return grpc::Status::OK;
}

grpc::Status OutboxForwarder::Send(const OutboxEntry& e) {
  notifications::v1::CreateAlertRequest req;
  if (!req.ParseFromString(e.body)) return grpc::Status(grpc::StatusCode::DATA_LOSS, "outbox entry cannot be read");
  if (e.kind == OutboxEntry::kRoomFailure) {
    std::string owner;
    if (grpc::Status s = NextMeetingOwner(e.room, &owner); !s.ok()) return s;
    if (owner.empty()) {
      spdlog::info("{}: no meeting is booked in {} in the next 31 days; nobody to tell", req.alert().source(), e.room);
      return grpc::Status::OK;
    }
    req.mutable_alert()->set_recipient(absl::StrCat("staff/", owner));
  }
  notifications::v1::Alert out;
  grpc::ClientContext ctx;
  Authorize(&ctx);
  return notifications_->CreateAlert(&ctx, req, &out);
}

int OutboxForwarder::Pass() {
  const absl::Time now = clock_->Now();
  if (domain_ != nullptr && now >= next_missed_check_) {
    next_missed_check_ = now + missed_check_interval_;
    auto reported = domain_->ReportMissed();
    if (!reported.ok()) {
      spdlog::error("reporting missed inspections: {}", std::string(reported.status().message()));
    } else if (*reported > 0) {
      spdlog::warn("{} missed inspection(s) reported to the GM office", *reported);
    }
  }
  std::vector<OutboxEntry> due;
  absl::Status s = store_->Read([&](InspectionsTx& tx) -> absl::Status {
    auto rows = tx.DueOutbox(absl::ToUnixMicros(now), 100);
    if (!rows.ok()) return rows.status();
    due = std::move(*rows);
    return absl::OkStatus();
  });
  if (!s.ok() || due.empty()) return 0;
  int sent = 0;
  for (const OutboxEntry& e : due) {
    ScopedTrace trace(e.traceparent);
    grpc::Status st = Send(e);
    absl::Status recorded;
    if (st.ok()) {
      recorded = store_->Write([&](InspectionsTx& tx) { return tx.DeleteOutbox(e.id); });
      ++sent;
    } else {
      // Unreachable, restarting or busy (IsTransientPeerFailure): wait for it
      // (1 s doubling to 256 s). Refused: log it and keep it for an operator
      // rather than lose the record (retried hourly).
      const bool transient = IsTransientPeerFailure(st);
      if (!transient) spdlog::error("outbox entry {} refused: {}", e.id, st.error_message());
      if (transient && e.attempts == 0) {
        spdlog::warn("outbox entry {} waits for its peer ({}: {})", e.id, static_cast<int>(st.error_code()),
                     st.error_message());
      }
      const absl::Duration wait = std::min(absl::Seconds(1) * (1 << std::min(e.attempts, 8)), absl::Minutes(5));
      recorded = store_->Write([&](InspectionsTx& tx) {
        return tx.RetryOutbox(e.id, absl::ToUnixMicros(now + (transient ? wait : absl::Hours(1))));
      });
    }
    if (!recorded.ok()) spdlog::error("outbox: {}", std::string(recorded.message()));
  }
  return sent;
}

}  // namespace atrium::inspections
