// Process-wide logging set-up on spdlog.
//
// "text" is the human-readable default; "json" writes one JSON object per
// line, with every string escaped so that a quote or newline in a customer's
// name cannot break the line.
//
//   atrium::SetUpLogging("clients", "json", "info");
//   spdlog::info("created {}", name);
#pragma once

#include <memory>
#include <string>

#include "spdlog/formatter.h"

namespace atrium {

// Formats records as {"time":..,"level":..,"service":..,"msg":..}.
class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string service) : service_(std::move(service)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::string service_;
};

// Installs the default logger on stderr. `format` is "text" or "json";
// `level` is an spdlog level name (trace, debug, info, warn, error).
void SetUpLogging(const std::string& service, const std::string& format, const std::string& level);

}  // namespace atrium
