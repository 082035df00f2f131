// Prometheus metrics of a service process (prometheus-cpp): for every gRPC
// method and status code, the calls handled and their latency (a
// histogram), recorded by the common handler; and the domain's own gauges
// (dispatches unsigned and overdue, outbox depth, bookings, open corrective
// actions), read from the service's store when Prometheus scrapes.
//
//   Metrics::Get().AddGauges("atrium_outbox_depth", "...", [&] { return Samples{{{}, depth()}}; });
//   Metrics::Get().Serve("0.0.0.0:9464");   // GET /metrics
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace prometheus {
class Exposer;
class Registry;
template <typename T>
class Family;
class Counter;
class Histogram;
}  // namespace prometheus

namespace atrium {

class Metrics final {
 public:
  // One value of a gauge with its labels.
  using Samples = std::vector<std::pair<std::map<std::string, std::string>, double>>;

  // The process's metrics (a service is one process).
  static Metrics& Get();

  // The `grpc_service` label of the calls (the service's full name).
  void SetService(std::string service);
  // One handled call.
  void ObserveCall(std::string_view method, grpc::StatusCode code, absl::Duration took);
  // A gauge family read at scrape time; `read` must be thread-safe and fast.
  // A family of the same name replaces the earlier one.
  void AddGauges(std::string name, std::string help, std::function<Samples()> read);
  // Forgets a family (before what its `read` uses goes away).
  void RemoveGauges(const std::string& name);

  // The text exposition format of everything (what GET /metrics returns).
  std::string Text();
  // Serves GET /metrics on `address` ("host:port"); an address that cannot
  // be bound is an error naming it.
  absl::Status Serve(const std::string& address);
  void StopServing();

 private:
  Metrics();
  class Gauges;

  absl::Mutex mu_;
  std::string service_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<Gauges> gauges_;
  prometheus::Family<prometheus::Counter>* handled_;
  prometheus::Family<prometheus::Histogram>* latency_;
  std::unique_ptr<prometheus::Exposer> exposer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace atrium
