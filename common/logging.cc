#include "common/logging.h"

#include <chrono>
#include <ctime>

#include "common/text.h"
#include "common/trace.h"
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

}  // namespace

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
  line += JsonEscape(std::string_view(msg.payload.data(), msg.payload.size()));
  line += "\"}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const { return std::make_unique<JsonFormatter>(service_); }

void SetUpLogging(const std::string& service, const std::string& format, const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>(service, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>(service));
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<TraceFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ [%n]%* %v");
    logger->set_formatter(std::move(formatter));
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace atrium
