#include "common/outbox.h"

#include <algorithm>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/errors.h"
#include "common/trace.h"
#include "grpcpp/generic/generic_stub.h"
#include "spdlog/spdlog.h"

namespace atrium {

absl::Duration OutboxRetryDelay(int attempts, bool transient) {
  if (!transient) return absl::Hours(1);
  return absl::Seconds(1) * (1 << std::clamp(attempts, 0, 8));
}

OutboxRelay::OutboxRelay(std::string service, OutboxQueue* queue, const Clock* clock, TokenAlgorithm alg,
                         std::string signing_key, Options options)
    : service_(std::move(service)),
      queue_(queue),
      clock_(clock),
      token_(alg, std::move(signing_key), service_),
      options_(options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::AddPeer(const std::string& peer, Sender sender) { peers_[peer] = std::move(sender); }

OutboxRelay::Sender OutboxRelay::ByMethod(std::shared_ptr<grpc::Channel> channel) {
  auto stub = std::make_shared<grpc::GenericStub>(std::move(channel));
  return [stub](const OutboxMessage& m, grpc::ClientContext* ctx) {
    grpc::Slice slice(m.body);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    absl::Mutex mu;
    bool done = false;
    grpc::Status result;
    stub->UnaryCall(ctx, m.method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
      absl::MutexLock lock(&mu);
      result = std::move(s);
      done = true;
    });
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(&done));
    return result;
  };
}

void OutboxRelay::Every(absl::Duration interval, std::function<void()> task) {
  tasks_.push_back(Task{interval, std::move(task)});
}

void OutboxRelay::Prepare(grpc::ClientContext* ctx) {
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  ctx->AddMetadata("authorization", "Bearer " + token_.Token());
  AddTraceMetadata(ctx);
}

void OutboxRelay::Start() {
  worker_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (worker_.joinable()) worker_.join();
}

void OutboxRelay::Run() {
  while (!stop_.WaitForNotificationWithTimeout(options_.poll_interval)) {
    while (Pass() > 0 && !stop_.HasBeenNotified()) {
    }
  }
}

int OutboxRelay::Pass() {
  const absl::Time now = clock_->Now();
  for (Task& t : tasks_) {
    if (now < t.next) continue;
    t.next = now + t.interval;
    t.run();
  }
  auto due = queue_->Due(now, options_.batch);
  if (!due.ok()) {
    spdlog::error("{} outbox: {}", service_, std::string(due.status().message()));
    return 0;
  }
  int sent = 0;
  std::map<std::string, bool> down;  // peers found unreachable in this pass
  for (const OutboxMessage& m : *due) {
    if (down[m.peer]) continue;  // the rest would fail the same way
    ScopedTrace trace(m.traceparent);
    grpc::Status st;
    auto peer = peers_.find(m.peer);
    if (peer == peers_.end()) {
      st = grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "no such peer: " + m.peer);
    } else {
      grpc::ClientContext ctx;
      Prepare(&ctx);
      st = peer->second(m, &ctx);
    }
    absl::Status recorded;
    if (st.ok()) {
      recorded = queue_->Delivered(m.id);
      spdlog::info("{} outbox: {} handed to the {} service", service_, m.label, m.peer);
      ++sent;
    } else {
      const bool transient = IsTransientPeerFailure(st);
      if (!transient) {
        spdlog::error("{} outbox: {} {} refused by {} (kept, retried hourly): {}", service_, m.id, m.label, m.peer,
                      st.error_message());
      } else if (m.attempts == 0) {
        spdlog::warn("{} outbox: {} {} waits for {} ({}: {})", service_, m.id, m.label, m.peer,
                     static_cast<int>(st.error_code()), st.error_message());
      }
      recorded = queue_->Retry(m.id, now + OutboxRetryDelay(m.attempts, transient));
      if (transient) down[m.peer] = true;
    }
    if (!recorded.ok()) spdlog::error("{} outbox: {}", service_, std::string(recorded.message()));
  }
  return sent;
}

}  // namespace atrium
