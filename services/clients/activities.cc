// The sales-process record (销售过程详细记录): append-only history.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Activity;

constexpr ChildSpec kSpec{"CreateActivity", "activities", kActivity, "activity", ClerkMay::kYes, false};

ChildRecord ToRecord(const Activity& a, const std::string& account_id) {
  ChildRecord r;
  r.name = a.name();
  r.kind = kActivity;
  r.account_id = account_id;
  r.category = a.type();
  r.person = a.actor();
  r.sort_key = ToUnixMicros(a.create_time());
  r.data = a.SerializeAsString();
  return r;
}

}  // namespace

absl::StatusOr<Activity> Archive::CreateActivity(const Principal& who, const v1::CreateActivityRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kService},
                              "CreateActivity is for the manager, key account managers, clerks and services"));
  Activity a = req.activity();
  if (a.type() == Activity::TYPE_UNSPECIFIED || !Activity::Type_IsValid(a.type())) {
    return InvalidArgument("activity.type", "must be CALL, VISIT, EMAIL, FAX, LETTER, OFFER, NOTE or MEETING");
  }
  if (a.type() == Activity::ACCOUNT_CHANGE) {
    return InvalidArgument("activity.type", "ACCOUNT_CHANGE is written by the archive itself");
  }
  RETURN_IF_ERROR(CheckText(a.summary(), "activity.summary", 500, true, true));
  RETURN_IF_ERROR(CheckText(a.detail(), "activity.detail", 5000, false, true));
  RETURN_IF_ERROR(CheckText(a.subject(), "activity.subject", 200));
  if (a.has_occur_time()) {
    RETURN_IF_ERROR(CheckTimestamp(a.occur_time(), "activity.occur_time"));
  }
  const absl::Time now = Now();
  if (a.has_occur_time() && FromProto(a.occur_time()) > now + absl::Minutes(5)) {
    return InvalidArgument("activity.occur_time", "must not be in the future");
  }
  return CreateChild<Activity>(
      store_, who, req.parent(), RequestKeyOf(kSpec.method, who, req, req.request_id()), kSpec, std::move(a), now,
      [&](ClientsTx&, const v1::Account&, Activity& x) {
        if (!x.has_occur_time()) *x.mutable_occur_time() = ToProto(now);
        *x.mutable_create_time() = ToProto(now);
        x.set_actor(who.subject);
        x.set_actor_display_name(who.display_name);
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Activity> Archive::GetActivity(const Principal& who, const v1::GetActivityRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kGmOffice, Role::kService},
                              "GetActivity is for staff and services"));
  return ReadChild<Activity>(store_, req.name(), "activities", kActivity, "activity");
}

absl::StatusOr<v1::ListActivitiesResponse> Archive::ListActivities(const Principal& who,
                                                                   const v1::ListActivitiesRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kGmOffice, Role::kService},
                              "ListActivities is for staff and services"));
  auto account_id = AccountIdOf(req.parent(), "parent");
  if (!account_id.ok()) return account_id.status();
  if (!Activity::Type_IsValid(req.type())) return InvalidArgument("type", "is not a known activity type");
  v1::ListActivitiesResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    if (auto acc = MustGetAccount(tx, *account_id); !acc.ok()) return acc.status();
    ChildQuery q;
    q.kind = kActivity;
    q.account_id = *account_id;
    q.category = req.type();
    auto page = ListPage<Activity>(tx, tokens_, q, req.page_size(), req.page_token(),
                                   absl::StrCat("activities|", req.parent(), "|", req.type()));
    if (!page.ok()) return page.status();
    for (auto& a : page->first) *resp.add_activities() = std::move(a);
    resp.set_next_page_token(page->second);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

}  // namespace atrium::clients
