#include "common/logging.h"

#include <grpc/grpc.h>
#include <grpc/support/log.h>
#include <gtest/gtest.h>
#include <jansson.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/rpc/status.pb.h"
#include "spdlog/sinks/null_sink.h"
#include "spdlog/spdlog.h"

#include "spdlog/details/log_msg.h"

namespace atrium {
namespace {

TEST(LoggingTest, JsonLineEscapesQuotesAndNewlines) {
  JsonFormatter f("clients");
  spdlog::details::log_msg msg("clients", spdlog::level::info, "created \"上海\nACME\" \\ ok");
  spdlog::memory_buf_t buf;
  f.format(msg, buf);
  std::string line(buf.data(), buf.size());
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;  // one line
  EXPECT_NE(line.find(R"("msg":"created \"上海\nACME\" \\ ok")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("level":"info")"), std::string::npos);
  EXPECT_NE(line.find(R"("service":"clients")"), std::string::npos);
}

}  // namespace
}  // namespace atrium

namespace atrium {
namespace {

// Runs `write` with the default logger set up as a service sets it up, and
// returns what reached stderr, line by line.
std::vector<std::string> LinesOf(const std::string& format, const std::function<void()>& write) {
  SetUpLogging("clients", format, "info");
  ::testing::internal::CaptureStderr();
  write();
  spdlog::default_logger()->flush();
  std::string out = ::testing::internal::GetCapturedStderr();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("", std::make_shared<spdlog::sinks::null_sink_mt>()));
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  return lines;
}

TEST(LoggingTest, TextLineEscapesControlCharacters) {
  auto lines = LinesOf("text", [] {
    spdlog::info("signed by {}", "kam-li\n2026-12-01T00:00:00.000000Z INFO  [clients] forged\r\t\x01\x7f \\ 上海");
  });
  ASSERT_EQ(lines.size(), 1u) << absl::StrJoin(lines, "|");
  EXPECT_NE(
      lines[0].find(R"(signed by kam-li\n2026-12-01T00:00:00.000000Z INFO  [clients] forged\r\t\u0001\u007f \\ 上海)"),
      std::string::npos)
      << lines[0];
}

// Protobuf's and gRPC's own lines go through spdlog: in JSON mode every line
// is a JSON object.
TEST(LoggingTest, LibraryLinesAreJsonInJsonMode) {
  auto lines = LinesOf("json", [] {
    google::rpc::Status status;
    EXPECT_FALSE(status.ParseFromString(std::string("\x12\x02\xff\xfe", 4)));  // message = invalid UTF-8
    grpc_init();  // gRPC logs nothing before it is initialised
    gpr_log(__FILE__, __LINE__, GPR_LOG_SEVERITY_ERROR, "grpc says %s", "hello\nthere");
    grpc_shutdown();
    spdlog::warn("bad byte \xff here");
  });
  ASSERT_EQ(lines.size(), 3u) << absl::StrJoin(lines, "|");
  for (const std::string& line : lines) {
    json_error_t error;
    json_t* root = json_loads(line.c_str(), 0, &error);
    ASSERT_NE(root, nullptr) << "not JSON: " << line << " (" << error.text << ")";
    EXPECT_NE(json_string_value(json_object_get(root, "msg")), nullptr) << line;
    json_decref(root);
  }
  EXPECT_NE(lines[0].find("invalid UTF-8"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("level":"error")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"(grpc says hello\nthere)"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace atrium
