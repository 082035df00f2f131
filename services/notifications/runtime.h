// The notifications service assembled from its configuration: store, clock,
// token verifier, domain, delivery worker, watch broadcaster, handler and
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
#include "services/notifications/delivery.h"
#include "services/notifications/handler.h"
#include "services/notifications/notices.h"
#include "services/notifications/store.h"
#include "services/notifications/watch.h"

namespace atrium::notifications {

// The service's settings beside the common ones.
std::map<std::string, Setting> NotificationsSettings();

class Runtime final {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);
  ~Runtime();

  absl::Status Start();
  void Shutdown();
  int port() const { return runner_->port(); }
  std::string address() const { return runner_->address(); }

 private:
  Runtime() = default;

  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<NotificationsStore> store_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<Notices> notices_;
  std::unique_ptr<Alerts> alerts_;
  std::unique_ptr<Deliverer> deliverer_;
  std::unique_ptr<Broadcaster> broadcaster_;
  std::unique_ptr<NotificationsHandler> handler_;
  std::unique_ptr<ServiceRunner> runner_;
};

}  // namespace atrium::notifications
