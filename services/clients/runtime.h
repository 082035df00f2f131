// The clients service assembled from its configuration (common/runtime.h):
// its store, the archive, and the outbox its feedback alerts leave through to
// the notifications service.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "common/runtime.h"
#include "services/clients/archive.h"
#include "services/clients/store.h"

namespace atrium::clients {

std::map<std::string, Setting> ClientsSettings();

class Runtime final : public ServiceRuntime {
 public:
  // Validates configuration and opens the database; fails fast with a message
  // naming the bad setting. `clock` defaults to the system clock.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);
  ~Runtime() override { Shutdown(); }

 private:
  Runtime() = default;

  std::unique_ptr<ClientsStore> store_;
  std::unique_ptr<Archive> archive_;
  std::unique_ptr<OutboxQueue> outbox_;
};

}  // namespace atrium::clients
