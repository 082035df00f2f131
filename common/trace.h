// W3C trace context (`traceparent`): a call that arrives with one continues
// its trace, a call without one starts a trace; the trace id is written in
// every log line of the work done for it, passed on in every outbound call
// (directly or through an outbox) and inside notice events, so one meeting
// notice can be followed from the meeting to each department's signature.
//
//   ScopedTrace scope(TraceContext::FromHeader(incoming).value_or(TraceContext::NewRoot()).Child());
//   spdlog::info("...");                      // carries trace=<id>
//   AddTraceMetadata(&client_context);        // the outbound call continues the trace
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace grpc {
class ClientContext;
}

namespace atrium {

struct TraceContext {
  std::string trace_id;  // 32 lower-case hex digits, not all zero
  std::string span_id;   // 16 lower-case hex digits, not all zero
  uint8_t flags = 1;     // sampled

  // "00-<trace id>-<span id>-<flags>"; nullopt if malformed (the W3C rules).
  static std::optional<TraceContext> FromHeader(std::string_view header);
  static TraceContext NewRoot();
  // The same trace with a new span: the work this process does for it.
  TraceContext Child() const;
  std::string ToHeader() const;
};

// The trace of the work this thread is doing now, or null.
const TraceContext* CurrentTrace();
// The current trace's header, or "" when there is none.
std::string CurrentTraceparent();

// Makes `trace` current on this thread for the scope's lifetime.
class ScopedTrace final {
 public:
  explicit ScopedTrace(TraceContext trace);
  // From a stored header; a malformed or empty one starts a new trace.
  explicit ScopedTrace(std::string_view traceparent);
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

 private:
  TraceContext trace_;
  const TraceContext* previous_;
};

// Adds `traceparent` (a child of the current trace) to an outbound call.
void AddTraceMetadata(grpc::ClientContext* context);

}  // namespace atrium
