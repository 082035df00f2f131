// The sales management service assembled from its configuration
// (common/runtime.h): its store, the domain, the peers it reads figures from
// and the outbox the division of the market leaves through to the clients
// service.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "common/runtime.h"

namespace atrium::sales {

std::map<std::string, Setting> SalesSettings();

// Validates the configuration and opens the database, failing fast with a
// message naming the bad setting; `clock` defaults to the system clock.
absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock = nullptr);

}  // namespace atrium::sales
