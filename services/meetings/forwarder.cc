#include "services/meetings/forwarder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace atrium::meetings {

ActivityForwarder::ActivityForwarder(MeetingsStore* store, const Clock* clock, std::shared_ptr<grpc::Channel> clients,
                                     TokenAlgorithm alg, std::string signing_key, absl::Duration deadline,
                                     absl::Duration poll_interval)
    : store_(store),
      clock_(clock),
      stub_(clients::v1::ClientsService::NewStub(std::move(clients))),
      alg_(alg),
      signing_key_(std::move(signing_key)),
      deadline_(deadline),
      poll_interval_(poll_interval) {}

ActivityForwarder::~ActivityForwarder() { Stop(); }

void ActivityForwarder::Start() {
  worker_ = std::thread([this] { Run(); });
}

void ActivityForwarder::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (worker_.joinable()) worker_.join();
}

std::string ActivityForwarder::Token() {
  const absl::Time now = absl::Now();
  if (now + absl::Minutes(5) >= token_expires_) {
    token_expires_ = now + absl::Hours(1);
    auto t = MintToken(alg_, signing_key_, Principal{"service:meetings", "meetings service", Role::kService, ""},
                       token_expires_);
    if (!t.ok()) {
      spdlog::error("cannot sign the service token: {}", std::string(t.status().message()));
      token_expires_ = absl::InfinitePast();
      return "";
    }
    token_ = *t;
  }
  return token_;
}

void ActivityForwarder::Run() {
  while (!stop_.WaitForNotificationWithTimeout(poll_interval_)) {
    while (Pass() > 0 && !stop_.HasBeenNotified()) {
    }
  }
}

int ActivityForwarder::Pass() {
  const absl::Time now = clock_->Now();
  std::vector<PendingActivity> due;
  absl::Status s = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    auto rows = tx.DueActivities(absl::ToUnixMicros(now), 100);
    if (!rows.ok()) return rows.status();
    due = std::move(*rows);
    return absl::OkStatus();
  });
  if (!s.ok() || due.empty()) return 0;
  int sent = 0;
  for (const PendingActivity& a : due) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    ctx.AddMetadata("authorization", "Bearer " + Token());
    clients::v1::CreateActivityRequest req;
    req.set_parent(a.account);
    req.set_request_id(a.request_id);
    req.mutable_activity()->set_type(clients::v1::Activity::MEETING);
    req.mutable_activity()->set_summary(a.summary);
    req.mutable_activity()->set_detail(a.detail);
    req.mutable_activity()->set_subject(a.subject);
    clients::v1::Activity out;
    grpc::Status st = stub_->CreateActivity(&ctx, req, &out);
    absl::Status recorded;
    if (st.ok()) {
      recorded = store_->Write([&](MeetingsTx& tx) { return tx.DeleteActivity(a.id); });
      ++sent;
    } else {
      // Unreachable: wait for it (1 s doubling to 5 min). Refused: log it and
      // keep it for an operator rather than lose the record.
      const bool transient =
          st.error_code() == grpc::StatusCode::UNAVAILABLE || st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
      if (!transient) spdlog::error("clients refused activity {}: {}", a.request_id, st.error_message());
      const absl::Duration wait = std::min(absl::Seconds(1) * (1 << std::min(a.attempts, 8)), absl::Minutes(5));
      recorded = store_->Write([&](MeetingsTx& tx) {
        return tx.RetryActivity(a.id, absl::ToUnixMicros(now + (transient ? wait : absl::Hours(1))));
      });
      if (transient) break;  // the rest would fail the same way
    }
    if (!recorded.ok()) spdlog::error("activity outbox: {}", std::string(recorded.message()));
  }
  return sent;
}

}  // namespace atrium::meetings
