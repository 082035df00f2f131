#include "services/notifications/alerts.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/trace.h"
#include "io/cloudevents/v1/cloudevents.pb.h"

namespace atrium::notifications {
namespace {

constexpr char kRecipientRule[] = "must be staff/{subject}, role/{role} or department/{department}";

// The staff roles an alert may go to; departments get their work as dispatches.
constexpr const char* kRoles[] = {"manager", "key_account_manager", "clerk", "gm_office", "inspector"};

// "staff/{subject}", "role/{role}" or "department/{department}" -> (kind,
// who); empty kind if malformed. Whether a department is configured is
// checked where the departments are known.
std::pair<std::string, std::string> SplitRecipient(const std::string& r) {
  const auto slash = r.find('/');
  if (slash == std::string::npos) return {};
  std::string kind = r.substr(0, slash), who = r.substr(slash + 1);
  if (who.empty() || who.size() > 128) return {};
  for (char c : who) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':' || c == '@')) {
      return {};
    }
  }
  if (kind == "staff" || kind == "department") return {kind, who};
  if (kind == "role") {
    for (const char* role : kRoles) {
      if (who == role) return {kind, who};
    }
  }
  return {};
}

}  // namespace

std::string AlertChannel(const std::string& prefix, const std::string& recipient) {
  auto [kind, who] = SplitRecipient(recipient);
  return absl::StrCat(prefix, ".", kind, ".", who);
}

std::string AlertCloudEvent(const v1::Alert& alert, const std::string& source) {
  io::cloudevents::v1::CloudEvent e;
  e.set_id(alert.name());
  e.set_source(source);
  e.set_spec_version("1.0");
  e.set_type("atrium.notifications.v1.alert");
  auto& attrs = *e.mutable_attributes();
  *attrs["time"].mutable_ce_timestamp() = alert.create_time();
  attrs["datacontenttype"].set_ce_string("application/protobuf");
  attrs["subject"].set_ce_string(alert.source());
  if (const std::string trace = CurrentTraceparent(); !trace.empty()) attrs["traceparent"].set_ce_string(trace);
  v1::AlertEvent payload;
  payload.set_event_id(alert.name());
  *payload.mutable_alert() = alert;
  e.mutable_proto_data()->PackFrom(payload);
  return e.SerializeAsString();
}

Alerts::Alerts(NotificationsStore* store, const Clock* clock, PageTokens page_tokens, AlertOptions options)
    : store_(store), clock_(clock), page_tokens_(std::move(page_tokens)), options_(std::move(options)) {}

absl::StatusOr<v1::Alert> Alerts::CreateAlert(const Principal& who, const v1::CreateAlertRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kService, Role::kManager, Role::kGmOffice},
                              "alerts are sent by services, the manager and the GM office"));
  v1::Alert a = req.alert();
  if (auto [kind, who_to] = SplitRecipient(a.recipient()); kind.empty()) {
    return InvalidArgument("alert.recipient", kRecipientRule);
  } else if (kind == "department" && std::find(options_.departments.begin(), options_.departments.end(), who_to) ==
                                         options_.departments.end()) {
    return InvalidArgument("alert.recipient", absl::StrCat("names no configured department: ", who_to));
  }
  RETURN_IF_ERROR(CheckText(a.title(), "alert.title", 200, true));
  RETURN_IF_ERROR(CheckText(a.body(), "alert.body", 2000, false, true));
  RETURN_IF_ERROR(CheckText(a.source(), "alert.source", 200));
  ASSIGN_OR_RETURN(auto key, RequestKeyOf("CreateAlert", who, req, req.request_id()));
  const absl::Time now = clock_->Now();
  a.set_name(absl::StrCat("alerts/", NewId(now)));
  a.set_sender(who.subject);
  *a.mutable_create_time() = ToProto(now);
  return store_->Write<v1::Alert>([&](NotificationsTx& tx) -> absl::StatusOr<v1::Alert> {
    if (key) {
      ASSIGN_OR_RETURN(auto prior, tx.AlertByRequest(*key));
      std::optional<RememberedRequest> remembered;
      if (prior) remembered = RememberedRequest{(prior)->first.name(), (prior)->second};
      ASSIGN_OR_RETURN(auto original, Replay(*key, remembered));
      if (original) {
        return std::move((prior)->first);
      }
    }
    RETURN_IF_ERROR(tx.InsertAlert(a, key));
    RETURN_IF_ERROR(tx.AddPublication(AlertChannel(options_.channel_prefix, a.recipient()),
                                      AlertCloudEvent(a, options_.event_source), ToUnixMicros(now)));
    return a;
  });
}

absl::StatusOr<v1::ListAlertsResponse> Alerts::ListAlerts(const Principal& who, const v1::ListAlertsRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kGmOffice,
                               Role::kInspector, Role::kService, Role::kDepartment},
                              "alerts are read by staff, departments and services"));
  auto [kind, recipient] = SplitRecipient(req.recipient());
  if (kind.empty()) return InvalidArgument("recipient", kRecipientRule);
  const bool anyone = who.Is(Role::kManager) || who.Is(Role::kGmOffice) || who.Is(Role::kService);
  const bool own = who.Is(Role::kDepartment) ? kind == "department" && recipient == who.department
                                             : (kind == "staff" && recipient == who.subject) ||
                                                   (kind == "role" && recipient == RoleName(who.role));
  if (!anyone && !own) {
    return PermissionDenied(
        "staff read their own alerts and their role's, a department its own; the manager and the GM office read any");
  }
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat("alerts|", req.recipient());
  ASSIGN_OR_RETURN(auto after, page_tokens_.DecodeAfter(req.page_token(), query));
  v1::ListAlertsResponse out;
  absl::Status status = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListAlerts(req.recipient(), after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& a : rows) *out.add_alerts() = std::move(a);
    if (more) {
      const auto& last = out.alerts(out.alerts_size() - 1);
      out.set_next_page_token(page_tokens_.EncodeAfter(query, ToUnixMicros(last.create_time()), last.name()));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace atrium::notifications
