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
#include "services/notifications/alerts.h"
#include "services/notifications/delivery.h"
#include "services/notifications/notices.h"
#include "services/notifications/store.h"
#include "services/notifications/watch.h"

namespace atrium::notifications {

// The service's settings beside the common ones.
std::map<std::string, Setting> NotificationsSettings();

class Runtime final : public ServiceRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);
  ~Runtime() override { Shutdown(); }

 private:
  Runtime() = default;

  std::unique_ptr<NotificationsStore> store_;
  std::unique_ptr<Notices> notices_;
  std::unique_ptr<Alerts> alerts_;
  std::unique_ptr<Deliverer> deliverer_;
  std::unique_ptr<Broadcaster> broadcaster_;
};

}  // namespace atrium::notifications
