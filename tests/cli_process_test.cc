// The atrium binary as a script or a person runs it: --help answers with the
// usage and exit status 0; with --json every line it prints is whole and
// valid JSON, and a response that has no JSON form (a notice from an older
// server whose meeting starts at seconds = 2^62) is an error with a non-zero
// exit, never a line cut short. The notifications service is stood in for by
// a small server of this test, which answers with such values.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/testing.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace nv1 = notifications::v1;

constexpr int64_t kFarFuture = int64_t{1} << 62;

nv1::Dispatch MakeDispatch(const std::string& notice, int64_t meeting_start_seconds) {
  nv1::Dispatch d;
  d.set_name(absl::StrCat("notices/", notice, "/revisions/1/dispatches/fnb"));
  d.set_event_id(d.name());
  d.set_notice(absl::StrCat("notices/", notice));
  d.set_revision(1);
  d.set_department("fnb");
  d.set_title("年会");
  d.set_state(nv1::Dispatch::AWAITING_SIGNATURE);
  d.mutable_meeting_start_time()->set_seconds(meeting_start_seconds);
  d.mutable_sign_deadline()->set_seconds(1796086800);
  return d;
}

// Answers GetDispatch with the dispatch of that name and ListDispatches with
// both: "far", whose meeting starts at 2^62 s, then "near".
class OlderNotificationsServer final : public nv1::NotificationsService::Service {
 public:
  OlderNotificationsServer() : far_(MakeDispatch("far", kFarFuture)), near_(MakeDispatch("near", 1796086800)) {}

  grpc::Status GetDispatch(grpc::ServerContext*, const nv1::GetDispatchRequest* req, nv1::Dispatch* out) override {
    *out = req->name() == far_.name() ? far_ : near_;
    return grpc::Status::OK;
  }
  grpc::Status ListDispatches(grpc::ServerContext*, const nv1::ListDispatchesRequest*,
                              nv1::ListDispatchesResponse* out) override {
    *out->add_dispatches() = far_;
    *out->add_dispatches() = near_;
    return grpc::Status::OK;
  }

  nv1::Dispatch far_, near_;
};

struct CliRun {
  int status = -1;
  std::string out, err;
};

// Runs the CLI with `args`, its standard output and error kept apart.
CliRun Cli(const std::string& dir, const std::string& args) {
  CliRun r;
  const std::string err_path = dir + "/stderr";
  FILE* p = popen(absl::StrCat(ATRIUM_CLI_BINARY, " ", args, " 2>", err_path, " </dev/null").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_path);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  return r;
}

class CliProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("cli-process");
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&older_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ && port_ != 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  std::string Addr() const { return absl::StrCat("--addr=127.0.0.1:", port_, " --token=t"); }

  std::string dir_;
  int port_ = 0;
  OlderNotificationsServer older_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(CliProcessTest, HelpPrintsTheUsageAndExitsZero) {
  for (const char* args : {"--help", "-h", "help", "notices --help", "token -h"}) {
    CliRun r = Cli(dir_, args);
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    EXPECT_EQ(r.out.rfind("usage:\n", 0), 0u) << args << ": " << r.out;
    EXPECT_EQ(r.err, "") << args;
  }
  for (const char* args : {"clients --help", "meetings -h"}) {
    CliRun r = Cli(dir_, args);
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    EXPECT_EQ(r.out.rfind("methods of atrium.", 0), 0u) << args << ": " << r.out;
  }
  // A mistake still says so on stderr, with exit status 2.
  CliRun none = Cli(dir_, "");
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(none.out, "");
  EXPECT_NE(none.err.find("usage:"), std::string::npos);
  CliRun missing = Cli(dir_, "clients get-account --addr");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("--addr needs a value"), std::string::npos) << missing.err;
}

TEST_F(CliProcessTest, JsonIsWholeOrAnErrorWithANonZeroExit) {
  CliRun far =
      Cli(dir_, absl::StrCat("notifications get-dispatch name=notices/far/revisions/1/dispatches/fnb --json ", Addr()));
  EXPECT_EQ(far.status, 1);
  EXPECT_EQ(far.out, "") << "nothing printed, not even part of a line";
  EXPECT_NE(far.err.find("meeting_start_time"), std::string::npos) << far.err;
  EXPECT_NE(far.err.find("4611686018427387904"), std::string::npos) << far.err;

  // As text it is shown whole, saying what the value is.
  CliRun text =
      Cli(dir_, absl::StrCat("notifications get-dispatch name=notices/far/revisions/1/dispatches/fnb ", Addr()));
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("meeting_start_time: seconds=4611686018427387904 nanos=0: not a valid timestamp\n"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("sign_deadline: 2026-12-01T01:00:00Z\n"), std::string::npos) << text.out;

  CliRun near = Cli(
      dir_, absl::StrCat("notifications get-dispatch name=notices/near/revisions/1/dispatches/fnb --json ", Addr()));
  EXPECT_EQ(near.status, 0) << near.err;
  ASSERT_FALSE(near.out.empty());
  EXPECT_EQ(near.out.find('\n'), near.out.size() - 1) << "one line";
  nv1::Dispatch parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(near.out, &parsed).ok()) << near.out;
  EXPECT_EQ(parsed.name(), "notices/near/revisions/1/dispatches/fnb");
}

// The watch prints every event it can print whole, reports the one it cannot
// (unsigned, it is escalated and comes again) and ends with exit status 1.
TEST_F(CliProcessTest, WatchJsonPrintsOnlyWholeLinesAndEndsNonZeroAfterAnUnprintableEvent) {
  testing::RedisServer redis(dir_);
  ASSERT_TRUE(redis.Start());
  testing::ServiceProcess watch(ATRIUM_CLI_BINARY,
                                {"notices", "watch", "--department", "fnb", "--json", "--redis", redis.address(),
                                 absl::StrCat("--addr=127.0.0.1:", port_), "--token=t"},
                                dir_ + "/watch.log", "\\{\"event_id\":\"notices/near/[^\n]*\n");
  ASSERT_FALSE(watch.Start().empty()) << watch.Log();
  EXPECT_EQ(watch.Stop(SIGTERM), 1) << watch.Log();
  int json_lines = 0;
  bool reported = false;
  for (absl::string_view line : absl::StrSplit(watch.Log(), '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "[notices] ")) continue;
    if (absl::StartsWith(line, "error: ")) {
      reported |= line.find("notices/far/revisions/1/dispatches/fnb") != absl::string_view::npos &&
                  line.find("meeting_start_time") != absl::string_view::npos;
      continue;
    }
    nv1::DispatchEvent e;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(line), &e).ok()) << line;
    EXPECT_EQ(e.event_id(), "notices/near/revisions/1/dispatches/fnb");
    ++json_lines;
  }
  EXPECT_EQ(json_lines, 1) << watch.Log();
  EXPECT_TRUE(reported) << watch.Log();
}

}  // namespace
}  // namespace atrium
