#include "common/logging.h"

#include <grpc/support/log.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/text.h"
#include "common/trace.h"
#include "google/protobuf/stubs/logging.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace atrium {
namespace {

// "%*": " trace=<id>" while the thread works for a trace, else nothing.
class TraceFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const TraceContext* t = CurrentTrace();
    if (t == nullptr) return;
    static constexpr std::string_view kPrefix = " trace=";
    dest.append(kPrefix.data(), kPrefix.data() + kPrefix.size());
    dest.append(t->trace_id.data(), t->trace_id.data() + t->trace_id.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<TraceFlag>(); }
};

// "%&": the message, its control characters escaped.
class EscapedMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string escaped = EscapeTextLog(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<EscapedMessageFlag>(); }
};

void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  spdlog::level::level_enum l = spdlog::level::info;
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO: l = spdlog::level::info; break;
    case google::protobuf::LOGLEVEL_WARNING: l = spdlog::level::warn; break;
    case google::protobuf::LOGLEVEL_ERROR: l = spdlog::level::err; break;
    case google::protobuf::LOGLEVEL_FATAL: l = spdlog::level::critical; break;
  }
  spdlog::log(l, "protobuf: {} ({}:{})", message, file, line);
}

void GrpcLog(gpr_log_func_args* args) {
  spdlog::level::level_enum l = spdlog::level::info;
  switch (args->severity) {
    case GPR_LOG_SEVERITY_DEBUG: l = spdlog::level::debug; break;
    case GPR_LOG_SEVERITY_INFO: l = spdlog::level::info; break;
    case GPR_LOG_SEVERITY_ERROR: l = spdlog::level::err; break;
  }
  spdlog::log(l, "grpc: {} ({}:{})", args->message, args->file, args->line);
}

}  // namespace

std::string EscapeTextLog(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (size_t i = 0; i < message.size(); ++i) {
    const auto c = static_cast<unsigned char>(message[i]);
    char buf[8];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else if (c == 0xC2 && i + 1 < message.size() && static_cast<unsigned char>(message[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(message[i + 1]) <= 0x9F) {  // U+0080..U+009F in UTF-8
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(message[++i]));
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::unique_ptr<spdlog::formatter> TextFormatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<TraceFlag>('*').add_flag<EscapedMessageFlag>('&').set_pattern(
      "%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ [%n]%* %&");
  return formatter;
}

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  using std::chrono::duration_cast;
  auto since = msg.time.time_since_epoch();
  auto secs = duration_cast<std::chrono::seconds>(since);
  auto micros = duration_cast<std::chrono::microseconds>(since - secs).count();
  std::time_t t = secs.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[40];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line = "{\"time\":\"";
  line += stamp;
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(micros));
  line += frac;
  line += "\",\"level\":\"";
  auto level = spdlog::level::to_string_view(msg.level);
  line.append(level.data(), level.size());
  line += "\",\"service\":\"";
  line += JsonEscape(service_);
  if (const TraceContext* t = CurrentTrace()) {
    line += "\",\"trace_id\":\"";
    line += t->trace_id;
    line += "\",\"span_id\":\"";
    line += t->span_id;
  }
  line += "\",\"msg\":\"";
  line += JsonEscape(ToValidUtf8(std::string_view(msg.payload.data(), msg.payload.size())));
  line += "\"}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const { return std::make_unique<JsonFormatter>(service_); }

void SetUpLogging(const std::string& service, const std::string& format, const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>(service, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>(service));
  } else {
    logger->set_formatter(TextFormatter());
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  // Their lines would otherwise reach stderr in their own formats.
  google::protobuf::SetLogHandler(&ProtobufLog);
  gpr_set_log_function(&GrpcLog);
}

}  // namespace atrium
