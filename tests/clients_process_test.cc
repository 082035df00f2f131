// The clients binary as operators run it: acknowledged writes survive kill -9,
// SIGTERM drains and exits 0, a bad setting stops start-up with its name.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "common/auth.h"
#include "common/testing.h"
#include "grpcpp/grpcpp.h"
#include "tests/process.h"

namespace atrium {
namespace {

using clients::v1::ClientsService;

class ClientsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("clients-process");
    std::ofstream(dir_ + "/jwt.key") << "process-test-key";
    std::ofstream(dir_ + "/page.key") << "page-secret";
  }

  std::unique_ptr<testing::ServiceProcess> Make(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--listen=127.0.0.1:0", "--db-path=" + dir_ + "/clients.db",
                                     "--jwt-key-file=" + dir_ + "/jwt.key",
                                     "--page-token-secret-file=" + dir_ + "/page.key", "--shutdown-grace=5s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<testing::ServiceProcess>(ATRIUM_CLIENTS_BINARY, args, dir_ + "/clients.log");
  }

  void Authorize(grpc::ClientContext* ctx) {
    auto token = MintToken(TokenAlgorithm::kHs256, "process-test-key",
                           Principal{"kam-li", "Li Na", Role::kKeyAccountManager, ""}, absl::Now() + absl::Hours(1));
    ASSERT_TRUE(token.ok());
    ctx->AddMetadata("authorization", "Bearer " + *token);
  }

  int CountAccounts(ClientsService::Stub& stub) {
    int total = 0;
    clients::v1::ListAccountsRequest req;
    req.set_page_size(1000);
    for (;;) {
      grpc::ClientContext ctx;
      Authorize(&ctx);
      clients::v1::ListAccountsResponse resp;
      grpc::Status s = stub.ListAccounts(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return -1;
      total += resp.accounts_size();
      if (resp.next_page_token().empty()) return total;
      req.set_page_token(resp.next_page_token());
    }
  }

  std::string dir_;
};

TEST_F(ClientsProcessTest, AcknowledgedWritesSurviveKill9) {
  auto proc = Make();
  std::string addr = proc->Start();
  ASSERT_FALSE(addr.empty()) << proc->Log();
  auto stub = ClientsService::NewStub(grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()));
  constexpr int kAccounts = 300;
  for (int i = 0; i < kAccounts; ++i) {
    grpc::ClientContext ctx;
    Authorize(&ctx);
    clients::v1::CreateAccountRequest req;
    req.mutable_account()->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
    req.mutable_account()->set_display_name("持久客户 " + std::to_string(i));
    clients::v1::Account out;
    ASSERT_TRUE(stub->CreateAccount(&ctx, req, &out).ok());
  }
  EXPECT_EQ(proc->Stop(SIGKILL), 128 + SIGKILL);

  auto again = Make();
  addr = again->Start();
  ASSERT_FALSE(addr.empty()) << again->Log();
  stub = ClientsService::NewStub(grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()));
  EXPECT_EQ(CountAccounts(*stub), kAccounts);
  EXPECT_EQ(again->Stop(SIGTERM), 0);
}

TEST_F(ClientsProcessTest, InvalidUtf8IsRefusedNamingTheFieldAndChangesNothing) {
  auto proc = Make();
  std::string addr = proc->Start();
  ASSERT_FALSE(addr.empty()) << proc->Log();
  auto stub = ClientsService::NewStub(grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  Authorize(&ctx);
  clients::v1::CreateAccountRequest req;
  req.mutable_account()->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
  req.mutable_account()->set_display_name("会展\xe4\xbd公司");  // a character cut short
  clients::v1::Account out;
  const grpc::Status s = stub->CreateAccount(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(s.error_message(), "account.display_name: not valid UTF-8");
  EXPECT_EQ(CountAccounts(*stub), 0);
  EXPECT_EQ(proc->Stop(SIGTERM), 0);
}

TEST_F(ClientsProcessTest, SigtermDrainsAndExitsZero) {
  auto proc = Make({"--log-format=json"});
  std::string addr = proc->Start();
  ASSERT_FALSE(addr.empty()) << proc->Log();
  EXPECT_EQ(proc->Stop(SIGTERM), 0);
  EXPECT_NE(proc->Log().find("\"msg\":\"atrium.clients.v1.ClientsService stopped\""), std::string::npos) << proc->Log();
}

TEST_F(ClientsProcessTest, BadSettingStopsStartUpNamingIt) {
  auto proc = Make({"--max-message-bytes=12"});
  EXPECT_EQ(proc->Start(), "");
  EXPECT_NE(proc->Log().find("max-message-bytes"), std::string::npos) << proc->Log();
  auto no_key = std::make_unique<testing::ServiceProcess>(
      ATRIUM_CLIENTS_BINARY,
      std::vector<std::string>{"--listen=127.0.0.1:0", "--db-path=" + dir_ + "/x.db",
                               "--jwt-key-file=" + dir_ + "/missing.key"},
      dir_ + "/nokey.log");
  EXPECT_EQ(no_key->Start(), "");
  EXPECT_NE(no_key->Log().find("jwt-key-file"), std::string::npos) << no_key->Log();
}

}  // namespace
}  // namespace atrium
