// The serving model over a real socket: bindings found by request type, the
// executor's bound, a call given up while it waited, a stream reactor.
#include "common/serve.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>

#include "absl/synchronization/notification.h"
#include "common/testing.h"
#include "google/protobuf/struct.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace atrium {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr char kKey[] = "serve-test-key";

// A stream that answers once and ends.
class OneAnswer final : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  OneAnswer() {
    answer_.set_status(HealthCheckResponse::SERVING);
    StartWriteAndFinish(&answer_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  HealthCheckResponse answer_;
};

// grpc.health.v1.Health served through bindings: Check waits for `release`
// when the service name is "block", and counts the calls it ran.
class TestHealth final : public Bindings {
 public:
  TestHealth(const TokenVerifier* verifier, Executor* executor)
      : Bindings("grpc.health.v1.Health", verifier, executor) {
    Unary<HealthCheckRequest, HealthCheckResponse>(
        [this](const Principal& who, const HealthCheckRequest& req) -> absl::StatusOr<HealthCheckResponse> {
          ++ran;
          if (req.service() == "block") {
            started.Notify();
            release.WaitForNotification();
          }
          if (req.service() == "refuse") return absl::PermissionDeniedError("no");
          HealthCheckResponse r;
          r.set_status(who.subject == "alice" ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
          return r;
        });
    ServerStream<HealthCheckRequest, HealthCheckResponse>(
        [](grpc::CallbackServerContext*, const HealthCheckRequest*, const std::string&) { return new OneAnswer(); });
    Seal();
  }
  std::atomic<int> ran{0};
  absl::Notification started;
  absl::Notification release;
};

class ServeTest : public ::testing::Test {
 protected:
  void Start(int workers, int queued) {
    executor_ = std::make_unique<Executor>(workers, queued);
    service_ = std::make_unique<TestHealth>(&verifier_, executor_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (service_ && !service_->release.HasBeenNotified()) service_->release.Notify();
    if (server_) server_->Shutdown();
  }
  grpc::Status Check(const std::string& service, HealthCheckResponse* out, int deadline_ms = 10000,
                     const std::string& subject = "alice") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
    ctx.AddMetadata("authorization",
                    "Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey, Principal{subject, "A", Role::kManager, ""},
                                           absl::Now() + absl::Hours(1)));
    HealthCheckRequest req;
    req.set_service(service);
    return stub_->Check(&ctx, req, out);
  }

