#include "services/meetings/forwarder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/trace.h"
#include "spdlog/spdlog.h"

namespace atrium::meetings {

OutboxForwarder::OutboxForwarder(MeetingsStore* store, const Clock* clock, std::shared_ptr<grpc::Channel> clients,
                                 std::shared_ptr<grpc::Channel> notifications, TokenAlgorithm alg,
                                 std::string signing_key, absl::Duration deadline, absl::Duration poll_interval)
    : store_(store),
      clock_(clock),
      stub_(clients::v1::ClientsService::NewStub(std::move(clients))),
      notifications_(notifications::v1::NotificationsService::NewStub(std::move(notifications))),
      token_(alg, std::move(signing_key), "meetings"),
      deadline_(deadline),
      poll_interval_(poll_interval) {}

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

grpc::Status OutboxForwarder::Send(const OutboxEntry& a) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  ctx.AddMetadata("authorization", "Bearer " + token_.Token());
  AddTraceMetadata(&ctx);
  switch (a.kind) {
    case OutboxEntry::kActivity: {
      clients::v1::CreateActivityRequest req;
      req.set_parent(a.account);
      req.set_request_id(a.request_id);
      req.mutable_activity()->set_type(clients::v1::Activity::MEETING);
      req.mutable_activity()->set_summary(a.summary);
      req.mutable_activity()->set_detail(a.detail);
      req.mutable_activity()->set_subject(a.subject);
      clients::v1::Activity out;
      return stub_->CreateActivity(&ctx, req, &out);
    }
    case OutboxEntry::kPreference: {
      clients::v1::CreatePreferenceRequest req;
      if (!req.ParseFromString(a.body)) break;
      clients::v1::Preference out;
      return stub_->CreatePreference(&ctx, req, &out);
    }
    case OutboxEntry::kLedger: {
      clients::v1::CreateLedgerEntryRequest req;
      if (!req.ParseFromString(a.body)) break;
      clients::v1::LedgerEntry out;
      return stub_->CreateLedgerEntry(&ctx, req, &out);
    }
    case OutboxEntry::kNotice: {
      notifications::v1::DispatchNoticeRequest req;
      if (!req.ParseFromString(a.body)) break;
      notifications::v1::Notice out;
      return notifications_->DispatchNotice(&ctx, req, &out);
    }
    default: break;
  }
  return grpc::Status(grpc::StatusCode::DATA_LOSS, "outbox entry cannot be read");
}

int OutboxForwarder::Pass() {
  const absl::Time now = clock_->Now();
  std::vector<OutboxEntry> due;
  absl::Status s = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    auto rows = tx.DueOutbox(absl::ToUnixMicros(now), 100);
    if (!rows.ok()) return rows.status();
    due = std::move(*rows);
    return absl::OkStatus();
  });
  if (!s.ok() || due.empty()) return 0;
  int sent = 0;
  bool down[2] = {false, false};  // clients, notifications unreachable in this pass
  for (const OutboxEntry& a : due) {
    const int target = a.kind == OutboxEntry::kNotice ? 1 : 0;
    if (down[target]) continue;  // the rest would fail the same way
    ScopedTrace trace(a.traceparent);
    grpc::Status st = Send(a);
    absl::Status recorded;
    if (st.ok()) {
      recorded = store_->Write([&](MeetingsTx& tx) { return tx.DeleteOutbox(a.id); });
      if (a.kind == OutboxEntry::kNotice) spdlog::info("{} handed to the notifications service", a.request_id);
      ++sent;
    } else {
      // Unreachable, restarting or busy (IsTransientPeerFailure): wait for it
      // (1 s doubling to 256 s). Refused: log it and keep it for an operator
      // rather than lose the record (retried hourly).
      const bool transient = IsTransientPeerFailure(st);
      if (!transient) spdlog::error("outbox entry {} ({}) refused: {}", a.id, a.request_id, st.error_message());
      if (transient && a.attempts == 0) {
        spdlog::warn("outbox entry {} ({}) waits for its peer ({}: {})", a.id, a.request_id,
                     static_cast<int>(st.error_code()), st.error_message());
      }
      const absl::Duration wait = std::min(absl::Seconds(1) * (1 << std::min(a.attempts, 8)), absl::Minutes(5));
      recorded = store_->Write([&](MeetingsTx& tx) {
        return tx.RetryOutbox(a.id, absl::ToUnixMicros(now + (transient ? wait : absl::Hours(1))));
      });
      if (transient) down[target] = true;
    }
    if (!recorded.ok()) spdlog::error("outbox: {}", std::string(recorded.message()));
  }
  return sent;
}

}  // namespace atrium::meetings
