#include "common/server.h"

#include <malloc.h>
#include <openssl/rand.h>

#include <signal.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/metrics.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "spdlog/spdlog.h"

namespace atrium {

std::map<std::string, Setting> CommonSettings(const std::string& default_listen, const std::string& default_db) {
  return {
      {"listen", Setting::String(default_listen, "gRPC listen address host:port (port 0 = any free port)", true)},
      {"db-path", Setting::String(default_db, "SQLite database file of this service", true)},
      {"log-format", Setting::Choice("text", {"text", "json"}, "log format")},
      {"log-level", Setting::Choice("info", {"trace", "debug", "info", "warn", "error"}, "log level")},
      {"jwt-alg", Setting::Choice("HS256", {"HS256", "RS256", "ES256"}, "JWT signature algorithm")},
      {"jwt-key-file", Setting::String("", "file with the HS256 secret or the RS256/ES256 public key (PEM)", true)},
      {"jwt-signing-key-file",
       Setting::String("", "file with the key this service signs its own tokens with (defaults to jwt-key-file)")},
      {"jwt-max-lifetime",
       Setting::Duration("12h", "longest exp - iat of a person's token (staff, departments); service tokens: 1h")},
      {"departments", Setting::String(std::string(kDefaultDepartments),
                                      "comma-separated departments, each also a token role (the notifications "
                                      "service needs fnb and rooms among them)",
                                      true)},
      {"oidc-issuer",
       Setting::String("",
                       "the hotel's OpenID Connect provider (its tokens' iss); empty = none, tokens are signed "
                       "with jwt-key-file")},
      {"oidc-audience", Setting::String("", "what the provider's tokens must name in aud (with oidc-issuer)")},
      {"oidc-jwks-url", Setting::String("", "the provider's keys; empty = from its discovery document")},
      {"oidc-roles-claim",
       Setting::String("roles",
                       "the claim with the person's roles or groups (a dotted path, e.g. realm_access.roles)")},
      {"oidc-role-map", Setting::String("",
                                        "provider value=Atrium role, comma-separated, first match wins (e.g. "
                                        "sales-managers=manager,sales=key_account_manager,fnb-staff=fnb)")},
      {"oidc-department-claim", Setting::String("", "the claim naming the department of role department")},
      {"oidc-name-claim", Setting::String("name", "the claim with the person's display name")},
      {"oidc-key-refresh",
       Setting::Duration("30s", "least time between two fetches of the provider's keys (an unknown kid fetches)")},
      {"oidc-fetch-timeout", Setting::Duration("2s", "deadline of a fetch of the provider's keys")},
      {"oidc-allow-http",
       Setting::Bool(false, "fetch the provider's keys over plain http (a provider on loopback only)")},
      {"page-token-secret-file",
       Setting::String("", "file with the secret page tokens are signed with (defaults to a random one)")},
      {"max-message-bytes", Setting::Int(4 << 20, 1024, 64 << 20, "largest gRPC message accepted or sent")},
      {"grpc-memory-bytes",
       Setting::Int(256 << 20, 4 << 20, int64_t{64} << 30, "memory gRPC may use for its buffers (its resource quota)")},
      {"grpc-max-threads",
       Setting::Int(512, 32, 100000, "server threads gRPC may start; a call beyond gets RESOURCE_EXHAUSTED")},
      {"workers", Setting::Int(64, 1, 1024, "threads running calls (the database, other services)")},
      {"malloc-arenas",
       Setting::Int(0, 0, 1024,
                    "most malloc arenas the process keeps (glibc M_ARENA_MAX); 0 = two per core: every worker "
                    "would otherwise hold memory in an arena of its own")},
      {"max-queued-calls",
       Setting::Int(1000, 1, 1000000, "calls waiting for a worker; a call beyond gets RESOURCE_EXHAUSTED")},
      {"keepalive-time", Setting::Duration("60s", "interval of HTTP/2 keepalive pings")},
      {"keepalive-timeout", Setting::Duration("20s", "how long to wait for a keepalive ack")},
      {"max-connection-age", Setting::Duration("30m", "maximum age of a client connection")},
      {"shutdown-grace", Setting::Duration("10s", "time in-flight calls get to finish on SIGTERM")},
      {"timezone", Setting::String("Asia/Shanghai", "the hotel's time zone (IANA name)", true)},
      {"hotel-name", Setting::String("Atrium 酒店", "the hotel's name, printed on every document", true)},
      {"database-url",
       Setting::String("",
                       "PostgreSQL connection (libpq URI or key=value) for several replicas; empty = SQLite db-path")},
      {"metrics-listen", Setting::String("", "host:port serving Prometheus metrics at /metrics (empty = off)")},
      {"health-listen",
       Setting::String("", "host:port of a plain-text port serving only gRPC health, e.g. for the kubelet")},
      {"tls-cert-file", Setting::String("", "PEM certificate (chain) of this service: TLS on the gRPC port")},
      {"tls-key-file", Setting::String("", "PEM private key of tls-cert-file")},
      {"tls-client-ca-file",
       Setting::String("", "PEM CA whose client certificates are required on the gRPC port (mutual TLS)")},
      {"tls-ca-file", Setting::String("", "PEM CA that signs the other services' certificates (TLS to them)")},
  };
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> VerifierFrom(const Config& config, const Clock* clock) {
  ASSIGN_OR_RETURN(auto alg, ParseAlgorithm(config.String("jwt-alg")));
  ASSIGN_OR_RETURN(auto key, ReadSettingFile("jwt-key-file", config.String("jwt-key-file")));
  TokenRules rules;
  rules.max_lifetime = config.Duration("jwt-max-lifetime");
  if (rules.max_lifetime <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("configuration jwt-max-lifetime: must be more than 0");
  }
  auto departments = ParseDepartments(config.String("departments"), "departments");
  if (!departments.ok()) return departments.status();
  rules.departments = *std::move(departments);
  if (!config.String("oidc-issuer").empty()) {
    OidcRules& o = rules.oidc;
    o.issuer = config.String("oidc-issuer");
    o.audience = config.String("oidc-audience");
    if (o.audience.empty()) return absl::InvalidArgumentError("configuration oidc-audience: required with oidc-issuer");
    o.roles_claim = config.String("oidc-roles-claim");
    o.department_claim = config.String("oidc-department-claim");
    o.name_claim = config.String("oidc-name-claim");
    ASSIGN_OR_RETURN(o.role_map, ParseRoleMap(config.String("oidc-role-map")));
    if (o.role_map.empty()) return absl::InvalidArgumentError("configuration oidc-role-map: required with oidc-issuer");
    for (const auto& [value, role] : o.role_map) {
      // Each role must be one a token may carry.
      const std::string department = role == "department" ? rules.departments.front() : "";
      if (!PrincipalFromClaims("check", "", role, department, rules.departments).ok()) {
        return absl::InvalidArgumentError(absl::StrCat("configuration oidc-role-map: ", value, "=", role,
                                                       ": not a staff role, service, department or configured "
                                                       "department"));
      }
    }
    if (config.Duration("oidc-key-refresh") < absl::ZeroDuration() ||
        config.Duration("oidc-fetch-timeout") <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("configuration oidc-key-refresh, oidc-fetch-timeout: must not be negative");
    }
    rules.oidc_keys =
        std::make_shared<OidcKeys>(o.issuer, config.String("oidc-jwks-url"),
                                   CurlGet(config.Duration("oidc-fetch-timeout"), config.Bool("oidc-allow-http")),
                                   clock, config.Duration("oidc-key-refresh"));
  }
  return std::make_unique<TokenVerifier>(alg, key, clock, std::move(rules));
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFrom(const Config& config) {
  if (config.String("tls-ca-file").empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ASSIGN_OR_RETURN(auto ca, ReadSettingFile("tls-ca-file", config.String("tls-ca-file")));
  ssl.pem_root_certs = ca;
  if (!config.String("tls-cert-file").empty()) {
    ASSIGN_OR_RETURN(auto cert, ReadSettingFile("tls-cert-file", config.String("tls-cert-file")));
    ASSIGN_OR_RETURN(auto key, ReadSettingFile("tls-key-file", config.String("tls-key-file")));
    ssl.pem_cert_chain = cert;
    ssl.pem_private_key = key;
  }
  return grpc::SslCredentials(ssl);
}

absl::StatusOr<std::string> SigningKeyFrom(const Config& config) {
  const std::string file = config.String("jwt-signing-key-file").empty() ? config.String("jwt-key-file")
                                                                         : config.String("jwt-signing-key-file");
  return ReadSettingFile("jwt-signing-key-file", file);
}

absl::StatusOr<std::string> PageTokenSecretFrom(const Config& config) {
  if (!config.String("page-token-secret-file").empty()) {
    return ReadSettingFile("page-token-secret-file", config.String("page-token-secret-file"));
  }
  std::string secret(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), 32) != 1) {
    return absl::InternalError("cannot draw a random page-token secret");
  }
  return secret;
}

absl::StatusOr<absl::TimeZone> TimeZoneFrom(const Config& config) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(config.String("timezone"), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration timezone: \"", config.String("timezone"), "\" is not a known IANA time zone"));
  }
  return zone;
}

