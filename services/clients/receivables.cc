// Receivables (应收账款): a ledger per account, posted by Finance and other
// services, idempotent by the poster's reference; balance and aging per
// account and for the whole book.
#include <map>

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/clients/aging.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::LedgerEntry;

constexpr char kBookCurrency[] = "CNY";

bool MayPost(const Principal& who) {
  return who.Is(Role::kManager) || who.Is(Role::kService) || who.IsDepartment("finance");
}

// Readers of the ledger: the manager, GM office, finance, services, and the
// KAM who owns the account.
absl::Status CheckLedgerReader(const Principal& who, const v1::Account* account) {
  if (who.Is(Role::kManager) || who.Is(Role::kGmOffice) || who.Is(Role::kService) || who.IsDepartment("finance")) {
    return absl::OkStatus();
  }
  if (who.Is(Role::kKeyAccountManager) && account != nullptr && account->owner() == who.subject) {
    return absl::OkStatus();
  }
  return PermissionDenied(
      "receivables are for the manager, the GM office, finance, services and the owning key account manager");
}

// Every ledger line and every sum aging forms stays within the bound of an
// amount: an account's charges together, and its credits together, are at
// most 10^15 fen; the entry that would pass either is refused.
absl::Status CheckAccountTotals(ClientsTx& tx, const std::string& account_id, const LedgerEntry& added) {
  int64_t debits = 0, credits = 0;
  auto count = [&](const LedgerEntry& e) -> absl::Status {
    const int64_t amount = ToLine(e).amount;
    auto sum = amount > 0 ? AddAmounts(debits, amount, "entry.amount.amount_minor")
                          : AddAmounts(credits, amount, "entry.amount.amount_minor");
    if (!sum.ok()) {
      return InvalidArgument("entry.amount.amount_minor",
                             "would take the account's charges or credits beyond 10^15 fen (10^13 CNY)");
    }
    (amount > 0 ? debits : credits) = *sum;
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(count(added));
  ChildQuery q;
  q.kind = kLedgerEntry;
  q.account_id = account_id;
  q.limit = 10000;
  for (;;) {
    ASSIGN_OR_RETURN(auto rows, tx.ListChildren(q));
    for (const auto& r : rows) {
      ASSIGN_OR_RETURN(auto e, Unpack<LedgerEntry>(r));
      RETURN_IF_ERROR(count(e));
    }
    if (static_cast<int>(rows.size()) < q.limit) break;
    q.after = std::make_pair(rows.back().sort_key, rows.back().name);
  }
  return absl::OkStatus();
}

bool SameEntry(const LedgerEntry& a, const LedgerEntry& b) {
  return a.type() == b.type() && a.amount().amount_minor() == b.amount().amount_minor() &&
         DateKey(a.entry_date()) == DateKey(b.entry_date());
}

}  // namespace

namespace internal {

int64_t DayNumber(const type::v1::Date& d) { return (ToCivilDay(d) - absl::CivilDay(1970, 1, 1)); }

type::v1::Money Cny(int64_t amount) {
  type::v1::Money m;
  m.set_currency_code(kBookCurrency);
  m.set_amount_minor(amount);
  return m;
}

LedgerLine ToLine(const LedgerEntry& e) {
  int64_t amount = e.amount().amount_minor();
  if (e.type() == LedgerEntry::PAYMENT) amount = -amount;
  return LedgerLine{DayNumber(e.entry_date()), amount};
}

}  // namespace internal

