// Configuration from flags and environment, validated at start-up.
//
// Each setting is declared once with its type, default and rule. A flag
// `--db-path=/x` wins over the environment variable `ATRIUM_DB_PATH`, which wins
// over the default. Parse() refuses unknown flags and bad values with a message
// naming the setting, so a service stops before serving anything.
//
//   Config config({{"port", Setting::Int(0, 0, 65535, "gRPC port")}});
//   if (auto s = config.Parse(argc, argv, std::getenv); !s.ok()) { ...exit(2) }
//   int port = config.Int("port");
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace atrium {

struct Setting {
  enum class Type { kString, kInt, kBool, kDuration, kChoice };
  Type type = Type::kString;
  std::string default_value;
  std::string help;
  int64_t min = 0;
  int64_t max = 0;
  std::vector<std::string> choices;
  bool required = false;

  static Setting String(std::string def, std::string help, bool required = false);
  static Setting Int(int64_t def, int64_t min, int64_t max, std::string help);
  static Setting Bool(bool def, std::string help);
  // Durations are written as 500ms, 30s, 5m, 2h.
  static Setting Duration(std::string def, std::string help);
  static Setting Choice(std::string def, std::vector<std::string> choices, std::string help);
};

class Config final {
 public:
  using Getenv = std::function<const char*(const char*)>;

  explicit Config(std::map<std::string, Setting> settings);

  // Adds settings (e.g. the common runtime ones) before Parse().
  void Add(const std::map<std::string, Setting>& settings);

  // Reads flags then environment; validates every setting. `--help` yields a
  // kCancelled status whose message is the usage text.
  absl::Status Parse(int argc, char** argv, const Getenv& getenv);

  const std::string& String(const std::string& name) const;
  int64_t Int(const std::string& name) const;
  bool Bool(const std::string& name) const;
  absl::Duration Duration(const std::string& name) const;

  std::string Usage(const std::string& program) const;

  // The environment variable name of a setting: "db-path" -> "ATRIUM_DB_PATH".
  static std::string EnvName(const std::string& name);

 private:
  absl::Status Validate(const std::string& name, const std::string& value, const std::string& source);

  std::map<std::string, Setting> settings_;
  std::map<std::string, std::string> values_;
};

}  // namespace atrium

namespace atrium {
// Reads a whole file (keys, secrets); the error names the setting.
absl::StatusOr<std::string> ReadSettingFile(const std::string& setting, const std::string& path);
}  // namespace atrium
