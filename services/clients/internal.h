// Helpers shared by the Archive's parts: role sets, account access rules,
// validation of common field shapes, audit stamps, children (de)serialisation
// and keyset pagination. Not part of the service's API.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "atrium/clients/v1/clients.pb.h"
#include "common/audit.h"
#include "common/auth.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/page_token.h"
#include "common/request_ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "services/clients/aging.h"
#include "services/clients/store.h"

namespace atrium::clients::internal {

// Who may read the archive: staff, departments and services.
inline constexpr std::initializer_list<Role> kReaders = {Role::kManager,  Role::kKeyAccountManager, Role::kClerk,
                                                         Role::kGmOffice, Role::kDepartment,        Role::kService};
inline constexpr std::initializer_list<Role> kStaff = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                       Role::kGmOffice};

// Text field rule: valid UTF-8, at most `max` characters, no control
// characters (newlines and tabs allowed when `multiline`), required if asked.
// CheckText: common/text.h.
absl::Status CheckPhone(std::string_view value, std::string_view field);
absl::Status CheckEmail(std::string_view value, std::string_view field);

// When an etag is given it must equal the current one (ABORTED otherwise).
absl::Status CheckEtag(std::string_view given, std::string_view current, std::string_view name);

// "accounts/{id}" -> id, or INVALID_ARGUMENT on `field`.
absl::StatusOr<std::string> AccountIdOf(std::string_view name, std::string_view field, bool allow_wildcard = false);
// "accounts/{a}/{collection}/{id}" -> account id.
absl::StatusOr<std::string> ChildAccountIdOf(std::string_view name, std::string_view collection,
                                             std::string_view field);

// Loads an account or NOT_FOUND.
absl::StatusOr<v1::Account> MustGetAccount(ClientsTx& tx, const std::string& id);

enum class ClerkMay { kNo, kYes };
// The account-level write rule: a manager always; a KAM on accounts they
// own; a clerk where `clerk` says so. PERMISSION_DENIED names `rule`.
absl::Status CheckCanChange(const Principal& who, const v1::Account& account, ClerkMay clerk);
// A write to anything under an archived account is refused.
absl::Status CheckActive(const v1::Account& account);

// The ledger (receivables.cc): days since the epoch of a date, an amount of
// the book's currency (CNY), and an entry as the aging reads it.
int64_t DayNumber(const type::v1::Date& d);
type::v1::Money Cny(int64_t amount);
LedgerLine ToLine(const v1::LedgerEntry& e);

// The KAM a new account of `segment` and `kind` goes to: the segment's
// owner for that kind, else for every kind, else "" (segments.cc).
absl::StatusOr<std::string> SegmentOwnerOf(ClientsTx& tx, const std::string& segment, int kind);

// Appends one entry to the account's sales-process record.
// The activity record AppendActivity stores, built without a transaction.
ChildRecord ActivityRecord(const Principal& who, const std::string& account_id, v1::Activity::Type type,
                           std::string summary, std::string detail, std::string subject, absl::Time now);
absl::Status AppendActivity(ClientsTx& tx, const Principal& who, const std::string& account_id, v1::Activity::Type type,
                            std::string summary, std::string detail, std::string subject, absl::Time now);

template <typename T>
absl::StatusOr<T> Unpack(const ChildRecord& record) {
  T message;
  if (!message.ParseFromString(record.data)) return absl::DataLossError("stored record does not parse");
  return message;
}

// Loads a child of `kind` by name, or NOT_FOUND naming `type`.
template <typename T>
absl::StatusOr<std::pair<T, ChildRecord>> MustGetChild(ClientsTx& tx, const std::string& name, std::string_view kind,
                                                       std::string_view type) {
  auto rec = tx.GetChild(name);
  if (!rec.ok()) return rec.status();
  if (!*rec || (*rec)->kind != kind) return NotFound(type, name);
  auto msg = Unpack<T>(**rec);
  if (!msg.ok()) return msg.status();
  return std::make_pair(std::move(*msg), std::move(**rec));
}

// Runs a keyset-paginated child query. `fingerprint` is the canonical form of
// the query (parent and filters) that the page token is bound to.
template <typename T>
absl::StatusOr<std::pair<std::vector<T>, std::string>> ListPage(ClientsTx& tx, const PageTokens& tokens,
                                                                ChildQuery query, int page_size,
                                                                const std::string& page_token,
                                                                const std::string& fingerprint) {
  auto size = ClampPageSize(page_size);
  if (!size.ok()) return size.status();
  ASSIGN_OR_RETURN(query.after, tokens.DecodeAfter(page_token, fingerprint));
  query.limit = *size + 1;
  auto rows = tx.ListChildren(query);
  if (!rows.ok()) return rows.status();
  std::vector<T> items;
  std::string next;
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < *size; ++i) {
    auto item = Unpack<T>((*rows)[i]);
    if (!item.ok()) return item.status();
    items.push_back(std::move(*item));
  }
  if (static_cast<int>(rows->size()) > *size) {
    const ChildRecord& last = (*rows)[*size - 1];
    next = tokens.EncodeAfter(fingerprint, last.sort_key, last.name);
  }
  return std::make_pair(std::move(items), std::move(next));
}

