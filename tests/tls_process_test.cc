// TLS on the gRPC port (certificates made here with openssl): a call over
// mutual TLS works, from a client and from another service; a call without
// a client certificate, or in plain text, is refused; health answers on its
// own plain-text port for the kubelet.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "common/auth.h"
#include "common/testing.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/process.h"

namespace atrium {
namespace {

const char kKey[] = "tls-test-key";
const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TlsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("tls");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    // A CA, a server certificate for 127.0.0.1 and a client certificate.
    const std::string script = "cd " + dir_ +
                               " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1"
                               " -subj /CN=atrium-test-ca"
                               " && for n in server client; do openssl req -newkey rsa:2048 -nodes -keyout $n.key"
                               " -out $n.csr -subj /CN=$n; done"
                               " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > server.ext"
                               " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
                               " -out server.pem -days 1 -extfile server.ext"
                               " && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
                               " -out client.pem -days 1) >/dev/null 2>&1";
    ASSERT_EQ(std::system(("(" + script).c_str()), 0) << "openssl failed";
    port_ = testing::FreePort();
    health_port_ = testing::FreePort();
    clients_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_CLIENTS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:" + std::to_string(port_), "--db-path=" + dir_ + "/c.db",
                                 "--jwt-key-file=" + dir_ + "/jwt.key", "--tls-cert-file=" + dir_ + "/server.pem",
                                 "--tls-key-file=" + dir_ + "/server.key", "--tls-client-ca-file=" + dir_ + "/ca.pem",
                                 "--health-listen=127.0.0.1:" + std::to_string(health_port_)},
        dir_ + "/clients.log");
    ASSERT_FALSE(clients_->Start().empty()) << clients_->Log();
  }

  std::shared_ptr<grpc::Channel> Channel(bool client_cert) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Read(dir_ + "/ca.pem");
    if (client_cert) {
      ssl.pem_cert_chain = Read(dir_ + "/client.pem");
      ssl.pem_private_key = Read(dir_ + "/client.key");
    }
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::SslCredentials(ssl));
  }

  grpc::Status ListAccounts(std::shared_ptr<grpc::Channel> channel) {
    auto stub = clients::v1::ClientsService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    ctx.AddMetadata("authorization",
                    "Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey, kKam, absl::Now() + absl::Hours(1)));
    clients::v1::ListAccountsResponse out;
    return stub->ListAccounts(&ctx, clients::v1::ListAccountsRequest(), &out);
  }

  std::string dir_;
  int port_ = 0, health_port_ = 0;
  std::unique_ptr<testing::ServiceProcess> clients_;
};

TEST_F(TlsProcessTest, MutualTlsIsRequiredOnTheServicePort) {
  grpc::Status ok = ListAccounts(Channel(/*client_cert=*/true));
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  grpc::Status no_cert = ListAccounts(Channel(/*client_cert=*/false));
  EXPECT_EQ(no_cert.error_code(), grpc::StatusCode::UNAVAILABLE) << no_cert.error_message();
  grpc::Status plain =
      ListAccounts(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE) << plain.error_message();
}

TEST_F(TlsProcessTest, HealthAnswersOnItsOwnPlainPort) {
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(health_port_), grpc::InsecureChannelCredentials()));
  for (const char* service : {"", "atrium.clients.v1.ClientsService"}) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health->Check(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  // Only health is there: the service itself is not reachable in plain text.
  grpc::Status s = ListAccounts(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(health_port_), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED) << s.error_message();
}

TEST_F(TlsProcessTest, AnotherServiceCallsOverMutualTls) {
  // The meetings service checks the account with the clients service over
  // mutual TLS, presenting its own certificate.
  auto meetings = std::make_unique<testing::ServiceProcess>(
      ATRIUM_MEETINGS_BINARY,
      std::vector<std::string>{
          "--listen=127.0.0.1:0", "--db-path=" + dir_ + "/m.db", "--jwt-key-file=" + dir_ + "/jwt.key",
          "--clients-address=127.0.0.1:" + std::to_string(port_), "--tls-ca-file=" + dir_ + "/ca.pem",
          "--tls-cert-file=" + dir_ + "/client.pem", "--tls-key-file=" + dir_ + "/client.key"},
      dir_ + "/meetings.log");
  // The meetings port itself serves TLS with that certificate too.
  const std::string address = meetings->Start();
  ASSERT_FALSE(address.empty()) << meetings->Log();
  auto clients = clients::v1::ClientsService::NewStub(Channel(true));
  clients::v1::Account account;
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization",
                    "Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey, kKam, absl::Now() + absl::Hours(1)));
    clients::v1::CreateAccountRequest req;
    req.mutable_account()->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
    req.mutable_account()->set_display_name("TLS Co");
    ASSERT_TRUE(clients->CreateAccount(&ctx, req, &account).ok());
  }
  grpc::SslCredentialsOptions to_meetings;
  to_meetings.pem_root_certs = Read(dir_ + "/ca.pem");
  // The client certificate has no SAN for 127.0.0.1: reach meetings with the
  // name it carries.
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("client");
  auto stub = meetings::v1::MeetingsService::NewStub(
      grpc::CreateCustomChannel(address, grpc::SslCredentials(to_meetings), args));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  ctx.AddMetadata("authorization",
                  "Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey, kKam, absl::Now() + absl::Hours(1)));
  meetings::v1::CreateMeetingRequest req;
  req.mutable_meeting()->set_account(account.name());
  req.mutable_meeting()->set_title("TLS meeting");
  req.mutable_meeting()->set_origin(meetings::v1::Meeting::WALK_IN);
  meetings::v1::Meeting m;
  grpc::Status s = stub->CreateMeeting(&ctx, req, &m);
  EXPECT_TRUE(s.ok()) << s.error_message() << meetings->Log();
  EXPECT_EQ(m.owner(), "kam-li");
}

}  // namespace
}  // namespace atrium