ServerOptions ServerOptionsFrom(const Config& config) {
  ServerOptions o;
  o.listen = config.String("listen");
  o.max_message_bytes = static_cast<int>(config.Int("max-message-bytes"));
  o.grpc_memory_bytes = static_cast<size_t>(config.Int("grpc-memory-bytes"));
  o.grpc_max_threads = static_cast<int>(config.Int("grpc-max-threads"));
  o.workers = static_cast<int>(config.Int("workers"));
  o.malloc_arenas = static_cast<int>(config.Int("malloc-arenas"));
  o.max_queued_calls = static_cast<int>(config.Int("max-queued-calls"));
  o.keepalive_time = config.Duration("keepalive-time");
  o.keepalive_timeout = config.Duration("keepalive-timeout");
  o.max_connection_age = config.Duration("max-connection-age");
  o.shutdown_grace = config.Duration("shutdown-grace");
  o.metrics_listen = config.String("metrics-listen");
  o.health_listen = config.String("health-listen");
  o.tls_cert_file = config.String("tls-cert-file");
  o.tls_key_file = config.String("tls-key-file");
  o.tls_client_ca_file = config.String("tls-client-ca-file");
  return o;
}

namespace {

// Caps malloc's arenas before the workers start (process-wide; the last
// runner made sets it: in a service binary, the only one).
ServerOptions CapArenas(ServerOptions o) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  mallopt(M_ARENA_MAX, o.malloc_arenas > 0 ? o.malloc_arenas : 2 * cores);
  return o;
}

}  // namespace

