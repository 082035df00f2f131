// The clients service over real gRPC on loopback (port 0): authentication,
// rich error details on the wire, health and reflection.
#include <gtest/gtest.h>

#include <fstream>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "common/errors.h"
#include "common/outbox.h"
#include "common/testing.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "services/clients/runtime.h"

namespace atrium::clients {
namespace {

constexpr char kKey[] = "handler-test-key";

class HandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = testing::TempDir("clients-handler");
    std::ofstream(dir + "/jwt.key") << kKey;
    config_ = std::make_unique<Config>(CommonSettings("127.0.0.1:0", dir + "/clients.db"));
    config_->Add(ClientsSettings());
    std::string key_flag = "--jwt-key-file=" + dir + "/jwt.key";
    // No notifications service here: alerts wait in the outbox.
    std::string peer_flag = "--notifications-address=127.0.0.1:1";
    std::string prog = "clients";
    char* argv[] = {prog.data(), key_flag.data(), peer_flag.data()};
    ASSERT_TRUE(config_->Parse(3, argv, [](const char*) -> const char* { return nullptr; }).ok());
    auto rt = NewRuntime(*config_, &clock_);
    ASSERT_TRUE(rt.ok()) << rt.status();
    runtime_ = std::move(*rt);
    ASSERT_TRUE(runtime_->Start().ok());
    channel_ = grpc::CreateChannel(runtime_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::ClientsService::NewStub(channel_);
  }
  void TearDown() override {
    if (runtime_) runtime_->Shutdown();
  }

  void Authorize(grpc::ClientContext* ctx, const Principal& who, absl::Duration ttl = absl::Hours(1),
                 const std::string& key = kKey) {
    auto token = MintToken(TokenAlgorithm::kHs256, key, who, clock_.Now() + ttl, clock_.Now());
    ASSERT_TRUE(token.ok());
    ctx->AddMetadata("authorization", "Bearer " + *token);
  }

  FakeClock clock_{absl::FromUnixSeconds(1795744800)};
  std::unique_ptr<Config> config_;
  std::unique_ptr<ServiceRuntime> runtime_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ClientsService::Stub> stub_;
  const Principal kam_{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
};

TEST_F(HandlerTest, CreateAndGetOverTheWire) {
  v1::CreateAccountRequest req;
  req.mutable_account()->set_kind(v1::ACCOUNT_KIND_TRAVEL_AGENCY);
  req.mutable_account()->set_display_name("中国国际旅行社 \"CITS\"");
  v1::Account created;
  grpc::ClientContext ctx;
  Authorize(&ctx, kam_);
  ASSERT_TRUE(stub_->CreateAccount(&ctx, req, &created).ok());
  v1::GetAccountRequest get;
  get.set_name(created.name());
  v1::Account got;
  grpc::ClientContext ctx2;
  Authorize(&ctx2, kam_);
  ASSERT_TRUE(stub_->GetAccount(&ctx2, get, &got).ok());
  EXPECT_EQ(got.display_name(), "中国国际旅行社 \"CITS\"");
  EXPECT_EQ(got.owner(), "kam-li");
}

// Every method of the service, ReplyToFeedback included, refuses a call
// without a token or with a forged one, whatever the request.
TEST_F(HandlerTest, EveryMethodRequiresAToken) {
  const auto* service = v1::Account::descriptor()->file()->FindServiceByName("ClientsService");
  ASSERT_NE(service, nullptr);
  auto send = OutboxRelay::ByMethod(channel_);
  for (int i = 0; i < service->method_count(); ++i) {
    for (bool forged : {false, true}) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      if (forged) {
        ctx.AddMetadata("authorization", "Bearer " + *MintToken(TokenAlgorithm::kHs256, "another-key",
                                                                Principal{"mgr-wang", "Wang", Role::kManager, ""},
                                                                absl::Now() + absl::Hours(1)));
      }
      OutboxMessage call;  // an empty message of any request type
      call.method = "/" + service->full_name() + "/" + service->method(i)->name();
      EXPECT_EQ(send(call, &ctx).error_code(), grpc::StatusCode::UNAUTHENTICATED) << call.method;
    }
  }
}

TEST_F(HandlerTest, MissingExpiredAndForgedTokensAreUnauthenticated) {
  v1::GetAccountRequest get;
  get.set_name("accounts/x");
  v1::Account out;
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->GetAccount(&ctx, get, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, kam_, -absl::Minutes(1));
    EXPECT_EQ(stub_->GetAccount(&ctx, get, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, kam_, absl::Hours(1), "some-other-key");
    EXPECT_EQ(stub_->GetAccount(&ctx, get, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Basic dXNlcjpwYXNz");
    EXPECT_EQ(stub_->GetAccount(&ctx, get, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(HandlerTest, ErrorsCarryRichDetails) {
  v1::CreateAccountRequest req;
  req.mutable_account()->set_kind(v1::ACCOUNT_KIND_COMPANY);
  req.mutable_account()->set_display_name("Bad code");
  req.mutable_account()->set_credit_code("123");
  v1::Account out;
  grpc::ClientContext ctx;
  Authorize(&ctx, kam_);
  grpc::Status s = stub_->CreateAccount(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "account.credit_code");
  EXPECT_EQ(ErrorReason(s), "INVALID_ARGUMENT");

  grpc::ClientContext ctx2;
  Authorize(&ctx2, Principal{"insp", "", Role::kInspector, ""});
  v1::ListAccountsResponse list;
  s = stub_->ListAccounts(&ctx2, v1::ListAccountsRequest(), &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("ListAccounts"), std::string::npos);
}

TEST_F(HandlerTest, HealthServesAndGoesNotServingOnShutdown) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest req;
  req.set_service("atrium.clients.v1.ClientsService");
  grpc::health::v1::HealthCheckResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace atrium::clients
