#include "common/runtime.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace atrium {

ServiceRuntime::~ServiceRuntime() { Shutdown(); }

absl::Status ServiceRuntime::Init(const Config& config, const Clock* clock, const std::string& name,
                                  const std::string& service) {
  SetErrorDomain(name + ".atrium");
  name_ = name;
  clock_ = clock == nullptr ? &system_clock_ : clock;
  ASSIGN_OR_RETURN(verifier_, VerifierFrom(config, clock_));
  ASSIGN_OR_RETURN(page_secret_, PageTokenSecretFrom(config));
  runner_ = std::make_unique<ServiceRunner>(service, ServerOptionsFrom(config));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ServiceRuntime::PeerChannel(const Config& config,
                                                                           const std::string& address) const {
  ASSIGN_OR_RETURN(auto credentials, ChannelCredentialsFrom(config));
  return grpc::CreateChannel(config.String(address), credentials);
}

absl::StatusOr<OutboxRelay*> ServiceRuntime::MakeRelay(const Config& config, OutboxQueue* queue,
                                                       OutboxRelay::Options options) {
  // The service signs its own token for the work it does on its own: with
  // jwt-signing-key-file, else the HS256 key.
  ASSIGN_OR_RETURN(auto alg, ParseAlgorithm(config.String("jwt-alg")));
  ASSIGN_OR_RETURN(auto signing_key, SigningKeyFrom(config));
  relay_ = std::make_unique<OutboxRelay>(name_, queue, clock_, alg, signing_key, options);
  return relay_.get();
}

void ServiceRuntime::Serve(std::unique_ptr<grpc::Service> handler, std::function<absl::Status()> probe) {
  handler_ = std::move(handler);
  runner_->AddService(handler_.get());
  runner_->SetProbe(std::move(probe));
}

void ServiceRuntime::AddGauges(std::string name, std::string help, std::function<Metrics::Samples()> read) {
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void ServiceRuntime::OnStart(std::function<void()> start, std::function<void()> stop) {
  starts_.push_back(std::move(start));
  stops_.push_back(std::move(stop));
}

absl::Status ServiceRuntime::RequirePositive(const Config& config, std::initializer_list<const char*> durations) {
  for (const char* d : durations) {
    if (config.Duration(d) <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("configuration ", d, ": must be positive"));
    }
  }
  return absl::OkStatus();
}

absl::Status ServiceRuntime::Start() {
  RETURN_IF_ERROR(runner_->Start());
  started_ = true;
  if (relay_) relay_->Start();
  for (auto& start : starts_) start();
  for (const Gauges& g : gauges_) Metrics::Get().AddGauges(g.name, g.help, g.read);
  return absl::OkStatus();
}

void ServiceRuntime::Shutdown() {
  if (stopped_ || runner_ == nullptr) return;
  stopped_ = true;
  if (started_) {
    for (const Gauges& g : gauges_) Metrics::Get().RemoveGauges(g.name);
  }
  runner_->Shutdown();
  if (relay_) relay_->Stop();
  for (auto& stop : stops_) stop();
}

}  // namespace atrium