  SystemClock clock_;
  TokenVerifier verifier_{TokenAlgorithm::kHs256, kKey, &clock_};
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<TestHealth> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

TEST_F(ServeTest, AMethodRunsWithTheCallerAndItsStatusIsTranslated) {
  Start(2, 10);
  HealthCheckResponse r;
  ASSERT_TRUE(Check("", &r).ok());
  EXPECT_EQ(r.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(Check("", &r, 10000, "bob").ok());
  EXPECT_EQ(r.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check("refuse", &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // No token: refused before the method runs.
  const int ran = service_->ran;
  grpc::ClientContext ctx;
  HealthCheckRequest req;
  EXPECT_EQ(stub_->Check(&ctx, req, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(service_->ran, ran);
  // The streaming method is served by its reactor.
  grpc::ClientContext watch;
  auto reader = stub_->Watch(&watch, req);
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.status(), HealthCheckResponse::SERVING);
  EXPECT_FALSE(reader->Read(&r));
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(ServeTest, AFullQueueRefusesAtOnceAndWhatWaitedRunsAfter) {
  Start(1, 1);
  HealthCheckResponse first, second, third;
  grpc::Status first_status, second_status;
  std::thread a([&] { first_status = Check("block", &first); });
  service_->started.WaitForNotification();  // the one worker is busy
  std::thread b([&] { second_status = Check("", &second); });
  // The second waits in the queue (its one place); a third finds it full.
  for (int i = 0; i < 1000 && executor_->queued() == 0; ++i) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_EQ(executor_->queued(), 1);
  const grpc::Status third_status = Check("", &third);
  EXPECT_EQ(third_status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << third_status.error_message();
  service_->release.Notify();
  a.join();
  b.join();
  EXPECT_TRUE(first_status.ok()) << first_status.error_message();
  EXPECT_TRUE(second_status.ok()) << second_status.error_message();
}

TEST_F(ServeTest, ACallWhoseClientGaveUpWhileItWaitedIsNotRun) {
  Start(1, 10);
  HealthCheckResponse r;
  std::thread a([&] { (void)Check("block", &r); });
  service_->started.WaitForNotification();
  const int ran = service_->ran;
  EXPECT_EQ(Check("", &r, 200).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server's deadline runs from when it received the call, which on a
  // busy machine can be later than the client sent it: the worker is freed
  // once that deadline has surely passed too (and the client's cancellation
  // arrived), or the call would rightly still run.
  absl::SleepFor(absl::Milliseconds(500));
  service_->release.Notify();
  a.join();
  // The worker is free again: the next call runs, the one given up did not.
  ASSERT_TRUE(Check("", &r).ok());
  EXPECT_EQ(service_->ran, ran + 1);
}

TEST_F(ServeTest, ARequestWithInvalidUtf8IsRefusedNamingTheFieldAndNotRun) {
  Start(2, 10);
  const int ran = service_->ran;
  HealthCheckResponse r;
  // The client's protobuf sends the bytes as they are (it only logs).
  const grpc::Status s = Check(std::string("fnb\xff\xfe"), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(s.error_message(), "service: not valid UTF-8");
  EXPECT_EQ(service_->ran, ran);
}

grpc::ByteBuffer Raw(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

TEST(ParseRequestTest, NamesTheNestedFieldThatIsNotUtf8) {
  google::protobuf::Struct good;
  (*good.mutable_fields())["menu"].set_string_value("午餐");
  google::protobuf::Struct parsed;
  ASSERT_TRUE(ParseRequest(Raw(good.SerializeAsString()), &parsed).ok());
  EXPECT_EQ(parsed.fields().at("menu").string_value(), "午餐");

  // A map value's string, three levels down; and a map key.
  google::protobuf::Struct bad;
  (*bad.mutable_fields())["menu"].set_string_value("\xc3\x28");
  absl::Status s = ParseRequest(Raw(bad.SerializeAsString()), &parsed);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "fields.value.string_value: not valid UTF-8");
  google::protobuf::Struct bad_key;
  (*bad_key.mutable_fields())["\xff"].set_number_value(1);
  EXPECT_EQ(ParseRequest(Raw(bad_key.SerializeAsString()), &parsed).message(), "fields.key: not valid UTF-8");

  // Bytes that are no message at all.
  s = ParseRequest(Raw("\x0a\x7f"), &parsed);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "the request is not a valid google.protobuf.Struct");
}

TEST(ExecutorTest, RunsWhatWasQueuedBeforeItStops) {
  std::atomic<int> done{0};
  {
    Executor e(2, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(e.TrySubmit([&] {
        absl::SleepFor(absl::Milliseconds(1));
        ++done;
      }));
    }
  }
  EXPECT_EQ(done, 50);
}

TEST(BindingsDeathTest, AServiceWithAMethodLeftUnboundDoesNotStart) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  SystemClock clock;
  TokenVerifier verifier(TokenAlgorithm::kHs256, kKey, &clock);
  Executor executor(1, 1);
  struct HalfBound final : Bindings {
    HalfBound(const TokenVerifier* v, Executor* e) : Bindings("grpc.health.v1.Health", v, e) {
      Unary<HealthCheckRequest, HealthCheckResponse>(
          [](const Principal&, const HealthCheckRequest&) -> absl::StatusOr<HealthCheckResponse> {
            return HealthCheckResponse();
          });
      Seal();
    }
  };
  // (The log line naming the method goes to the log, not to stderr.)
  EXPECT_EXIT(HalfBound(&verifier, &executor), ::testing::KilledBySignal(SIGABRT), "");
}

}  // namespace
}  // namespace atrium
