// The inspections service assembled from its configuration: store, clock,
// token verifier, the peers' channels, domain, outbox relay, handler and
// server. main() and the integration tests build it the same way.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/server.h"
#include "common/time_util.h"
#include "services/inspections/forwarder.h"
#include "services/inspections/handler.h"
#include "services/inspections/inspections.h"
#include "services/inspections/store.h"

namespace atrium::inspections {

std::map<std::string, Setting> InspectionsSettings();

class Runtime final {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);

  absl::Status Start();
  void Shutdown();
  int port() const { return runner_->port(); }

 private:
  Runtime() = default;

  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<InspectionsStore> store_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<Inspections> inspections_;
  std::unique_ptr<InspectionsOutbox> outbox_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<InspectionsHandler> handler_;
  std::unique_ptr<ServiceRunner> runner_;
};

}  // namespace atrium::inspections
