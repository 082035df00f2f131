// W3C trace context: parsing by the W3C rules, children, the current trace
// of a thread, and the trace id in log lines.
#include "common/trace.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "common/logging.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace atrium {
namespace {

const char kHeader[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceTest, ParsesAndFormatsTraceparent) {
  auto t = TraceContext::FromHeader(kHeader);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t->flags, 1);
  EXPECT_EQ(t->ToHeader(), kHeader);
  for (const char* bad : {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // no flags
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version ff
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero span id
                          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper case
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"}) {
    EXPECT_FALSE(TraceContext::FromHeader(bad).has_value()) << bad;
  }
  // A later version may carry more fields after the flags.
  EXPECT_TRUE(TraceContext::FromHeader("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").has_value());
}

TEST(TraceTest, AChildKeepsTheTraceWithANewSpan) {
  const TraceContext root = TraceContext::NewRoot();
  EXPECT_EQ(root.trace_id.size(), 32u);
  EXPECT_EQ(root.span_id.size(), 16u);
  EXPECT_TRUE(TraceContext::FromHeader(root.ToHeader()).has_value());
  const TraceContext child = root.Child();
  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_NE(child.span_id, root.span_id);
  EXPECT_NE(TraceContext::NewRoot().trace_id, root.trace_id);
}

TEST(TraceTest, TheCurrentTraceIsPerThreadAndScoped) {
  EXPECT_EQ(CurrentTrace(), nullptr);
  {
    ScopedTrace outer(kHeader);  // continues the incoming trace with a span of its own
    ASSERT_NE(CurrentTrace(), nullptr);
    EXPECT_EQ(CurrentTrace()->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_NE(CurrentTrace()->span_id, "00f067aa0ba902b7");
    std::thread([] { EXPECT_EQ(CurrentTrace(), nullptr); }).join();
    {
      ScopedTrace inner("not a traceparent");  // a new trace
      EXPECT_NE(CurrentTrace()->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    }
    EXPECT_EQ(CurrentTrace()->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(CurrentTraceparent().substr(3, 32), "4bf92f3577b34da6a3ce929d0e0e4736");
  }
  EXPECT_EQ(CurrentTrace(), nullptr);
  EXPECT_EQ(CurrentTraceparent(), "");
}

TEST(TraceTest, LogLinesCarryTheTraceId) {
  SetUpLogging("trace-test", "json", "info");
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(std::make_unique<JsonFormatter>("trace-test"));
  spdlog::default_logger()->sinks().push_back(sink);
  spdlog::info("without a trace");
  {
    ScopedTrace trace(kHeader);
    spdlog::info("with a trace");
  }
  spdlog::default_logger()->sinks().pop_back();
  const std::string text = out.str();
  const auto second = text.find("with a trace");
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(text.substr(0, text.find('\n')).find("trace_id"), std::string::npos);
  EXPECT_NE(text.find("\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\""), std::string::npos);
}

TEST(TraceTest, NewIdsAreDistinctAcrossThreads) {
  // Threads that start and end, as gRPC's server threads do under load.
  std::mutex mu;
  std::set<std::string> traces, spans;
  std::vector<std::thread> threads;
  constexpr int kThreads = 16, kPerThread = 2000;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<TraceContext> mine;
      for (int i = 0; i < kPerThread; ++i) mine.push_back(TraceContext::NewRoot());
      std::lock_guard<std::mutex> lock(mu);
      for (const TraceContext& c : mine) {
        EXPECT_EQ(c.trace_id.size(), 32u);
        EXPECT_EQ(c.span_id.size(), 16u);
        EXPECT_TRUE(TraceContext::FromHeader(c.ToHeader()).has_value()) << c.ToHeader();
        traces.insert(c.trace_id);
        spans.insert(c.span_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(traces.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(spans.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace atrium
