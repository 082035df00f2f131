// The outbox relay: what is delivered is deleted, a peer that is down holds
// back only its own messages, a refusal is kept; and ByMethod over a real
// socket.
#include "common/outbox.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/errors.h"
#include "common/server.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace atrium {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1800000000);

class MemoryQueue final : public OutboxQueue {
 public:
  void Add(std::string peer, std::string label) {
    OutboxMessage m;
    m.id = ++last_id_;
    m.peer = std::move(peer);
    m.label = std::move(label);
    messages_.push_back({m, absl::InfinitePast()});
  }
  absl::StatusOr<std::vector<OutboxMessage>> Due(absl::Time now, int limit) override {
    std::vector<OutboxMessage> out;
    for (const auto& [m, next] : messages_) {
      if (next <= now && static_cast<int>(out.size()) < limit) out.push_back(m);
    }
    return out;
  }
  absl::Status Delivered(int64_t id) override {
    messages_.erase(std::remove_if(messages_.begin(), messages_.end(), [&](const auto& e) { return e.first.id == id; }),
                    messages_.end());
    return absl::OkStatus();
  }
  absl::Status Retry(int64_t id, absl::Time next) override {
    for (auto& [m, at] : messages_) {
      if (m.id == id) {
        ++m.attempts;
        at = next;
      }
    }
    return absl::OkStatus();
  }
  absl::Time NextAttempt(int64_t id) const {
    for (const auto& [m, at] : messages_) {
      if (m.id == id) return at;
    }
    return absl::InfiniteFuture();
  }
  size_t size() const { return messages_.size(); }

 private:
  int64_t last_id_ = 0;
  std::vector<std::pair<OutboxMessage, absl::Time>> messages_;
};

class OutboxRelayTest : public ::testing::Test {
 protected:
  OutboxRelayTest() : relay_("test", &queue_, &clock_, TokenAlgorithm::kHs256, "key", Options()) {}
  static OutboxRelay::Options Options() {
    OutboxRelay::Options o;
    o.poll_interval = absl::Milliseconds(10);
    return o;
  }
  // A peer that answers with `status` and records what it got.
  OutboxRelay::Sender Peer(grpc::Status* status, std::vector<std::string>* got) {
    return [status, got](const OutboxMessage& m, grpc::ClientContext*) {
      got->push_back(m.label);
      return *status;
    };
  }

  FakeClock clock_{kStart};
  MemoryQueue queue_;
  OutboxRelay relay_;
};

TEST_F(OutboxRelayTest, WhatThePeerTakesIsDeletedInOrder) {
  grpc::Status ok = grpc::Status::OK;
  std::vector<std::string> got;
  relay_.AddPeer("a", Peer(&ok, &got));
  queue_.Add("a", "1");
  queue_.Add("a", "2");
  EXPECT_EQ(relay_.Pass(), 2);
  EXPECT_EQ(got, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(queue_.size(), 0u);
}

TEST_F(OutboxRelayTest, APeerThatIsDownHoldsBackOnlyItsOwnMessagesWithBackoff) {
  grpc::Status down(grpc::StatusCode::UNAVAILABLE, "connection refused");
  grpc::Status ok = grpc::Status::OK;
  std::vector<std::string> got_a, got_b;
  relay_.AddPeer("a", Peer(&down, &got_a));
  relay_.AddPeer("b", Peer(&ok, &got_b));
  queue_.Add("a", "a1");
  queue_.Add("a", "a2");
  queue_.Add("b", "b1");
  EXPECT_EQ(relay_.Pass(), 1);
  EXPECT_EQ(got_a, (std::vector<std::string>{"a1"}));  // a2 is not tried: a is down
  EXPECT_EQ(got_b, (std::vector<std::string>{"b1"}));
  EXPECT_EQ(queue_.NextAttempt(1), kStart + absl::Seconds(1));
  // The waits double up to 256 s.
  for (int i = 1; i < 12; ++i) {
    clock_.Set(queue_.NextAttempt(1));
    relay_.Pass();
  }
  EXPECT_EQ(queue_.NextAttempt(1) - clock_.Now(), absl::Seconds(256));
  // A peer shutting down cancels the call: that is transient too.
  down = grpc::Status(grpc::StatusCode::CANCELLED, "server shutting down");
  clock_.Set(queue_.NextAttempt(1));
  relay_.Pass();
  EXPECT_EQ(queue_.NextAttempt(1) - clock_.Now(), absl::Seconds(256));
  // It comes back: everything is delivered.
  down = grpc::Status::OK;
  clock_.Set(queue_.NextAttempt(1));
  EXPECT_EQ(relay_.Pass(), 2);
  EXPECT_EQ(queue_.size(), 0u);
}

TEST_F(OutboxRelayTest, ARefusalIsKeptAndRetriedHourly) {
  grpc::Status refused(grpc::StatusCode::INVALID_ARGUMENT, "alert.title: required");
  std::vector<std::string> got;
  relay_.AddPeer("a", Peer(&refused, &got));
  queue_.Add("a", "bad");
  queue_.Add("a", "next");
  queue_.Add("nowhere", "lost");
  EXPECT_EQ(relay_.Pass(), 0);
  // A refusal says nothing about the peer: the next message is still tried.
  EXPECT_EQ(got, (std::vector<std::string>{"bad", "next"}));
  EXPECT_EQ(queue_.size(), 3u);
  EXPECT_EQ(queue_.NextAttempt(1), kStart + absl::Hours(1));
  EXPECT_EQ(queue_.NextAttempt(3), kStart + absl::Hours(1));  // no sender for its peer
}

TEST_F(OutboxRelayTest, ScheduledTasksRunAtTheirInterval) {
  int runs = 0;
  relay_.Every(absl::Minutes(1), [&] { ++runs; });
  relay_.Pass();
  relay_.Pass();
  EXPECT_EQ(runs, 1);
  clock_.Advance(absl::Minutes(1));
  relay_.Pass();
  EXPECT_EQ(runs, 2);
}

TEST(OutboxByMethodTest, SendsTheStoredRequestOverARealChannel) {
  ServerOptions options;
  options.shutdown_grace = absl::Seconds(1);
  ServiceRunner runner("atrium.test.v1.TestService", options);
  ASSERT_TRUE(runner.Start().ok());
  auto send = OutboxRelay::ByMethod(grpc::CreateChannel(runner.address(), grpc::InsecureChannelCredentials()));
  OutboxMessage m;
  m.method = "/grpc.health.v1.Health/Check";
  grpc::health::v1::HealthCheckRequest req;
  req.set_service("atrium.test.v1.TestService");
  m.body = req.SerializeAsString();
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EXPECT_TRUE(send(m, &ctx).ok());
  }
  req.set_service("no.such.Service");
  m.body = req.SerializeAsString();
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EXPECT_EQ(send(m, &ctx).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  const std::string address = runner.address();
  runner.Shutdown();
  {
    auto gone = OutboxRelay::ByMethod(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EXPECT_TRUE(IsTransientPeerFailure(gone(m, &ctx)));
  }
}

}  // namespace
}  // namespace atrium
