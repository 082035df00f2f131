#include "common/logging.h"

#include <gtest/gtest.h>

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
