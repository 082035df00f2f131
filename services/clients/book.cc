// The figures of the book (SummarizeBook): per KAM, segment and month, the
// accounts created, the visits planned and what became of them, the
// payments collected and the complaints received and answered; and the
// receivables per KAM. Each is counted from the records themselves.
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/clients/aging.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers

constexpr int kMaxMonths = 36;

struct Figures {
  int64_t new_accounts = 0;
  int64_t visits_planned = 0, visits_done = 0, visits_done_on_time = 0, visits_cancelled = 0, visits_missed = 0;
  int64_t payments = 0;
  int64_t complaints = 0, complaints_answered_on_time = 0, complaints_overdue = 0;
};

template <typename T>
absl::StatusOr<T> Parsed(const BookRow& r) {
  T message;
  if (!message.ParseFromString(r.data)) return absl::DataLossError("a stored record does not parse");
  return message;
}

}  // namespace

absl::StatusOr<v1::BookSummary> Archive::SummarizeBook(const Principal& who, const v1::SummarizeBookRequest& req) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kKeyAccountManager, Role::kGmOffice, Role::kService, Role::kDepartment},
                  "the book's figures are read by the manager, KAMs (their own), the GM office, the "
                  "Rooms, F&B and finance departments and services"));
  if (who.Is(Role::kDepartment) && !who.IsDepartment("rooms") && !who.IsDepartment("fnb") &&
      !who.IsDepartment("finance")) {
    return PermissionDenied("of the departments, Rooms, F&B and finance read the book's figures");
  }
  RETURN_IF_ERROR(CheckStaffId(req.owner(), "owner", false));
  RETURN_IF_ERROR(CheckText(req.segment(), "segment", 100));
  if (who.Is(Role::kKeyAccountManager) && req.owner() != who.subject) {
    return PermissionDenied("a key account manager reads their own figures (owner must be the caller)");
  }
  ASSIGN_OR_RETURN(const MonthRange range, CheckMonthRange(req, kMaxMonths));
  const absl::CivilMonth first = range.first, last = range.last;
  if (req.has_as_of()) RETURN_IF_ERROR(CheckDate(req.as_of(), "as_of"));
  const type::v1::Date as_of = req.has_as_of() ? req.as_of() : Today(Now(), zone_);
  const absl::Time as_of_end = absl::FromCivil(ToCivilDay(as_of) + 1, zone_);
  const int64_t from_micros = absl::ToUnixMicros(absl::FromCivil(first, zone_));
  const int64_t to_micros = absl::ToUnixMicros(absl::FromCivil(last + 1, zone_)) - 1;
  auto day_of_micros = [&](int64_t micros) { return absl::ToCivilDay(absl::FromUnixMicros(micros), zone_); };
  auto month_of_day = [](absl::CivilDay d) { return d.year() * 100 + d.month(); };
  auto month_of_micros = [&](int64_t micros) { return month_of_day(day_of_micros(micros)); };

  using Key = std::tuple<std::string, std::string, int64_t>;
  std::map<Key, Figures> cells;
  struct Book {
    Aging aging;
    int64_t overdue_accounts = 0;
  };
  std::map<std::string, Book> books;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto accounts, tx.NewAccounts(from_micros, to_micros, req.owner(), req.segment()));
    for (const BookRow& r : accounts) ++cells[Key(r.owner, r.segment, month_of_micros(r.key))].new_accounts;

    ASSIGN_OR_RETURN(auto visits, tx.BookVisits(from_micros, to_micros, req.owner(), req.segment()));
    const int64_t as_of_end_micros = absl::ToUnixMicros(as_of_end);
    for (const BookRow& r : visits) {  // by visitor; the key is the planned time
      const absl::CivilDay planned = day_of_micros(r.key);
      Figures& f = cells[Key(r.owner, r.segment, month_of_day(planned))];
      ++f.visits_planned;
      switch (r.state) {
        case v1::Visit::DONE:
          ++f.visits_done;
          if (day_of_micros(r.done_micros) <= planned) ++f.visits_done_on_time;
          break;
        case v1::Visit::CANCELLED: ++f.visits_cancelled; break;
        default:
          if (r.key < as_of_end_micros) ++f.visits_missed;
          break;
      }
    }

    const int64_t first_day = first.year() * 10000 + first.month() * 100 + 1;
    const int64_t last_day = last.year() * 10000 + last.month() * 100 + 31;
    ASSIGN_OR_RETURN(auto payments, tx.BookPayments(first_day, last_day, req.owner(), req.segment()));
    for (const BookRow& r : payments) {  // stored negative: they lower what is owed
      RETURN_IF_ERROR(AddToFigure(cells[Key(r.owner, r.segment, r.key / 100)].payments, -r.amount));
    }

    ASSIGN_OR_RETURN(auto feedback, tx.BookChildren(kFeedback, from_micros, to_micros, req.owner(), req.segment()));
    for (const BookRow& r : feedback) {
      ASSIGN_OR_RETURN(auto fb, Parsed<v1::Feedback>(r));
      if (fb.kind() != v1::Feedback::COMPLAINT) continue;
      Figures& f = cells[Key(r.owner, r.segment, month_of_micros(r.key))];
      ++f.complaints;
      const absl::Time due = FromProto(fb.response_due_time());
      if (fb.has_answer_time()) {
        if (FromProto(fb.answer_time()) <= due) ++f.complaints_answered_on_time;
      } else if (due < as_of_end) {
        ++f.complaints_overdue;
      }
    }

    if (req.omit_receivables()) return absl::OkStatus();
    // Receivables: payments settle the charges of their own account only,
    // so each account is aged, then added to its owner's book.
    ASSIGN_OR_RETURN(auto ledger, tx.LedgerOfOwners(req.owner(), req.segment()));
    const int64_t as_of_day = DayNumber(as_of);
    const absl::CivilDay epoch(1970, 1, 1);
    for (const ClientsTx::AccountLedger& account : ledger) {
      std::vector<LedgerLine> lines;
      lines.reserve(account.entries.size());
      for (const auto& [day, amount] : account.entries) lines.push_back(LedgerLine{FromDayKey(day) - epoch, amount});
      const Aging aged = AgeAccount(std::move(lines), as_of_day);
      Book& book = books[account.owner];
      if (!book.aging.Add(aged)) return SumTooLarge();
      for (int64_t v : {book.aging.balance, book.aging.days_0_30, book.aging.days_31_60, book.aging.days_61_90,
                        book.aging.over_90, book.aging.unapplied_credit}) {
        if (v > kMaxAmountMinor || v < -kMaxAmountMinor) return SumTooLarge();
      }
      if (aged.days_61_90 + aged.over_90 > 0) ++book.overdue_accounts;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  v1::BookSummary out;
  *out.mutable_as_of() = as_of;
  for (const auto& [key, f] : cells) {
    auto* c = out.add_cells();
    c->set_owner(std::get<0>(key));
    c->set_segment(std::get<1>(key));
    c->mutable_month()->set_year(static_cast<int32_t>(std::get<2>(key) / 100));
    c->mutable_month()->set_month(static_cast<int32_t>(std::get<2>(key) % 100));
    c->set_new_accounts(static_cast<int32_t>(f.new_accounts));
    c->set_visits_planned(static_cast<int32_t>(f.visits_planned));
    c->set_visits_done(static_cast<int32_t>(f.visits_done));
    c->set_visits_done_on_time(static_cast<int32_t>(f.visits_done_on_time));
    c->set_visits_cancelled(static_cast<int32_t>(f.visits_cancelled));
    c->set_visits_missed(static_cast<int32_t>(f.visits_missed));
    *c->mutable_payments() = Cny(f.payments);
    c->set_complaints(static_cast<int32_t>(f.complaints));
    c->set_complaints_answered_on_time(static_cast<int32_t>(f.complaints_answered_on_time));
    c->set_complaints_overdue(static_cast<int32_t>(f.complaints_overdue));
  }
  for (const auto& [owner, book] : books) {
    auto* r = out.add_receivables();
    r->set_owner(owner);
    *r->mutable_balance() = Cny(book.aging.balance);
    *r->mutable_days_0_30() = Cny(book.aging.days_0_30);
    *r->mutable_days_31_60() = Cny(book.aging.days_31_60);
    *r->mutable_days_61_90() = Cny(book.aging.days_61_90);
    *r->mutable_over_90_days() = Cny(book.aging.over_90);
    *r->mutable_unapplied_credit() = Cny(book.aging.unapplied_credit);
    r->set_overdue_accounts(static_cast<int32_t>(book.overdue_accounts));
  }
  return out;
}

}  // namespace atrium::clients