absl::StatusOr<LedgerEntry> Archive::CreateLedgerEntry(const Principal& who, const v1::CreateLedgerEntryRequest& req) {
  if (!MayPost(who)) return PermissionDenied("ledger entries are posted by finance, services and the manager");
  auto account_id = AccountIdOf(req.parent(), "parent");
  if (!account_id.ok()) return account_id.status();
  LedgerEntry e = req.entry();
  if (e.type() == LedgerEntry::TYPE_UNSPECIFIED || !LedgerEntry::Type_IsValid(e.type())) {
    return InvalidArgument("entry.type", "must be CHARGE, PAYMENT or ADJUSTMENT");
  }
  if (!e.has_amount()) return InvalidArgument("entry.amount", "is required");
  if (e.amount().currency_code().empty()) e.mutable_amount()->set_currency_code(kBookCurrency);
  if (e.amount().currency_code() != kBookCurrency) {
    return InvalidArgument("entry.amount.currency_code", "must be CNY, the currency the book is kept in");
  }
  const int64_t amount = e.amount().amount_minor();
  if (e.type() == LedgerEntry::ADJUSTMENT ? amount == 0 : amount <= 0) {
    return InvalidArgument("entry.amount.amount_minor",
                           e.type() == LedgerEntry::ADJUSTMENT ? "must not be zero" : "must be positive");
  }
  RETURN_IF_ERROR(CheckAmount(amount, "entry.amount.amount_minor"));
  RETURN_IF_ERROR(CheckText(e.reference(), "entry.reference", 100, true));
  RETURN_IF_ERROR(CheckText(e.description(), "entry.description", 500, false, true));
  if (!e.has_entry_date()) return InvalidArgument("entry.entry_date", "is required");
  RETURN_IF_ERROR(CheckDate(e.entry_date(), "entry.entry_date"));
  const absl::Time now = Now();
  return store_->Write<LedgerEntry>([&](ClientsTx& tx) -> absl::StatusOr<LedgerEntry> {
    if (auto a = MustGetAccount(tx, *account_id); !a.ok()) return a.status();
    ASSIGN_OR_RETURN(auto prior, tx.FindChildByReference(kLedgerEntry, *account_id, e.reference()));
    if (prior) {
      ASSIGN_OR_RETURN(auto stored, Unpack<LedgerEntry>(*prior));
      if (!SameEntry(stored, e)) {
        return AlreadyExists(
            "REFERENCE_REUSED",
            absl::StrCat("reference ", e.reference(), " was already posted as ", stored.name(), " with other values"),
            {{"existing_entry", stored.name()}});
      }
      return stored;
    }
    RETURN_IF_ERROR(CheckAccountTotals(tx, *account_id, e));
    e.set_name(absl::StrCat(req.parent(), "/ledgerEntries/", NewId(now)));
    e.set_poster(who.subject);
    *e.mutable_create_time() = ToProto(now);
    ChildRecord r;
    r.name = e.name();
    r.kind = kLedgerEntry;
    r.account_id = *account_id;
    r.state = e.type();
    r.reference = e.reference();
    r.sort_key = DateKey(e.entry_date());
    r.amount = ToLine(e).amount;
    r.data = e.SerializeAsString();
    RETURN_IF_ERROR(tx.PutChild(r));
    return e;
  });
}

absl::StatusOr<v1::ListLedgerEntriesResponse> Archive::ListLedgerEntries(const Principal& who,
                                                                         const v1::ListLedgerEntriesRequest& req) {
  auto account_id = AccountIdOf(req.parent(), "parent");
  if (!account_id.ok()) return account_id.status();
  v1::ListLedgerEntriesResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto account, MustGetAccount(tx, *account_id));
    RETURN_IF_ERROR(CheckLedgerReader(who, &account));
    ChildQuery q;
    q.kind = kLedgerEntry;
    q.account_id = *account_id;
    auto page = ListPage<LedgerEntry>(tx, tokens_, q, req.page_size(), req.page_token(), "ledger|" + req.parent());
    if (!page.ok()) return page.status();
    for (auto& e : page->first) *resp.add_entries() = std::move(e);
    resp.set_next_page_token(page->second);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

absl::StatusOr<v1::Receivables> Archive::GetReceivables(const Principal& who, const v1::GetReceivablesRequest& req) {
  auto parsed = ParseResourceName(req.name(), "accounts/{account|-}/receivables", "name");
  if (!parsed.ok()) return parsed.status();
  const std::string account_id = parsed->Id("account");
  if (req.has_as_of()) {
    RETURN_IF_ERROR(CheckDate(req.as_of(), "as_of"));
  }
  const type::v1::Date as_of = req.has_as_of() ? req.as_of() : Today(Now(), zone_);
  const int64_t as_of_day = DayNumber(as_of);
  Aging total;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    ChildQuery q;
    q.kind = kLedgerEntry;
    if (account_id == "-") {
      RETURN_IF_ERROR(CheckLedgerReader(who, nullptr));
    } else {
      ASSIGN_OR_RETURN(auto account, MustGetAccount(tx, account_id));
      RETURN_IF_ERROR(CheckLedgerReader(who, &account));
      q.account_id = account_id;
    }
    // Payments settle charges of their own account only, so age per account.
    std::map<std::string, std::vector<LedgerLine>> by_account;
    q.limit = 10000;
    for (;;) {
      ASSIGN_OR_RETURN(auto rows, tx.ListChildren(q));
      for (const auto& r : rows) {
        ASSIGN_OR_RETURN(auto e, Unpack<LedgerEntry>(r));
        by_account[r.account_id].push_back(ToLine(e));
      }
      if (static_cast<int>(rows.size()) < q.limit) break;
      q.after = std::make_pair(rows.back().sort_key, rows.back().name);
    }
    for (auto& [id, lines] : by_account) {
      if (!total.Add(AgeAccount(std::move(lines), as_of_day))) {
        return InvalidArgument("name", "the whole book's total is beyond int64 fen; read the receivables per account");
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  v1::Receivables out;
  out.set_name(req.name());
  *out.mutable_as_of() = as_of;
  *out.mutable_balance() = Cny(total.balance);
  *out.mutable_days_0_30() = Cny(total.days_0_30);
  *out.mutable_days_31_60() = Cny(total.days_31_60);
  *out.mutable_days_61_90() = Cny(total.days_61_90);
  *out.mutable_over_90_days() = Cny(total.over_90);
  *out.mutable_unapplied_credit() = Cny(total.unapplied_credit);
  return out;
}

}  // namespace atrium::clients
