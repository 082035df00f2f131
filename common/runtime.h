// What every service's runtime is made of, written once: the clock, the
// token verifier, the page tokens, the server with its executor and health
// probe, the gauges read at each scrape, and, for a service that writes to
// another, the outbox relay. A service's NewRuntime adds only its own parts,
// kept in RuntimeWith<Parts>:
//
//   struct Parts {
//     std::unique_ptr<ClientsStore> store;
//     std::unique_ptr<Archive> archive;
//   };
//   absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock) {
//     auto rt = std::make_unique<RuntimeWith<Parts>>();
//     RETURN_IF_ERROR(rt->Init(config, clock, "clients", v1::ClientsService::service_full_name()));
//     ASSIGN_OR_RETURN(rt->parts.store, ClientsStore::Of(db::Database::Open(config, ClientsSchema())));
//     ...
//     rt->Serve(std::make_unique<ClientsHandler>(..., rt->verifier(), rt->executor()), [s] { return s->Ping(); });
//     return rt;
//   }
//
// main() (common/service_main.h) and the integration tests build a service
// the same way: NewRuntime, Start, Shutdown.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/metrics.h"
#include "common/outbox.h"
#include "common/page_token.h"
#include "common/server.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "spdlog/spdlog.h"

namespace atrium {

class ServiceRuntime {
 public:
  virtual ~ServiceRuntime();
  ServiceRuntime(const ServiceRuntime&) = delete;
  ServiceRuntime& operator=(const ServiceRuntime&) = delete;

  // Serves, then starts the background work (the relay, what OnStart added)
  // and the gauges.
  absl::Status Start();
  // Stops serving (in-flight calls get shutdown-grace), then the background
  // work; idempotent. RuntimeWith calls it first in its destructor.
  void Shutdown();
  int port() const { return runner_->port(); }
  std::string address() const { return runner_->address(); }

  // What a service's NewRuntime assembles its runtime with.
  //
  // The parts every service has: errors in the domain "<name>.atrium", the
  // clock (`clock`, or the system's), the token verifier, the page tokens'
  // secret, and the server of `service` (its full gRPC name).
  absl::Status Init(const Config& config, const Clock* clock, const std::string& name, const std::string& service);

  const Clock* clock() const { return clock_; }
  const TokenVerifier* verifier() const { return verifier_.get(); }
  PageTokens page_tokens() const { return PageTokens(page_secret_); }
  Executor* executor() { return runner_->executor(); }
  ServiceRunner* runner() { return runner_.get(); }

  // A channel to the peer whose host:port is the setting `address`, with the
  // configured credentials.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> PeerChannel(const Config& config, const std::string& address) const;
  // The relay carrying `queue` to the peers, signed as service:<name> with
  // jwt-alg and the signing key; started after the server, stopped after it.
  absl::StatusOr<OutboxRelay*> MakeRelay(const Config& config, OutboxQueue* queue, OutboxRelay::Options options);
  OutboxRelay* relay() { return relay_.get(); }
  // Serves `handler` (bindings made with verifier() and executor()); the
  // service's health follows `probe` (its database).
  void Serve(std::unique_ptr<grpc::Service> handler, std::function<absl::Status()> probe);
  // A gauge family read at each scrape while the service runs.
  void AddGauges(std::string name, std::string help, std::function<Metrics::Samples()> read);
  // Background work of the service's own, started after the server and
  // stopped after it.
  void OnStart(std::function<void()> start, std::function<void()> stop);

  // Fails naming the first of `durations` that is not positive.
  static absl::Status RequirePositive(const Config& config, std::initializer_list<const char*> durations);
  // What a gauge reads in one read transaction of `store`: `read(tx)`'s
  // value, or (logged) a default one when the database cannot answer.
  template <typename G, typename Store, typename Read>
  static G ReadForMetrics(Store* store, Read read) {
    G value{};
    absl::Status s = store->Read([&](auto& tx) -> absl::Status {
      auto r = read(tx);
      if (!r.ok()) return r.status();
      value = *std::move(r);
      return absl::OkStatus();
    });
    if (!s.ok()) spdlog::warn("metrics: {}", std::string(s.message()));
    return value;
  }

 protected:
  ServiceRuntime() = default;

 private:
  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::string name_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::string page_secret_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<grpc::Service> handler_;
  struct Gauges {
    std::string name;
    std::string help;
    std::function<Metrics::Samples()> read;
  };
  std::vector<Gauges> gauges_;
  std::vector<std::function<void()>> starts_;
  std::vector<std::function<void()>> stops_;
  bool started_ = false;
  bool stopped_ = false;
  // Declared last: destroyed first, so the server stops before the rest.
  std::unique_ptr<ServiceRunner> runner_;
};

// A service's runtime: the common parts and the service's own, `Parts` (a
// struct of what it owns: its store, its domain, its outbox ...), which
// outlive serving: the destructor stops the server before they go.
template <typename Parts>
class RuntimeWith final : public ServiceRuntime {
 public:
  RuntimeWith() = default;
  ~RuntimeWith() override { Shutdown(); }
  Parts parts;
};

// What a service's NewRuntime is: its runtime built from `config` (`clock`
// null: the system clock).
using RuntimeFactory = absl::StatusOr<std::unique_ptr<ServiceRuntime>> (*)(const Config& config, const Clock* clock);

}  // namespace atrium
