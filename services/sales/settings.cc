// How the forecast weighs open business: the probability of each open sales
// stage, the manager's to set.
#include <map>

#include "absl/strings/str_cat.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/audit.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "services/sales/management.h"

namespace atrium::sales {
namespace {

using meetings::v1::Meeting;

constexpr char kSettingsName[] = "forecastSettings";

}  // namespace

v1::ForecastSettings DefaultForecastSettings() {
  v1::ForecastSettings s;
  s.set_name(kSettingsName);
  for (auto [stage, percent] : {std::pair{Meeting::ENQUIRY, 10}, std::pair{Meeting::SITE_VISIT, 25},
                                std::pair{Meeting::NEGOTIATING, 50}, std::pair{Meeting::INTENT, 75}}) {
    auto* p = s.add_stages();
    p->set_stage(stage);
    p->set_percent(percent);
  }
  return s;
}

namespace {

bool IsOpen(int stage) { return stage >= Meeting::ENQUIRY && stage <= Meeting::INTENT; }

}  // namespace

absl::StatusOr<v1::ForecastSettings> Management::GetForecastSettings(const Principal& who,
                                                                     const v1::GetForecastSettingsRequest& req) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kKeyAccountManager, Role::kGmOffice, Role::kDepartment, Role::kService},
                  "the forecast settings are read by the manager, KAMs, the GM office, the Rooms and F&B "
                  "directors and services"));
  if (who.Is(Role::kDepartment) && !who.IsDepartment("rooms") && !who.IsDepartment("fnb")) {
    return PermissionDenied("of the departments, Rooms and F&B read the forecast settings");
  }
  if (!req.name().empty() && req.name() != kSettingsName) {
    return InvalidArgument("name", "must be \"forecastSettings\"");
  }
  return store_->Read<v1::ForecastSettings>([&](SalesTx& tx) -> absl::StatusOr<v1::ForecastSettings> {
    ASSIGN_OR_RETURN(auto s, tx.GetSettings());
    return s ? std::move(*s) : DefaultForecastSettings();
  });
}

absl::StatusOr<v1::ForecastSettings> Management::UpdateForecastSettings(const Principal& who,
                                                                        const v1::UpdateForecastSettingsRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the forecast settings are the manager's"));
  std::map<int, int> given;
  for (int i = 0; i < req.forecast_settings().stages_size(); ++i) {
    const auto& p = req.forecast_settings().stages(i);
    const std::string f = absl::StrCat("forecast_settings.stages[", i, "]");
    if (!IsOpen(p.stage())) return InvalidArgument(f + ".stage", "must be ENQUIRY, SITE_VISIT, NEGOTIATING or INTENT");
    if (!given.emplace(p.stage(), p.percent()).second) return InvalidArgument(f + ".stage", "appears twice");
    if (p.percent() < 0 || p.percent() > 100) return InvalidArgument(f + ".percent", "must be 0..100");
  }
  const absl::Time now = clock_->Now();
  return store_->Write<v1::ForecastSettings>([&](SalesTx& tx) -> absl::StatusOr<v1::ForecastSettings> {
    ASSIGN_OR_RETURN(auto stored, tx.GetSettings());
    v1::ForecastSettings current = stored ? *stored : DefaultForecastSettings();
    if (!req.forecast_settings().etag().empty() && req.forecast_settings().etag() != current.etag()) {
      return StaleEtag(kSettingsName);
    }
    for (auto& p : *current.mutable_stages()) {
      if (auto it = given.find(p.stage()); it != given.end()) p.set_percent(it->second);
    }
    // A later stage is never less likely than an earlier one.
    for (int i = 1; i < current.stages_size(); ++i) {
      if (current.stages(i).percent() < current.stages(i - 1).percent()) {
        return InvalidArgument("forecast_settings.stages",
                               absl::StrCat(Meeting::State_Name(current.stages(i).stage()), " is less likely than ",
                                            Meeting::State_Name(current.stages(i - 1).stage())));
      }
    }
    if (stored) {
      Touch(current.mutable_audit(), who, now);
    } else {
      *current.mutable_audit() = NewAudit(who, now);
    }
    current.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutSettings(current));
    return current;
  });
}

}  // namespace atrium::sales
