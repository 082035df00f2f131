// The inspections service assembled from its configuration
// (common/runtime.h): its store, the domain, and the outbox its alerts leave
// through to the notifications and meetings services.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "common/runtime.h"

namespace atrium::inspections {

std::map<std::string, Setting> InspectionsSettings();

// Validates the configuration and opens the database, failing fast with a
// message naming the bad setting; `clock` defaults to the system clock.
absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock = nullptr);

}  // namespace atrium::inspections
