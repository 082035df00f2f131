// Prometheus metrics: calls and latency per method and status code, the
// domain gauges read at scrape time, and the /metrics endpoint.
#include "common/metrics.h"

#include <gtest/gtest.h>

#include <atomic>

namespace atrium {
namespace {

TEST(MetricsTest, CallsAreCountedPerMethodAndCode) {
  Metrics& m = Metrics::Get();
  m.SetService("atrium.test.v1.TestService");
  m.ObserveCall("GetThing", grpc::StatusCode::OK, absl::Milliseconds(3));
  m.ObserveCall("GetThing", grpc::StatusCode::OK, absl::Milliseconds(4));
  m.ObserveCall("GetThing", grpc::StatusCode::NOT_FOUND, absl::Milliseconds(1));
  const std::string text = m.Text();
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"GetThing\","
                      "grpc_service=\"atrium.test.v1.TestService\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"NOT_FOUND\",grpc_method=\"GetThing\""), std::string::npos);
  EXPECT_NE(text.find("grpc_server_handling_seconds_bucket{grpc_code=\"OK\",grpc_method=\"GetThing\","
                      "grpc_service=\"atrium.test.v1.TestService\",le=\"0.005\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE grpc_server_handling_seconds histogram"), std::string::npos);
}

TEST(MetricsTest, GaugesAreReadWhenScraped) {
  std::atomic<int> reads{0};
  Metrics::Get().AddGauges("atrium_test_depth", "a test gauge", [&] {
    ++reads;
    return Metrics::Samples{{{{"kind", "notice"}}, 3}, {{{"kind", "activity"}}, 5}};
  });
  const std::string text = Metrics::Get().Text();
  EXPECT_EQ(reads.load(), 1);
  EXPECT_NE(text.find("# TYPE atrium_test_depth gauge"), std::string::npos) << text;
  EXPECT_NE(text.find("atrium_test_depth{kind=\"notice\"} 3"), std::string::npos) << text;
  Metrics::Get().RemoveGauges("atrium_test_depth");
  EXPECT_EQ(Metrics::Get().Text().find("atrium_test_depth"), std::string::npos);
}

TEST(MetricsTest, AnAddressThatCannotBeBoundIsAnError) {
  auto s = Metrics::Get().Serve("256.0.0.1:1");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("metrics-listen"), std::string::npos);
}

}  // namespace
}  // namespace atrium
