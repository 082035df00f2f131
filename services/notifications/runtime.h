// The notifications service assembled from its configuration
// (common/runtime.h): its store, the notices and alerts, the delivery worker
// that publishes them on Redis, and the broadcaster of WatchDispatches.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "common/runtime.h"

namespace atrium::notifications {

// The service's settings beside the common ones.
std::map<std::string, Setting> NotificationsSettings();

// Validates the configuration and opens the database, failing fast with a
// message naming the bad setting; `clock` defaults to the system clock.
absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock = nullptr);

}  // namespace atrium::notifications
