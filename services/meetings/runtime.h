// The meetings service assembled from its configuration (common/runtime.h):
// its store, the clients directory and notifications board it asks, the
// outbox its writes to them leave through, and the domain.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "common/runtime.h"

namespace atrium::meetings {

std::map<std::string, Setting> MeetingsSettings();

// Validates the configuration and opens the database, failing fast with a
// message naming the bad setting; `clock` defaults to the system clock.
absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock = nullptr);

}  // namespace atrium::meetings
