#include "common/metrics.h"

#include <algorithm>
#include <exception>

#include "absl/strings/str_cat.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "spdlog/spdlog.h"

namespace atrium {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

}  // namespace

// The domain gauges: families whose values are read at collection time.
class Metrics::Gauges final : public prometheus::Collectable {
 public:
  void Add(std::string name, std::string help, std::function<Samples()> read) {
    absl::MutexLock lock(&mu_);
    Remove(name);
    families_.push_back({std::move(name), std::move(help), std::move(read)});
  }

  void Remove(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    families_.erase(std::remove_if(families_.begin(), families_.end(), [&](const Family& f) { return f.name == name; }),
                    families_.end());
  }

  void RemoveLocked(const std::string& name) {
    absl::MutexLock lock(&mu_);
    Remove(name);
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<Family> families;
    {
      absl::MutexLock lock(&mu_);
      families = families_;
    }
    std::vector<prometheus::MetricFamily> out;
    for (const auto& f : families) {
      prometheus::MetricFamily family;
      family.name = f.name;
      family.help = f.help;
      family.type = prometheus::MetricType::Gauge;
      for (const auto& [labels, value] : f.read()) {
        prometheus::ClientMetric m;
        for (const auto& [k, v] : labels) m.label.push_back({k, v});
        m.gauge.value = value;
        family.metric.push_back(std::move(m));
      }
      out.push_back(std::move(family));
    }
    return out;
  }

 private:
  struct Family {
    std::string name, help;
    std::function<Samples()> read;
  };
  mutable absl::Mutex mu_;
  std::vector<Family> families_ ABSL_GUARDED_BY(mu_);
};

Metrics& Metrics::Get() {
  static Metrics* metrics = new Metrics();  // lives as long as the process
  return *metrics;
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      gauges_(std::make_shared<Gauges>()),
      handled_(&prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("gRPC calls completed by the server, by method and status code")
                    .Register(*registry_)),
      latency_(&prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("time to handle a gRPC call, by method and status code")
                    .Register(*registry_)) {}

void Metrics::SetService(std::string service) {
  absl::MutexLock lock(&mu_);
  service_ = std::move(service);
}

void Metrics::ObserveCall(std::string_view method, grpc::StatusCode code, absl::Duration took) {
  std::string service;
  {
    absl::MutexLock lock(&mu_);
    service = service_;
  }
  const prometheus::Labels labels = {
      {"grpc_service", service}, {"grpc_method", std::string(method)}, {"grpc_code", CodeName(code)}};
  handled_->Add(labels).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                   0.05,   0.1,   0.25,   0.5,   1,    2.5};
  latency_->Add(labels, kBuckets).Observe(absl::ToDoubleSeconds(took));
}

void Metrics::AddGauges(std::string name, std::string help, std::function<Samples()> read) {
  gauges_->Add(std::move(name), std::move(help), std::move(read));
}

void Metrics::RemoveGauges(const std::string& name) { gauges_->RemoveLocked(name); }

std::string Metrics::Text() {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (auto& f : gauges_->Collect()) families.push_back(std::move(f));
  return prometheus::TextSerializer().Serialize(families);
}

absl::Status Metrics::Serve(const std::string& address) {
  absl::MutexLock lock(&mu_);
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration metrics-listen: cannot serve on ", address, " (", e.what(), ")"));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(gauges_);
  spdlog::info("metrics on http://{}/metrics", address);
  return absl::OkStatus();
}

void Metrics::StopServing() {
  absl::MutexLock lock(&mu_);
  exposer_.reset();
}

}  // namespace atrium
