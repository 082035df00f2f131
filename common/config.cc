#include "common/config.h"

#include <cstdlib>
#include <stdexcept>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace atrium {

Setting Setting::String(std::string def, std::string help, bool required) {
  Setting s;
  s.type = Type::kString;
  s.default_value = std::move(def);
  s.help = std::move(help);
  s.required = required;
  return s;
}

Setting Setting::Int(int64_t def, int64_t min, int64_t max, std::string help) {
  Setting s;
  s.type = Type::kInt;
  s.default_value = std::to_string(def);
  s.help = std::move(help);
  s.min = min;
  s.max = max;
  return s;
}

Setting Setting::Bool(bool def, std::string help) {
  Setting s;
  s.type = Type::kBool;
  s.default_value = def ? "true" : "false";
  s.help = std::move(help);
  return s;
}

Setting Setting::Duration(std::string def, std::string help) {
  Setting s;
  s.type = Type::kDuration;
  s.default_value = std::move(def);
  s.help = std::move(help);
  return s;
}

Setting Setting::Choice(std::string def, std::vector<std::string> choices, std::string help) {
  Setting s;
  s.type = Type::kChoice;
  s.default_value = std::move(def);
  s.choices = std::move(choices);
  s.help = std::move(help);
  return s;
}

Config::Config(std::map<std::string, Setting> settings) : settings_(std::move(settings)) {}

void Config::Add(const std::map<std::string, Setting>& settings) {
  for (const auto& [name, setting] : settings) settings_.emplace(name, setting);
}

std::string Config::EnvName(const std::string& name) {
  std::string env = "ATRIUM_" + absl::AsciiStrToUpper(name);
  for (char& c : env) {
    if (c == '-') c = '_';
  }
  return env;
}

absl::Status Config::Validate(const std::string& name, const std::string& value, const std::string& source) {
  const Setting& s = settings_.at(name);
  auto bad = [&](const std::string& rule) {
    return absl::InvalidArgumentError(absl::StrCat("configuration ", name, " (", source, "): \"", value, "\" ", rule));
  };
  switch (s.type) {
    case Setting::Type::kString:
      if (s.required && value.empty()) return bad("is required");
      break;
    case Setting::Type::kInt: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("is not an integer");
      if (v < s.min || v > s.max) return bad(absl::StrCat("must be between ", s.min, " and ", s.max));
      break;
    }
    case Setting::Type::kBool: {
      bool b = false;
      if (!absl::SimpleAtob(value, &b)) return bad("is not true or false");
      break;
    }
    case Setting::Type::kDuration: {
      absl::Duration d;
      if (!absl::ParseDuration(value, &d) || d < absl::ZeroDuration()) {
        return bad("is not a duration such as 500ms, 30s, 5m");
      }
      break;
    }
    case Setting::Type::kChoice: {
      bool found = false;
      for (const auto& c : s.choices) found = found || c == value;
      if (!found) return bad(absl::StrCat("must be one of: ", absl::StrJoin(s.choices, ", ")));
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status Config::Parse(int argc, char** argv, const Getenv& getenv) {
  std::map<std::string, std::pair<std::string, std::string>> given;  // name -> (value, source)
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return absl::CancelledError(Usage(argv[0]));
    if (arg.rfind("--", 0) != 0) return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    arg = arg.substr(2);
    std::string value;
    auto eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    if (!settings_.count(name)) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (settings_.at(name).type == Setting::Type::kBool) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
    }
    given[name] = {value, "flag --" + name};
  }
  values_.clear();
  for (const auto& [name, setting] : settings_) {
    std::string value = setting.default_value;
    std::string source = "default";
    if (auto it = given.find(name); it != given.end()) {
      value = it->second.first;
      source = it->second.second;
    } else if (const char* env = getenv(EnvName(name).c_str()); env != nullptr) {
      value = env;
      source = "environment " + EnvName(name);
    }
    RETURN_IF_ERROR(Validate(name, value, source));
    values_[name] = value;
  }
  return absl::OkStatus();
}

const std::string& Config::String(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("configuration read before Parse or undeclared: " + name);
  return it->second;
}

int64_t Config::Int(const std::string& name) const {
  int64_t v = 0;
  (void)absl::SimpleAtoi(String(name), &v);
  return v;
}

bool Config::Bool(const std::string& name) const {
  bool b = false;
  (void)absl::SimpleAtob(String(name), &b);
  return b;
}

absl::Duration Config::Duration(const std::string& name) const {
  absl::Duration d;
  (void)absl::ParseDuration(String(name), &d);
  return d;
}

std::string Config::Usage(const std::string& program) const {
  std::string out = absl::StrCat("usage: ", program, " [--flag=value ...]\n");
  for (const auto& [name, s] : settings_) {
    absl::StrAppend(&out, "  --", name, " (", EnvName(name), ", default \"", s.default_value, "\")\n      ", s.help,
                    "\n");
  }
  return out;
}

}  // namespace atrium

#include <fstream>
#include <sstream>

namespace atrium {
absl::StatusOr<std::string> ReadSettingFile(const std::string& setting, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::InvalidArgumentError(absl::StrCat("configuration ", setting, ": cannot read file \"", path, "\""));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
  if (data.empty())
    return absl::InvalidArgumentError(absl::StrCat("configuration ", setting, ": file \"", path, "\" is empty"));
  return data;
}
}  // namespace atrium
