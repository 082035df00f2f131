// Process-wide logging set-up on spdlog.
//
// "text" is the human-readable default; "json" writes one JSON object per
// line, with every string escaped so that a quote or newline in a customer's
// name cannot break the line. In text lines the message is escaped too
// (backslash, newline, carriage return, tab, every other C0 control, DEL and
// C1 controls), so one record is one line in both. Protobuf's and gRPC's own
// messages go through the same logger, so in JSON mode every line is JSON.
//
//   atrium::SetUpLogging("clients", "json", "info");
//   spdlog::info("created {}", name);
#pragma once

#include <memory>
#include <string>
#include <string_view>

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

// The text format: "<time> <level> [<service>] <message>", the message escaped.
std::unique_ptr<spdlog::formatter> TextFormatter();

// Escapes control characters of a text log message: "\\", "\n", "\r",
// "\t", other C0 controls, DEL and C1 controls as "\u00XX".
std::string EscapeTextLog(std::string_view message);

// Installs the default logger on stderr. `format` is "text" or "json";
// `level` is an spdlog level name (trace, debug, info, warn, error).
// Also routes protobuf's log handler and gRPC's log function to it.
void SetUpLogging(const std::string& service, const std::string& format, const std::string& level);

}  // namespace atrium
