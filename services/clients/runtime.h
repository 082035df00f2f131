// The clients service assembled from its configuration: store, clock, token
// verifier, archive, the outbox relay to the notifications service, handler
// and server. main() and the integration tests build it the same way.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/outbox.h"
#include "common/server.h"
#include "common/time_util.h"
#include "services/clients/archive.h"
#include "services/clients/handler.h"
#include "services/clients/store.h"

namespace atrium::clients {

std::map<std::string, Setting> ClientsSettings();

class Runtime final {
 public:
  // Validates configuration and opens the database; fails fast with a message
  // naming the bad setting. `clock` defaults to the system clock.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);

  absl::Status Start();
  void Shutdown();
  int port() const { return runner_->port(); }
  std::string address() const { return runner_->address(); }

 private:
  Runtime() = default;

  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<ClientsStore> store_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<OutboxQueue> outbox_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<ClientsHandler> handler_;
  std::unique_ptr<ServiceRunner> runner_;
};

}  // namespace atrium::clients
