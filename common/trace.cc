#include "common/trace.h"

#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "grpcpp/client_context.h"

namespace atrium {
namespace {

thread_local const TraceContext* current = nullptr;

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

// Trace and span ids need to be unique, not secret: splitmix64 over one
// process-wide counter, seeded once from the system's CSPRNG. (RAND_bytes
// for every id took a lock and showed in the profile of every call; seeding
// per thread cost OpenSSL a new generator for each of the threads gRPC's
// server starts and ends under load, and showed too.) Each draw takes a
// distinct counter value and splitmix64's mix is a bijection, so no two
// draws of a process are equal.
uint64_t NextRandom() {
  static std::atomic<uint64_t> counter = [] {
    uint64_t seed = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) std::abort();
    return seed;
  }();
  uint64_t z = counter.fetch_add(0x9e3779b97f4a7c15ULL, std::memory_order_relaxed) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string RandomHex(size_t bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * bytes, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < bytes; ++i) {
    if (i % 8 == 0) bits = NextRandom();
    const unsigned byte = static_cast<unsigned>(bits & 0xff);
    bits >>= 8;
    out[2 * i] = kDigits[byte >> 4];
    out[2 * i + 1] = kDigits[byte & 0xf];
  }
  if (AllZero(out)) out.back() = '1';
  return out;
}

}  // namespace

std::optional<TraceContext> TraceContext::FromHeader(std::string_view h) {
  // version "-" trace-id "-" parent-id "-" flags; version ff is invalid; a
  // future version may carry more after the flags.
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  const std::string_view version = h.substr(0, 2), trace = h.substr(3, 32), span = h.substr(36, 16),
                         flags = h.substr(53, 2);
  if (!IsHex(version) || version == "ff" || !IsHex(trace) || !IsHex(span) || !IsHex(flags)) return std::nullopt;
  if (version == "00" && h.size() != 55) return std::nullopt;
  if (AllZero(trace) || AllZero(span)) return std::nullopt;
  TraceContext t;
  t.trace_id = std::string(trace);
  t.span_id = std::string(span);
  t.flags = static_cast<uint8_t>(std::strtoul(std::string(flags).c_str(), nullptr, 16));
  return t;
}

TraceContext TraceContext::NewRoot() {
  TraceContext t;
  t.trace_id = RandomHex(16);
  t.span_id = RandomHex(8);
  return t;
}

TraceContext TraceContext::Child() const {
  TraceContext t = *this;
  t.span_id = RandomHex(8);
  return t;
}

std::string TraceContext::ToHeader() const {
  char flags_hex[3];
  std::snprintf(flags_hex, sizeof flags_hex, "%02x", flags);
  return "00-" + trace_id + "-" + span_id + "-" + flags_hex;
}

const TraceContext* CurrentTrace() { return current; }

std::string CurrentTraceparent() { return current == nullptr ? "" : current->ToHeader(); }

ScopedTrace::ScopedTrace(TraceContext trace) : trace_(std::move(trace)), previous_(current) { current = &trace_; }

ScopedTrace::ScopedTrace(std::string_view traceparent)
    : ScopedTrace(TraceContext::FromHeader(traceparent).value_or(TraceContext::NewRoot()).Child()) {}

ScopedTrace::~ScopedTrace() { current = previous_; }

void AddTraceMetadata(grpc::ClientContext* context) {
  if (current == nullptr) return;
  context->AddMetadata("traceparent", current->Child().ToHeader());
}

}  // namespace atrium