ServiceRunner::ServiceRunner(std::string service_name, ServerOptions options)
    : service_name_(std::move(service_name)),
      options_(CapArenas(std::move(options))),
      executor_(options_.workers, options_.max_queued_calls) {
  // Debian's Abseil keeps Mutex deadlock detection on, which records a lock
  // graph on every acquisition; a service does not pay for that in production.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

ServiceRunner::~ServiceRunner() { Shutdown(); }

absl::Status ServiceRunner::Start() {
  Metrics::Get().SetService(service_name_);
  if (!options_.metrics_listen.empty()) {
    RETURN_IF_ERROR(Metrics::Get().Serve(options_.metrics_listen));
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    ASSIGN_OR_RETURN(auto cert, ReadSettingFile("tls-cert-file", options_.tls_cert_file));
    ASSIGN_OR_RETURN(auto key, ReadSettingFile("tls-key-file", options_.tls_key_file));
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    if (!options_.tls_client_ca_file.empty()) {
      ASSIGN_OR_RETURN(auto ca, ReadSettingFile("tls-client-ca-file", options_.tls_client_ca_file));
      ssl.pem_root_certs = ca;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    ssl.pem_key_cert_pairs.push_back({key, cert});
    credentials = grpc::SslServerCredentials(ssl);
  } else if (!options_.tls_client_ca_file.empty()) {
    return absl::InvalidArgumentError("configuration tls-client-ca-file: needs tls-cert-file and tls-key-file");
  }
  if (!options_.health_listen.empty()) {
    // Only the (default) health service listens here, in plain text.
    grpc::ServerBuilder health;
    health.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    health.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(), &health_port_);
    health_server_ = health.BuildAndStart();
    if (!health_server_ || health_port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("configuration health-listen: cannot listen on ", options_.health_listen));
    }
  }
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default: a second process on a port taken
  // would start and silently share its calls. Taken means refused.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options_.listen, credentials, &port_);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  grpc::ResourceQuota quota(absl::StrCat(service_name_, " server"));
  quota.Resize(options_.grpc_memory_bytes);
  quota.SetMaxThreads(options_.grpc_max_threads);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options_.keepalive_time)));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options_.keepalive_timeout)));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options_.max_connection_age)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options_.shutdown_grace)));
  for (grpc::Service* s : services_) builder.RegisterService(s);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen));
  }
  const bool ok = !probe_ || probe_().ok();
  SetHealth("", ok);
  SetHealth(service_name_, ok);
  {
    absl::MutexLock lock(&components_mu_);
    started_ = true;
    database_ok_ = ok;
    for (const auto& [component, serving] : components_) {
      SetHealth(absl::StrCat(service_name_, "/", component), serving);
    }
    SetReadyLocked();
  }
  if (probe_) probe_thread_ = std::thread([this] { ProbeLoop(); });
  if (health_server_) spdlog::info("health on {} (plain text)", options_.health_listen);
  spdlog::info(
      "{} serving on {}{}", service_name_, address(),
      options_.tls_cert_file.empty() ? "" : (options_.tls_client_ca_file.empty() ? " (TLS)" : " (mutual TLS)"));
  return absl::OkStatus();
}

