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
#include "services/inspections/forwarder.h"
#include "services/inspections/inspections.h"
#include "services/inspections/store.h"

namespace atrium::inspections {

std::map<std::string, Setting> InspectionsSettings();

class Runtime final : public ServiceRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);
  ~Runtime() override { Shutdown(); }

 private:
  Runtime() = default;

  std::unique_ptr<InspectionsStore> store_;
  std::unique_ptr<Inspections> inspections_;
  std::unique_ptr<InspectionsOutbox> outbox_;
};

}  // namespace atrium::inspections
