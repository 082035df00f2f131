// The gRPC server lifecycle every Atrium service shares.
//
// Adds the health service (per-service status following the dependencies'
// probe) and server reflection, applies explicit message-size and keepalive
// limits, and shuts down gracefully: NOT_SERVING first, then stop accepting,
// let in-flight calls finish within the grace period, then cancel the rest.
//
//   BlockShutdownSignals();                    // first thing in main()
//   ServiceRunner runner("atrium.clients.v1.ClientsService", options);
//   runner.AddService(&handler);
//   runner.SetProbe([&] { return store.Ping(); });
//   if (auto s = runner.Start(); !s.ok()) ...
//   WaitForShutdownSignal();
//   runner.Shutdown();
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/serve.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"

namespace atrium {

struct ServerOptions {
  // host:port; port 0 picks a free port (see ServiceRunner::port()).
  std::string listen = "127.0.0.1:0";
  int max_message_bytes = 4 * 1024 * 1024;
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration shutdown_grace = absl::Seconds(10);
  absl::Duration probe_interval = absl::Seconds(5);
  // Maximum age of a client connection, so that load spreads over replicas.
  absl::Duration max_connection_age = absl::Minutes(30);
  // gRPC's own memory (transport buffers) and server threads
  // (grpc::ResourceQuota); a call that finds no thread is refused with
  // RESOURCE_EXHAUSTED.
  size_t grpc_memory_bytes = 256 << 20;
  int grpc_max_threads = 512;
  // The executor calls run on (common/serve.h): its threads, and how many
  // calls may wait for one before a call is refused with RESOURCE_EXHAUSTED.
  int workers = 64;
  // Most malloc arenas the process keeps (glibc's M_ARENA_MAX, set when the
  // runner is made): 0 = two per core. Without a cap each worker may hold
  // memory in an arena of its own.
  int malloc_arenas = 0;
  int max_queued_calls = 1000;
  // host:port of the Prometheus /metrics endpoint; empty = none.
  std::string metrics_listen;
  // TLS on the gRPC port when both are set (PEM files); with a client CA,
  // clients must present a certificate it signed (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // host:port of a plain-text port serving only the health service (for the
  // kubelet when the main port needs TLS); empty = none.
  std::string health_listen;
};

// The settings every service reads (listen, log-format, log-level, jwt-*...).
std::map<std::string, Setting> CommonSettings(const std::string& default_listen, const std::string& default_db);
ServerOptions ServerOptionsFrom(const Config& config);
// The token verifier from jwt-alg and jwt-key-file.
absl::StatusOr<std::unique_ptr<TokenVerifier>> VerifierFrom(const Config& config, const Clock* clock);
// Credentials for calls to the other services: TLS verified with
// tls-ca-file (presenting tls-cert-file/tls-key-file for mutual TLS), or
// plain text when tls-ca-file is not set.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFrom(const Config& config);
// The key a service signs its own `service:<name>` tokens with:
// jwt-signing-key-file, else jwt-key-file (HS256).
absl::StatusOr<std::string> SigningKeyFrom(const Config& config);
// The page-token secret from page-token-secret-file, or a random one.
absl::StatusOr<std::string> PageTokenSecretFrom(const Config& config);
// The time zone from `timezone`.
absl::StatusOr<absl::TimeZone> TimeZoneFrom(const Config& config);

class ServiceRunner final {
 public:
  ServiceRunner(std::string service_name, ServerOptions options);
  ~ServiceRunner();

  void AddService(grpc::Service* service) { services_.push_back(service); }
  // Where the services' calls run (common/serve.h): it outlives the server.
  Executor* executor() { return &executor_; }
  // The service's own status (and the server's, "") follows this probe
  // (e.g. a database ping), checked every probe_interval; it never touches a
  // component's status, nor a component the service's own.
  void SetProbe(std::function<absl::Status()> probe) { probe_ = std::move(probe); }

  // A dependency whose loss degrades the service without stopping it (e.g.
  // Redis for notifications): reported on the health service under the name
  // "<service name>/<component>", while the service itself stays SERVING.
  // The component's status is what the last call said, until the next one.
  // Thread-safe; may be called before Start().
  void SetComponentStatus(const std::string& component, bool serving);
  // Runs first thing in Shutdown(), e.g. to end long-lived streams.
  void OnShutdown(std::function<void()> fn) { on_shutdown_.push_back(std::move(fn)); }

  absl::Status Start();
  int port() const { return port_; }
  std::string address() const;
  // The plain health port (0 when there is none).
  int health_port() const { return health_port_; }

  // Marks NOT_SERVING, stops accepting, waits for in-flight calls up to the
  // grace period, then cancels what is left. Idempotent.
  void Shutdown();

 private:
  void ProbeLoop();
  // Sets a status on the health service of the main port and of the health port.
  void SetHealth(const std::string& service, bool serving);
  // "<service>/ready": the database probe and every component serving (the
  // readiness a load balancer wants; the service's own name follows the
  // database only, for liveness and for callers that accept degradation).
  void SetReadyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(components_mu_);

  std::string service_name_;
  ServerOptions options_;
  Executor executor_;
  std::vector<grpc::Service*> services_;
  std::function<absl::Status()> probe_;
  std::vector<std::function<void()>> on_shutdown_;
  absl::Mutex components_mu_;
  std::map<std::string, bool> components_ ABSL_GUARDED_BY(components_mu_);
  bool started_ ABSL_GUARDED_BY(components_mu_) = false;
  bool database_ok_ ABSL_GUARDED_BY(components_mu_) = true;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;
  int port_ = 0;
  int health_port_ = 0;
  std::atomic<bool> shutting_down_{false};
  absl::Notification stop_probe_;
  std::thread probe_thread_;
};

// Blocks SIGTERM and SIGINT in this and every later thread; call first in main().
void BlockShutdownSignals();
// Waits for SIGTERM or SIGINT; returns the signal number.
int WaitForShutdownSignal();

}  // namespace atrium
