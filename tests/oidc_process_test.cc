// The hotel's identity provider issues the tokens: a real OpenID Connect
// server (the certified oidc-provider package, tests/oidc/provider.js) and
// the clients service binary verifying them over gRPC. A token of the
// provider works and its groups give the role; a token from another
// issuer, for another audience, expired, or signed by a key the provider
// withdrew is UNAUTHENTICATED; a key rotated at the provider is picked up
// without restarting the service.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "common/auth.h"
#include "common/testing.h"
#include "grpcpp/grpcpp.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace cv1 = clients::v1;

const char kKey[] = "oidc-test-key";

class OidcProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::ifstream(std::string(ATRIUM_OIDC_DIR) + "/node_modules/oidc-provider/package.json").good())
        << "tests/oidc needs `npm ci` (scripts/test.sh runs it)";
    dir_ = testing::TempDir("oidc");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    provider_port_ = testing::FreePort();
    provider_ = Provider(provider_port_, "k1", "provider");
    ASSERT_FALSE(provider_->Start().empty()) << provider_->Log();
    clients_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_CLIENTS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--db-path=" + dir_ + "/c.db",
                                 "--jwt-key-file=" + dir_ + "/jwt.key", "--oidc-issuer=" + Issuer(provider_port_),
                                 "--oidc-audience=urn:atrium", "--oidc-allow-http=true", "--oidc-roles-claim=groups",
                                 "--oidc-role-map=sales-managers=manager,fnb-staff=fnb", "--oidc-key-refresh=0s"},
        dir_ + "/clients.log");
    const std::string address = clients_->Start();
    ASSERT_FALSE(address.empty()) << clients_->Log();
    stub_ = cv1::ClientsService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  static std::string Issuer(int port) { return "http://127.0.0.1:" + std::to_string(port); }

  std::unique_ptr<testing::ServiceProcess> Provider(int port, const std::string& kid, const std::string& name) {
    return std::make_unique<testing::ServiceProcess>(
        "/usr/bin/node",
        std::vector<std::string>{std::string(ATRIUM_OIDC_DIR) + "/provider.js", std::to_string(port), kid},
        dir_ + "/" + name + ".log", "listening on ([0-9.]+:[0-9]+)");
  }

  // An access token of `client` for `resource`, by the client credentials grant.
  std::string TokenOf(int port, const std::string& client, const std::string& resource = "urn:atrium") {
    std::string out;
    const int rc = testing::RunWithInput("curl -s -u " + client +
                                             ":secret -d grant_type=client_credentials -d resource=" + resource + " " +
                                             Issuer(port) + "/token",
                                         "", &out);
    EXPECT_EQ(rc, 0) << out;
    const std::string key = "\"access_token\":\"";
    const auto at = out.find(key);
    EXPECT_NE(at, std::string::npos) << out;
    if (at == std::string::npos) return "";
    return out.substr(at + key.size(), out.find('"', at + key.size()) - at - key.size());
  }

  // ListAccounts with `token`; with `create`, CreateAccount (staff only).
  grpc::Status Call(const std::string& token, bool create = false) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.AddMetadata("authorization", "Bearer " + token);
    if (create) {
      cv1::CreateAccountRequest req;
      req.mutable_account()->set_kind(cv1::ACCOUNT_KIND_COMPANY);
      req.mutable_account()->set_display_name("身份测试公司");
      cv1::Account out;
      return stub_->CreateAccount(&ctx, req, &out);
    }
    cv1::ListAccountsRequest req;
    cv1::ListAccountsResponse resp;
    return stub_->ListAccounts(&ctx, req, &resp);
  }

  std::string dir_;
  int provider_port_ = 0;
  std::unique_ptr<testing::ServiceProcess> provider_, clients_;
  std::unique_ptr<cv1::ClientsService::Stub> stub_;
};

TEST_F(OidcProcessTest, TheProvidersTokensWorkAndNoOthers) {
  const std::string manager = TokenOf(provider_port_, "manager-app");
  grpc::Status s = Call(manager);
  EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << clients_->Log();
  EXPECT_TRUE(Call(manager, /*create=*/true).ok());
  // F&B's token is a department's: known, but not one that creates accounts.
  s = Call(TokenOf(provider_port_, "fnb-app"), /*create=*/true);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();

  s = Call(TokenOf(provider_port_, "manager-app", "urn:billing"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << "another audience";
  EXPECT_NE(s.error_message().find("aud"), std::string::npos) << s.error_message();

  const int other_port = testing::FreePort();
  auto other = Provider(other_port, "k1", "other");
  ASSERT_FALSE(other->Start().empty()) << other->Log();
  s = Call(TokenOf(other_port, "manager-app"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << "another issuer";

  const std::string short_lived = TokenOf(provider_port_, "short-lived");
  EXPECT_TRUE(Call(short_lived).ok());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  s = Call(short_lived);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << "expired";
  EXPECT_NE(s.error_message().find("expired"), std::string::npos) << s.error_message();

  // A person's token signed with the services' key is not the provider's.
  const Principal kam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
  s = Call(*MintToken(TokenAlgorithm::kHs256, kKey, kam, absl::Now() + absl::Hours(1)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(OidcProcessTest, AKeyRotatedAtTheProviderIsPickedUpWithoutARestart) {
  const std::string before = TokenOf(provider_port_, "manager-app");
  ASSERT_TRUE(Call(before).ok()) << clients_->Log();
  // The provider comes back signing with k2; k1 is withdrawn.
  ASSERT_EQ(provider_->Stop(SIGTERM), 128 + SIGTERM);
  provider_ = Provider(provider_port_, "k2", "provider-k2");
  ASSERT_FALSE(provider_->Start().empty()) << provider_->Log();
  const std::string after = TokenOf(provider_port_, "manager-app");
  grpc::Status s = Call(after);
  EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << clients_->Log();
  s = Call(before);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << "signed by a withdrawn key";
  EXPECT_NE(clients_->Log().find("identity provider keys: 1 loaded"), std::string::npos) << clients_->Log();
}

}  // namespace
}  // namespace atrium