// What CreateChild needs to know about one kind of sub-resource.
struct ChildSpec {
  std::string_view method;      // for idempotency keys, e.g. "CreateContact"
  std::string_view collection;  // e.g. "contacts"
  const char* kind;             // e.g. kContact
  std::string_view type;        // e.g. "contact", for NOT_FOUND
  ClerkMay clerk = ClerkMay::kYes;
  bool require_active = true;  // refuse under an archived account
};

// The common body of every Create of a sub-resource: parent and request_id
// checks, the account's write rule, idempotency (`key`, from RequestKeyOf:
// looked up once the write rule allowed the call), naming and storing.
// `prepare` completes the resource once its name is set (audit, state, ...)
// and may refuse; `to_record` gives the stored form.
template <typename T>
absl::StatusOr<T> CreateChild(ClientsStore* store, const Principal& who, const std::string& parent,
                              const absl::StatusOr<std::optional<RequestKey>>& key, const ChildSpec& spec, T resource,
                              absl::Time now,
                              const std::function<absl::Status(ClientsTx&, const v1::Account&, T&)>& prepare,
                              const std::function<ChildRecord(const T&, const std::string&)>& to_record) {
  auto account_id = AccountIdOf(parent, "parent");
  if (!account_id.ok()) return account_id.status();
  if (!key.ok()) return key.status();
  absl::StatusOr<T> result;
  absl::Status status = store->Write([&](ClientsTx& tx) -> absl::Status {
    auto account = MustGetAccount(tx, *account_id);
    if (!account.ok()) return account.status();
    if (auto s = CheckCanChange(who, *account, spec.clerk); !s.ok()) return s;
    if (spec.require_active) {
      if (auto s = CheckActive(*account); !s.ok()) return s;
    }
    auto prior = OriginalOf(tx, *key);
    if (!prior.ok()) return prior.status();
    if (*prior) {
      auto existing = MustGetChild<T>(tx, **prior, spec.kind, spec.type);
      if (!existing.ok()) return existing.status();
      result = std::move(existing->first);
      return absl::OkStatus();
    }
    resource.set_name(absl::StrCat(parent, "/", std::string(spec.collection), "/", NewId(now)));
    if (auto s = prepare(tx, *account, resource); !s.ok()) return s;
    if (auto s = tx.PutChild(to_record(resource, *account_id)); !s.ok()) return s;
    if (auto s = RememberOriginal(tx, *key, resource.name(), now); !s.ok()) return s;
    result = resource;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

// Loads one child for reading, or NOT_FOUND / INVALID_ARGUMENT.
template <typename T>
absl::StatusOr<T> ReadChild(ClientsStore* store, const std::string& name, std::string_view collection, const char* kind,
                            std::string_view type) {
  if (auto id = ChildAccountIdOf(name, collection, "name"); !id.ok()) return id.status();
  absl::StatusOr<T> result;
  absl::Status status = store->Read([&](ClientsTx& tx) -> absl::Status {
    auto c = MustGetChild<T>(tx, name, kind, type);
    if (!c.ok()) return c.status();
    result = std::move(c->first);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

// The common body of a state change on a sub-resource: load account and
// child, apply the account write rule and the etag, let `change` modify the
// resource (or refuse), store it with a fresh record from `to_record`.
template <typename T>
absl::StatusOr<T> ChangeChild(ClientsStore* store, const Principal& who, const std::string& name,
                              const std::string& etag, std::string_view collection, const char* kind,
                              std::string_view type, ClerkMay clerk,
                              const std::function<absl::Status(ClientsTx&, const v1::Account&, T&)>& change,
                              const std::function<ChildRecord(const T&, const std::string&)>& to_record) {
  auto account_id = ChildAccountIdOf(name, collection, "name");
  if (!account_id.ok()) return account_id.status();
  absl::StatusOr<T> result;
  absl::Status status = store->Write([&](ClientsTx& tx) -> absl::Status {
    auto account = MustGetAccount(tx, *account_id);
    if (!account.ok()) return account.status();
    auto current = MustGetChild<T>(tx, name, kind, type);
    if (!current.ok()) return current.status();
    if (auto s = CheckCanChange(who, *account, clerk); !s.ok()) return s;
    if (auto s = CheckEtag(etag, current->first.etag(), name); !s.ok()) return s;
    T updated = current->first;
    if (auto s = change(tx, *account, updated); !s.ok()) return s;
    updated.set_etag(NewEtag());
    if (auto s = tx.PutChild(to_record(updated, *account_id)); !s.ok()) return s;
    result = std::move(updated);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace atrium::clients::internal
