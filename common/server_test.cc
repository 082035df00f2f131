// ServiceRunner's health service over a real socket: each name follows only
// its own dependency, however often the database probe runs.
#include "common/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"

#include "grpc/health/v1/health.grpc.pb.h"

namespace atrium {
namespace {

using grpc::health::v1::HealthCheckResponse;

constexpr char kService[] = "atrium.test.v1.TestService";

class ServiceRunnerHealthTest : public ::testing::Test {
 protected:
  void StartRunner() {
    ServerOptions options;
    options.probe_interval = absl::Milliseconds(20);  // many probes per sample
    options.shutdown_grace = absl::Seconds(1);
    runner_ = std::make_unique<ServiceRunner>(kService, options);
    runner_->SetProbe([this] { return database_ok_ ? absl::OkStatus() : absl::UnavailableError("database down"); });
    runner_->SetComponentStatus("redis", false);
    ASSERT_TRUE(runner_->Start().ok());
    stub_ =
        grpc::health::v1::Health::NewStub(grpc::CreateChannel(runner_->address(), grpc::InsecureChannelCredentials()));
  }

  std::string Status(const std::string& name) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(name);
    HealthCheckResponse resp;
    grpc::Status s = stub_->Check(&ctx, req, &resp);
    if (!s.ok()) return "error: " + s.error_message();
    return HealthCheckResponse::ServingStatus_Name(resp.status());
  }

  // `name` reads `want` in every one of `samples` checks, 50 ms apart (each
  // gap spans a couple of probes).
  void ExpectThroughout(const std::string& name, const std::string& want, int samples = 20) {
    for (int i = 0; i < samples; ++i) {
      ASSERT_EQ(Status(name), want) << name << ", sample " << i;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::atomic<bool> database_ok_{true};
  std::unique_ptr<ServiceRunner> runner_;
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

TEST_F(ServiceRunnerHealthTest, AComponentDownStaysDownWhileTheProbeSucceeds) {
  StartRunner();
  ExpectThroughout(absl::StrCat(kService, "/redis"), "NOT_SERVING");
  EXPECT_EQ(Status(absl::StrCat(kService, "/ready")), "NOT_SERVING");
  EXPECT_EQ(Status(kService), "SERVING");
  EXPECT_EQ(Status(""), "SERVING");

  runner_->SetComponentStatus("redis", true);
  ExpectThroughout(absl::StrCat(kService, "/redis"), "SERVING", 5);
  EXPECT_EQ(Status(absl::StrCat(kService, "/ready")), "SERVING");
}

TEST_F(ServiceRunnerHealthTest, AFailingProbeLeavesAComponentUpAndReadinessFollowsBoth) {
  StartRunner();
  runner_->SetComponentStatus("redis", true);
  database_ok_ = false;
  const absl::Time end = absl::Now() + absl::Seconds(10);
  while (Status(kService) != "NOT_SERVING" && absl::Now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(Status(kService), "NOT_SERVING");
  ExpectThroughout(absl::StrCat(kService, "/redis"), "SERVING");
  EXPECT_EQ(Status(""), "NOT_SERVING");
  EXPECT_EQ(Status(absl::StrCat(kService, "/ready")), "NOT_SERVING");
}

}  // namespace
}  // namespace atrium
