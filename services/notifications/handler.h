// gRPC bindings of atrium.notifications.v1.NotificationsService: each unary
// method is its domain method (common/serve.h); WatchDispatches is a stream
// reactor (services/notifications/watch_stream.h) that holds no thread while
// it waits.
#pragma once

#include "common/auth.h"
#include "common/serve.h"
#include "services/notifications/alerts.h"
#include "services/notifications/notices.h"
#include "services/notifications/watch.h"

namespace atrium::notifications {

class NotificationsHandler final : public Bindings {
 public:
  NotificationsHandler(Notices* notices, Alerts* alerts, Broadcaster* broadcaster, const TokenVerifier* verifier,
                       Executor* executor);
};

}  // namespace atrium::notifications
