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

namespace atrium::clients {

std::map<std::string, Setting> ClientsSettings();

// Validates the configuration and opens the database, failing fast with a
// message naming the bad setting; `clock` defaults to the system clock.
absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock = nullptr);

}  // namespace atrium::clients
