// Accounts (客户): create, read, list, update, archive.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "google/protobuf/text_format.h"
#include "services/clients/archive.h"
#include "services/clients/credit_code.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Account;

constexpr char kCreateAccount[] = "CreateAccount";

const std::set<std::string>& UpdatablePaths() {
  static const std::set<std::string> paths = {"kind",           "display_name",
                                              "legal_name",     "credit_code",
                                              "company_nature", "credit_standing",
                                              "credit_note",    "industry_segment",
                                              "owner",          "vip_level",
                                              "key_account",    "address",
                                              "phone",          "fax",
                                              "email",          "tags"};
  return paths;
}

// Checks every settable field of `a`; `prefix` is "account".
absl::Status ValidateAccount(const Account& a) {
  if (a.kind() == v1::ACCOUNT_KIND_UNSPECIFIED || !v1::AccountKind_IsValid(a.kind())) {
    return InvalidArgument("account.kind",
                           "must be one of COMPANY, GOVERNMENT_AGENCY, SOCIAL_ORGANISATION, "
                           "TRAVEL_AGENCY, OTHER");
  }
  RETURN_IF_ERROR(CheckText(a.display_name(), "account.display_name", 200, true));
  if (NormalizeName(a.display_name()).empty()) {
    return InvalidArgument("account.display_name", "must contain letters or digits");
  }
  RETURN_IF_ERROR(CheckText(a.legal_name(), "account.legal_name", 200));
  if (!a.credit_code().empty() && !IsValidCreditCode(a.credit_code())) {
    return InvalidArgument("account.credit_code",
                           "must be an 18-character unified social credit code with a valid check character");
  }
  RETURN_IF_ERROR(CheckText(a.company_nature(), "account.company_nature", 100));
  if (!v1::CreditStanding_IsValid(a.credit_standing())) {
    return InvalidArgument("account.credit_standing", "is not a known credit standing");
  }
  RETURN_IF_ERROR(CheckText(a.credit_note(), "account.credit_note", 1000, false, true));
  RETURN_IF_ERROR(CheckText(a.industry_segment(), "account.industry_segment", 100));
  RETURN_IF_ERROR(CheckStaffId(a.owner(), "account.owner", false));
  if (a.vip_level() < 0 || a.vip_level() > 5) return InvalidArgument("account.vip_level", "must be between 0 and 5");
  RETURN_IF_ERROR(CheckText(a.address(), "account.address", 300));
  RETURN_IF_ERROR(CheckPhone(a.phone(), "account.phone"));
  RETURN_IF_ERROR(CheckPhone(a.fax(), "account.fax"));
  RETURN_IF_ERROR(CheckEmail(a.email(), "account.email"));
  if (a.tags_size() > 20) return InvalidArgument("account.tags", "must have at most 20 tags");
  for (int i = 0; i < a.tags_size(); ++i) {
    RETURN_IF_ERROR(CheckText(a.tags(i), absl::StrCat("account.tags[", i, "]"), 50, true));
  }
  return absl::OkStatus();
}

// ALREADY_EXISTS when another account has the same credit code or name.
absl::Status CheckUnique(ClientsTx& tx, const Account& a, const std::string& self_id) {
  if (!a.credit_code().empty()) {
    ASSIGN_OR_RETURN(auto id, tx.FindAccountByCreditCode(a.credit_code()));
    if (id && *id != self_id) {
      return AlreadyExists("DUPLICATE_CREDIT_CODE",
                           absl::StrCat("accounts/", *id, " already has credit code ", a.credit_code()),
                           {{"existing_account", "accounts/" + *id}});
    }
  }
  ASSIGN_OR_RETURN(auto id, tx.FindAccountByNormalizedName(NormalizeName(a.display_name())));
  if (id && *id != self_id) {
    return AlreadyExists("DUPLICATE_ACCOUNT_NAME",
                         absl::StrCat("accounts/", *id, " has the same name as \"", a.display_name(), "\""),
                         {{"existing_account", "accounts/" + *id}});
  }
  return absl::OkStatus();
}

