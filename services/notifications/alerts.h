// Alerts to a member of staff or to a role: stored, then published through
// the outbox on `<prefix>.staff.<subject>` or `<prefix>.role.<role>` by the
// delivery worker (which publishes the outbox whatever put an entry there).
//
//   Alerts alerts(store, clock, page_tokens, {"atrium", "//atrium/notifications"});
//   auto a = alerts.CreateAlert(who, req);   // an inspection failed in a room: tell the KAM
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "common/time_util.h"
#include "services/notifications/store.h"

namespace atrium::notifications {

struct AlertOptions {
  std::string channel_prefix = "atrium";
  std::string event_source = "//atrium/notifications";
  // The configured departments: the "department/{department}" recipients.
  std::vector<std::string> departments;
};

class Alerts final {
 public:
  Alerts(NotificationsStore* store, const Clock* clock, PageTokens page_tokens, AlertOptions options);

  absl::StatusOr<v1::Alert> CreateAlert(const Principal& who, const v1::CreateAlertRequest& req);
  absl::StatusOr<v1::ListAlertsResponse> ListAlerts(const Principal& who, const v1::ListAlertsRequest& req);

 private:
  NotificationsStore* store_;
  const Clock* clock_;
  PageTokens page_tokens_;
  AlertOptions options_;
};

// The Redis channel of a recipient ("staff/x" -> "<prefix>.staff.x").
std::string AlertChannel(const std::string& prefix, const std::string& recipient);
// The CloudEvent of an alert, proto_data an AlertEvent; its id is the alert name.
std::string AlertCloudEvent(const v1::Alert& alert, const std::string& source);

}  // namespace atrium::notifications