void ServiceRunner::SetHealth(const std::string& service, bool serving) {
  // Always the named form, "" included: the unnamed SetServingStatus(bool)
  // sets every registered name at once, so a database probe would overwrite
  // the components' own statuses (Redis down reported SERVING until its next
  // change).
  for (grpc::Server* s : {server_.get(), health_server_.get()}) {
    if (s != nullptr) s->GetHealthCheckService()->SetServingStatus(service, serving);
  }
}

std::string ServiceRunner::address() const {
  auto colon = options_.listen.rfind(':');
  return absl::StrCat(options_.listen.substr(0, colon), ":", port_);
}

void ServiceRunner::SetComponentStatus(const std::string& component, bool serving) {
  absl::MutexLock lock(&components_mu_);
  components_[component] = serving;
  if (started_ && !shutting_down_) {
    SetHealth(absl::StrCat(service_name_, "/", component), serving);
    SetReadyLocked();
  }
}

void ServiceRunner::SetReadyLocked() {
  bool ready = database_ok_;
  for (const auto& [component, serving] : components_) ready = ready && serving;
  SetHealth(absl::StrCat(service_name_, "/ready"), ready);
}

void ServiceRunner::ProbeLoop() {
  bool last = true;
  while (!stop_probe_.WaitForNotificationWithTimeout(options_.probe_interval)) {
    absl::Status s = probe_();
    if (shutting_down_) return;
    if (s.ok() != last) {
      if (s.ok()) {
        spdlog::info("dependencies healthy again: SERVING");
      } else {
        spdlog::warn("dependency check failed: {}: NOT_SERVING", std::string(s.message()));
      }
      last = s.ok();
    }
    SetHealth("", s.ok());
    SetHealth(service_name_, s.ok());
    absl::MutexLock lock(&components_mu_);
    database_ok_ = s.ok();
    SetReadyLocked();
  }
}

void ServiceRunner::Shutdown() {
  if (!server_ || shutting_down_.exchange(true)) return;
  spdlog::info("{} shutting down: NOT_SERVING, draining for up to {}", service_name_,
               absl::FormatDuration(options_.shutdown_grace));
  stop_probe_.Notify();
  if (probe_thread_.joinable()) probe_thread_.join();
  // Shutdown() of the health service marks every service NOT_SERVING and
  // ignores later updates, so probes and load balancers move away first.
  server_->GetHealthCheckService()->Shutdown();
  if (health_server_) health_server_->GetHealthCheckService()->Shutdown();
  for (auto& fn : on_shutdown_) fn();
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(absl::ToInt64Milliseconds(options_.shutdown_grace)));
  server_->Wait();
  if (health_server_) {
    health_server_->Shutdown();
    health_server_->Wait();
  }
  if (!options_.metrics_listen.empty()) Metrics::Get().StopServing();
  spdlog::info("{} stopped", service_name_);
}

namespace {
sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}
}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("received signal {}", sig);
  return sig;
}

}  // namespace atrium