// A readable "field: old -> new" list for the activity history.
std::string DescribeChanges(const Account& before, const Account& after, const std::vector<std::string>& paths) {
  std::vector<std::string> lines;
  const auto* desc = Account::descriptor();
  const auto* refl = Account::GetReflection();
  for (const auto& path : paths) {
    const auto* field = desc->FindFieldByName(path);
    if (field == nullptr) continue;
    std::string old_value, new_value;
    if (field->is_repeated()) {
      std::vector<std::string> o, n;
      for (int i = 0; i < refl->FieldSize(before, field); ++i) o.push_back(refl->GetRepeatedString(before, field, i));
      for (int i = 0; i < refl->FieldSize(after, field); ++i) n.push_back(refl->GetRepeatedString(after, field, i));
      old_value = absl::StrJoin(o, ",");
      new_value = absl::StrJoin(n, ",");
    } else {
      std::string s1, s2;
      google::protobuf::TextFormat::PrintFieldValueToString(before, field, -1, &s1);
      google::protobuf::TextFormat::PrintFieldValueToString(after, field, -1, &s2);
      old_value = s1;
      new_value = s2;
    }
    if (old_value != new_value) lines.push_back(absl::StrCat(path, ": ", old_value, " -> ", new_value));
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace

absl::StatusOr<Account> Archive::CreateAccount(const Principal& who, const v1::CreateAccountRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk},
                              "CreateAccount is for the manager, key account managers and clerks"));
  auto key = RequestKeyOf(kCreateAccount, who, req, req.request_id());
  if (!key.ok()) return key.status();
  Account a = req.account();
  RETURN_IF_ERROR(ValidateAccount(a));
  if (who.Is(Role::kKeyAccountManager)) {
    if (!a.owner().empty() && a.owner() != who.subject) {
      return PermissionDenied(
          "a key account manager creates accounts they own; only the manager assigns another owner");
    }
    a.set_owner(who.subject);
  }
  const absl::Time now = Now();
  // Everything that does not depend on the database is built before the
  // write transaction, so that the single writer only checks and stores.
  const std::string id = NewId(now);
  a.set_name("accounts/" + id);
  a.set_state(Account::ACTIVE);
  *a.mutable_audit() = NewAudit(who, now);
  a.set_etag(NewEtag());
  const AccountRow row = MakeAccountRow(id, a);
  const ChildRecord activity = ActivityRecord(who, id, v1::Activity::ACCOUNT_CHANGE,
                                              absl::StrCat("account created: ", a.display_name()), "", a.name(), now);
  absl::StatusOr<Account> result;
  absl::Status status = store_->Write([&](ClientsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto prior, OriginalOf(tx, *key));
    if (prior) {
      ASSIGN_OR_RETURN(auto prior_id, AccountIdOf(*prior, "request_id"));
      result = MustGetAccount(tx, prior_id);
      return result.status();
    }
    RETURN_IF_ERROR(CheckUnique(tx, a, ""));
    // Copies: PostgreSQL may run the transaction again, and the segment's
    // owner is read anew each time.
    Account stored = a;
    if (stored.owner().empty()) {  // the manager or a clerk gave none: the segment's KAM
      ASSIGN_OR_RETURN(const std::string owner, SegmentOwnerOf(tx, a.industry_segment(), a.kind()));
      stored.set_owner(owner);
    }
    RETURN_IF_ERROR(tx.PutAccountRow(stored.owner() == a.owner() ? row : MakeAccountRow(id, stored)));
    RETURN_IF_ERROR(RememberOriginal(tx, *key, a.name(), now));
    RETURN_IF_ERROR(tx.PutChild(activity));
    result = stored;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Account> Archive::GetAccount(const Principal& who, const v1::GetAccountRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "GetAccount is for staff, departments and services"));
  ASSIGN_OR_RETURN(auto id, AccountIdOf(req.name(), "name"));
  absl::StatusOr<Account> result;
  absl::Status status = store_->Read([&](ClientsTx& tx) {
    result = MustGetAccount(tx, id);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::ListAccountsResponse> Archive::ListAccounts(const Principal& who,
                                                               const v1::ListAccountsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "ListAccounts is for staff, departments and services"));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  AccountQuery q;
  RETURN_IF_ERROR(CheckStaffId(req.owner(), "owner", false));
  q.owner = req.owner();
  RETURN_IF_ERROR(CheckText(req.industry_segment(), "industry_segment", 100));
  q.industry_segment = req.industry_segment();
  if (!v1::AccountKind_IsValid(req.kind())) return InvalidArgument("kind", "is not a known account kind");
  q.kind = req.kind();
  if (req.min_vip_level() < 0 || req.min_vip_level() > 5) {
    return InvalidArgument("min_vip_level", "must be between 0 and 5");
  }
  q.min_vip_level = req.min_vip_level();
  if (!Account::State_IsValid(req.state())) return InvalidArgument("state", "is not a known account state");
  q.state = req.state() == Account::STATE_UNSPECIFIED ? Account::ACTIVE : req.state();
  RETURN_IF_ERROR(CheckText(req.query(), "query", 100));
  q.name_contains = NormalizeName(req.query());
  if (req.order_by().empty() || req.order_by() == "display_name") {
    q.order = AccountOrder::kDisplayName;
  } else if (req.order_by() == "create_time") {
    q.order = AccountOrder::kCreateTime;
  } else if (req.order_by() == "create_time desc") {
    q.order = AccountOrder::kCreateTimeDesc;
  } else if (req.order_by() == "update_time desc") {
    q.order = AccountOrder::kUpdateTimeDesc;
  } else {
    return InvalidArgument("order_by", "must be display_name, create_time, create_time desc or update_time desc");
  }
  const std::string fingerprint =
      absl::StrCat("accounts|", q.owner, "|", q.industry_segment, "|", q.kind, "|", q.min_vip_level, "|", q.state, "|",
                   q.name_contains, "|", static_cast<int>(q.order));
  ASSIGN_OR_RETURN(auto pos, tokens_.Decode(req.page_token(), fingerprint));
  if (pos.size() == 2) {
    q.after = std::make_pair((pos)[0], (pos)[1]);
  } else if (!pos.empty()) {
    return InvalidArgument("page_token", "is malformed");
  }
  q.limit = size + 1;
  v1::ListAccountsResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListAccounts(q));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.resize(static_cast<size_t>(size));
    for (Account& row : rows) *resp.add_accounts() = std::move(row);  // moved, not copied
    if (more) {
      const Account& last = resp.accounts(size - 1);
      std::string key;
      switch (q.order) {
        case AccountOrder::kDisplayName: key = last.display_name(); break;
        case AccountOrder::kCreateTime:
        case AccountOrder::kCreateTimeDesc: key = std::to_string(ToUnixMicros(last.audit().create_time())); break;
        case AccountOrder::kUpdateTimeDesc: key = std::to_string(ToUnixMicros(last.audit().update_time())); break;
      }
      resp.set_next_page_token(tokens_.Encode(fingerprint, {key, last.name().substr(9)}));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

absl::StatusOr<Account> Archive::UpdateAccount(const Principal& who, const v1::UpdateAccountRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk},
                              "UpdateAccount is for the manager, key account managers and clerks"));
  ASSIGN_OR_RETURN(auto id, AccountIdOf(req.account().name(), "account.name"));
  if (req.update_mask().paths_size() == 0) return InvalidArgument("update_mask", "must name at least one field");
  std::vector<std::string> paths(req.update_mask().paths().begin(), req.update_mask().paths().end());
  for (const auto& p : paths) {
    if (!UpdatablePaths().count(p)) {
      return InvalidArgument("update_mask", absl::StrCat("path \"", p, "\" is not an updatable account field"));
    }
    if ((p == "owner" || p == "vip_level" || p == "key_account") && !who.Is(Role::kManager)) {
      return PermissionDenied(absl::StrCat("only the manager changes an account's ", p));
    }
  }
  const absl::Time now = Now();
  return store_->Write<Account>([&](ClientsTx& tx) -> absl::StatusOr<Account> {
    ASSIGN_OR_RETURN(auto current, MustGetAccount(tx, id));
    RETURN_IF_ERROR(CheckCanChange(who, current, ClerkMay::kYes));
    RETURN_IF_ERROR(CheckEtag(req.account().etag(), current.etag(), current.name()));
    RETURN_IF_ERROR(CheckActive(current));
    Account updated = current;
    google::protobuf::FieldMask mask = req.update_mask();
    ApplyFieldMask(req.account(), mask, &updated);
    RETURN_IF_ERROR(ValidateAccount(updated));
    RETURN_IF_ERROR(CheckUnique(tx, updated, id));
    std::string changes = DescribeChanges(current, updated, paths);
    Touch(updated.mutable_audit(), who, now);
    updated.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutAccount(id, updated));
    if (!changes.empty()) {
      RETURN_IF_ERROR(
          AppendActivity(tx, who, id, v1::Activity::ACCOUNT_CHANGE, "account updated", changes, updated.name(), now));
    }
    return updated;
  });
}

