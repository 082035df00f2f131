// Guest preferences, characteristics and special needs (爱好、特点及特殊需要).
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Preference;

constexpr ChildSpec kSpec{"CreatePreference", "preferences", kPreference, "preference", ClerkMay::kYes, false};

ChildRecord ToRecord(const Preference& p, const std::string& account_id) {
  ChildRecord r;
  r.name = p.name();
  r.kind = kPreference;
  r.account_id = account_id;
  r.category = p.category();
  r.sort_key = ToUnixMicros(p.audit().create_time());
  r.data = p.SerializeAsString();
  return r;
}

}  // namespace

absl::StatusOr<Preference> Archive::CreatePreference(const Principal& who, const v1::CreatePreferenceRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kService},
                              "CreatePreference is for the manager, key account managers, clerks and services"));
  Preference p = req.preference();
  if (p.category() == Preference::CATEGORY_UNSPECIFIED || !Preference::Category_IsValid(p.category())) {
    return InvalidArgument("preference.category", "must be ROOM, DIETARY, VENUE, SERVICE or OTHER");
  }
  RETURN_IF_ERROR(CheckText(p.description(), "preference.description", 1000, true, true));
  RETURN_IF_ERROR(CheckText(p.guest_name(), "preference.guest_name", 100));
  if (p.source_type() == Preference::SOURCE_TYPE_UNSPECIFIED || !Preference::SourceType_IsValid(p.source_type())) {
    return InvalidArgument("preference.source_type", "must be MEETING, VISIT, COMPLAINT or STAFF_NOTE");
  }
  RETURN_IF_ERROR(CheckText(p.source(), "preference.source", 200));
  const absl::Time now = Now();
  return CreateChild<Preference>(
      store_, who, req.parent(), RequestKeyOf(kSpec.method, who, req, req.request_id()), kSpec, std::move(p), now,
      [&](ClientsTx&, const v1::Account&, Preference& x) {
        *x.mutable_audit() = NewAudit(who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Preference> Archive::GetPreference(const Principal& who, const v1::GetPreferenceRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "GetPreference is for staff, departments and services"));
  return ReadChild<Preference>(store_, req.name(), "preferences", kPreference, "preference");
}

absl::StatusOr<v1::ListPreferencesResponse> Archive::ListPreferences(const Principal& who,
                                                                     const v1::ListPreferencesRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "ListPreferences is for staff, departments and services"));
  auto account_id = AccountIdOf(req.parent(), "parent");
  if (!account_id.ok()) return account_id.status();
  if (!Preference::Category_IsValid(req.category())) return InvalidArgument("category", "is not a known category");
  v1::ListPreferencesResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    if (auto acc = MustGetAccount(tx, *account_id); !acc.ok()) return acc.status();
    ChildQuery q;
    q.kind = kPreference;
    q.account_id = *account_id;
    q.category = req.category();
    auto page = ListPage<Preference>(tx, tokens_, q, req.page_size(), req.page_token(),
                                     absl::StrCat("preferences|", req.parent(), "|", req.category()));
    if (!page.ok()) return page.status();
    for (auto& p : page->first) *resp.add_preferences() = std::move(p);
    resp.set_next_page_token(page->second);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

absl::StatusOr<google::protobuf::Empty> Archive::DeletePreference(const Principal& who,
                                                                  const v1::DeletePreferenceRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk},
                              "DeletePreference is for the manager, key account managers and clerks"));
  ASSIGN_OR_RETURN(auto account_id, ChildAccountIdOf(req.name(), "preferences", "name"));
  absl::Status status = store_->Write([&](ClientsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto account, MustGetAccount(tx, account_id));
    if (auto p = MustGetChild<Preference>(tx, req.name(), kPreference, "preference"); !p.ok()) return p.status();
    RETURN_IF_ERROR(CheckCanChange(who, account, ClerkMay::kYes));
    return tx.DeleteChild(req.name());
  });
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

}  // namespace atrium::clients
