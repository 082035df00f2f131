// A department's subscriber for cross-process tests, as a departmental
// system runs it: it receives the department's notices through Redis (and
// the catch-up), signs each one when asked to, and counts what it handled.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "cli/subscriber.h"
#include "common/auth.h"
#include "common/redis.h"
#include "grpcpp/grpcpp.h"

namespace atrium::testing {

namespace nv1 = notifications::v1;
using nv1::NotificationsService;

// Waits up to `timeout` for `done`.
inline bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

// A department's subscriber, as a departmental system runs it: every notice
// it receives is signed; it counts what it handled.
class Department {
 public:
  Department(const std::string& address, const std::string& redis, const Principal& who, bool sign,
             const std::string& key)
      : who_(who), sign_(sign), key_(key) {
    cli::SubscriberOptions o;
    o.redis = *redis::ParseEndpoint(redis, "redis");
    o.department = who.department;
    o.notifications_address = address;
    o.token = Token(who);
    o.reconnect_max = absl::Seconds(1);
    stub_ = NotificationsService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    sub_ = std::make_unique<cli::NoticeSubscriber>(o, [this](const nv1::DispatchEvent& e) { return Handle(e); });
    thread_ = std::thread([this] { sub_->Run(); });
  }
  ~Department() {
    sub_->Stop();
    thread_.join();
  }

  size_t handled() {
    std::lock_guard<std::mutex> lock(mu_);
    return handled_.size();
  }
  std::map<std::string, int> counts() {
    std::lock_guard<std::mutex> lock(mu_);
    return handled_;
  }
  std::vector<nv1::Dispatch> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  bool Handle(const nv1::DispatchEvent& e) {
    if (sign_) {
      // Signing twice is harmless, so an answer lost to a crash is simply
      // asked again; a superseded revision cannot be signed and is handled.
      grpc::Status s;
      for (int attempt = 0; attempt < 50; ++attempt) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        ctx.AddMetadata("authorization", "Bearer " + Token(who_));
        // The signature continues the notice's trace, as `atrium notices watch --sign` does.
        if (!e.dispatch().traceparent().empty()) ctx.AddMetadata("traceparent", e.dispatch().traceparent());
        nv1::SignDispatchRequest req;
        req.set_name(e.dispatch().name());
        req.set_remark("received");
        nv1::Dispatch out;
        s = stub_->SignDispatch(&ctx, req, &out);
        if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      if (!s.ok() && s.error_code() != grpc::StatusCode::FAILED_PRECONDITION) return false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    handled_[e.event_id()]++;
    received_.push_back(e.dispatch());
    return true;
  }

  std::string Token(const Principal& p) const {
    return *MintToken(TokenAlgorithm::kHs256, key_, p, absl::Now() + absl::Hours(1));
  }

  Principal who_;
  bool sign_;
  std::string key_;
  std::unique_ptr<NotificationsService::Stub> stub_;
  std::unique_ptr<cli::NoticeSubscriber> sub_;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, int> handled_;
  std::vector<nv1::Dispatch> received_;
};

}  // namespace atrium::testing