namespace {
// Shared body of Archive/Unarchive: a state move with its history entry.
absl::StatusOr<Account> MoveAccountState(ClientsStore* store, const Principal& who, const std::string& name,
                                         const std::string& etag, Account::State from, Account::State to,
                                         const std::string& note, absl::Time now) {
  ASSIGN_OR_RETURN(auto id, AccountIdOf(name, "name"));
  return store->Write<Account>([&](ClientsTx& tx) -> absl::StatusOr<Account> {
    ASSIGN_OR_RETURN(auto current, MustGetAccount(tx, id));
    RETURN_IF_ERROR(CheckCanChange(who, current, ClerkMay::kNo));
    RETURN_IF_ERROR(CheckEtag(etag, current.etag(), current.name()));
    if (current.state() != from) {
      return FailedPrecondition(to == Account::ARCHIVED ? "ACCOUNT_ARCHIVED" : "ACCOUNT_NOT_ARCHIVED",
                                absl::StrCat(current.name(), " is ", Account::State_Name(current.state())),
                                {{"state", Account::State_Name(current.state())}});
    }
    current.set_state(to);
    Touch(current.mutable_audit(), who, now);
    current.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutAccount(id, current));
    RETURN_IF_ERROR(AppendActivity(tx, who, id, v1::Activity::ACCOUNT_CHANGE,
                                   to == Account::ARCHIVED ? "account archived" : "account restored", note,
                                   current.name(), now));
    return current;
  });
}
}  // namespace

absl::StatusOr<Account> Archive::ArchiveAccount(const Principal& who, const v1::ArchiveAccountRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager},
                              "ArchiveAccount is for the manager and the owning key account manager"));
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, false, true));
  return MoveAccountState(store_, who, req.name(), req.etag(), Account::ACTIVE, Account::ARCHIVED, req.reason(), Now());
}

absl::StatusOr<Account> Archive::UnarchiveAccount(const Principal& who, const v1::UnarchiveAccountRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "UnarchiveAccount is for the manager"));
  return MoveAccountState(store_, who, req.name(), req.etag(), Account::ARCHIVED, Account::ACTIVE, "", Now());
}

}  // namespace atrium::clients
