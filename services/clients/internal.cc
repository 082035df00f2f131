#include "services/clients/internal.h"

#include <openssl/rand.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"

namespace atrium::clients::internal {

absl::Status CheckPhone(std::string_view value, std::string_view field) {
  if (value.size() > 40) return InvalidArgument(field, "must be at most 40 characters");
  int digits = 0;
  for (char c : value) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '+' || c == '-' || c == ' ' || c == '(' || c == ')' || c == 'x' || c == '#')) {
      return InvalidArgument(field, "may hold only digits, spaces and + - ( ) x #");
    }
  }
  if (!value.empty() && digits < 3) return InvalidArgument(field, "must contain a phone number");
  return absl::OkStatus();
}

absl::Status CheckEmail(std::string_view value, std::string_view field) {
  if (value.empty()) return absl::OkStatus();
  auto at = value.find('@');
  if (value.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 >= value.size() ||
      value.find('@', at + 1) != std::string_view::npos || value.find('.', at) == std::string_view::npos ||
      value.find(' ') != std::string_view::npos || !IsValidUtf8(value)) {
    return InvalidArgument(field, "must be an e-mail address such as name@example.com");
  }
  return absl::OkStatus();
}

absl::Status CheckEtag(std::string_view given, std::string_view current, std::string_view name) {
  if (!given.empty() && given != current) return StaleEtag(name);
  return absl::OkStatus();
}

absl::StatusOr<std::string> AccountIdOf(std::string_view name, std::string_view field, bool allow_wildcard) {
  auto ids = ParseName(name, {"accounts"}, field, allow_wildcard);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<std::string> ChildAccountIdOf(std::string_view name, std::string_view collection,
                                             std::string_view field) {
  auto ids = ParseName(name, {"accounts", std::string(collection)}, field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<v1::Account> MustGetAccount(ClientsTx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto a, tx.GetAccount(id));
  if (!a) return NotFound("account", "accounts/" + id);
  return std::move(*a);
}

absl::Status CheckCanChange(const Principal& who, const v1::Account& account, ClerkMay clerk) {
  switch (who.role) {
    case Role::kManager:
    case Role::kService:  // Services act for the hotel; the RPC's role list limits what they may call.
      return absl::OkStatus();
    case Role::kKeyAccountManager:
      if (account.owner() == who.subject) return absl::OkStatus();
      return PermissionDenied(absl::StrCat("a key account manager changes only the accounts they own; ", account.name(),
                                           " is owned by ", account.owner().empty() ? "nobody" : account.owner()));
    case Role::kClerk:
      if (clerk == ClerkMay::kYes) return absl::OkStatus();
      return PermissionDenied("a clerk maintains archive fields and contacts only");
    default:
      return PermissionDenied(absl::StrCat("role ", std::string(RoleName(who.role)), " may not change accounts"));
  }
}

absl::Status CheckActive(const v1::Account& account) {
  if (account.state() == v1::Account::ARCHIVED) {
    return FailedPrecondition("ACCOUNT_ARCHIVED", absl::StrCat(account.name(), " is archived: unarchive it first"),
                              {{"account", account.name()}});
  }
  return absl::OkStatus();
}

absl::Status AppendActivity(ClientsTx& tx, const Principal& who, const std::string& account_id, v1::Activity::Type type,
                            std::string summary, std::string detail, std::string subject, absl::Time now) {
  return tx.PutChild(
      ActivityRecord(who, account_id, type, std::move(summary), std::move(detail), std::move(subject), now));
}

ChildRecord ActivityRecord(const Principal& who, const std::string& account_id, v1::Activity::Type type,
                           std::string summary, std::string detail, std::string subject, absl::Time now) {
  v1::Activity act;
  act.set_name(absl::StrCat("accounts/", account_id, "/activities/", NewId(now)));
  act.set_type(type);
  act.set_summary(std::move(summary));
  act.set_detail(std::move(detail));
  act.set_subject(std::move(subject));
  *act.mutable_occur_time() = ToProto(now);
  *act.mutable_create_time() = ToProto(now);
  act.set_actor(who.subject);
  act.set_actor_display_name(who.display_name);
  ChildRecord rec;
  rec.name = act.name();
  rec.kind = kActivity;
  rec.account_id = account_id;
  rec.category = type;
  rec.person = who.subject;
  rec.sort_key = absl::ToUnixMicros(now);
  rec.data = act.SerializeAsString();
  return rec;
}

}  // namespace atrium::clients::internal
