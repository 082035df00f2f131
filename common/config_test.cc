#include "common/config.h"

#include <gtest/gtest.h>

#include <map>

namespace atrium {
namespace {

Config Make() {
  return Config({{"port", Setting::Int(50051, 0, 65535, "port")},
                 {"db-path", Setting::String("x.db", "db", true)},
                 {"log-format", Setting::Choice("text", {"text", "json"}, "fmt")},
                 {"grace", Setting::Duration("10s", "grace")},
                 {"verbose", Setting::Bool(false, "v")}});
}

absl::Status Parse(Config& c, std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  std::vector<char*> argv;
  std::string prog = "prog";
  argv.push_back(prog.data());
  for (auto& a : args) argv.push_back(a.data());
  return c.Parse(static_cast<int>(argv.size()), argv.data(), [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(ConfigTest, DefaultsEnvironmentAndFlagsInThatOrder) {
  Config c = Make();
  ASSERT_TRUE(Parse(c, {"--port=7000"}, {{"ATRIUM_PORT", "6000"}, {"ATRIUM_DB_PATH", "/tmp/a.db"}}).ok());
  EXPECT_EQ(c.Int("port"), 7000);
  EXPECT_EQ(c.String("db-path"), "/tmp/a.db");
  EXPECT_EQ(c.Duration("grace"), absl::Seconds(10));
  EXPECT_FALSE(c.Bool("verbose"));
  ASSERT_TRUE(Parse(c, {"--verbose", "--grace", "2m"}).ok());
  EXPECT_TRUE(c.Bool("verbose"));
  EXPECT_EQ(c.Duration("grace"), absl::Minutes(2));
}

TEST(ConfigTest, BadValuesNameTheSetting) {
  Config c = Make();
  absl::Status s = Parse(c, {"--port=99999"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("port"), std::string::npos);
  s = Parse(c, {}, {{"ATRIUM_LOG_FORMAT", "xml"}});
  EXPECT_NE(s.message().find("ATRIUM_LOG_FORMAT"), std::string::npos);
  s = Parse(c, {"--grace=soon"});
  EXPECT_NE(s.message().find("grace"), std::string::npos);
  s = Parse(c, {"--db-path="});
  EXPECT_NE(s.message().find("db-path"), std::string::npos);
  s = Parse(c, {"--colour=red"});
  EXPECT_NE(s.message().find("unknown flag --colour"), std::string::npos);
}

TEST(ConfigTest, HelpListsEverySetting) {
  Config c = Make();
  absl::Status s = Parse(c, {"--help"});
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_NE(s.message().find("ATRIUM_DB_PATH"), std::string::npos);
}

}  // namespace
}  // namespace atrium
