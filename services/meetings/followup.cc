// The follow-up (FollowUp): the meeting from the guests' arrival on: full
// tracking (全程跟踪), settlement of the bill, the guests' preferences, and
// today's view (当日客情).
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "atrium/clients/v1/clients.pb.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/trace.h"
#include "common/validate.h"
#include "services/meetings/group.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"
#include "services/meetings/notice.h"

namespace atrium::meetings {
namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Meeting;
using v1::Settlement;
using v1::TrackingEntry;

constexpr char kTrackingKind[] = "tracking";
constexpr char kSettlementKind[] = "settlement";
constexpr char kCreateTrackingEntry[] = "CreateTrackingEntry";
constexpr v1::ChargeCategory kCategories[] = {v1::ROOMS, v1::FNB, v1::VENUE, v1::AV, v1::EXTRAS};

std::string Yuan(int64_t minor) {
  return absl::StrFormat("%s%lld.%02lld", minor < 0 ? "-" : "", static_cast<long long>(std::llabs(minor) / 100),
                         static_cast<long long>(std::llabs(minor) % 100));
}

// The finance department settles too; other departments do not.
absl::Status RequireBiller(const Principal& who, const char* rule) {
  if (who.IsDepartment("finance")) return absl::OkStatus();
  return who.Require(kHandlers, rule);
}

absl::StatusOr<std::vector<TrackingEntry>> AllTracking(MeetingsTx& tx, const std::string& meeting_name) {
  return AllAs<TrackingEntry>(tx, kTrackingKind, meeting_name);
}

const char* KindName(TrackingEntry::Kind k) {
  switch (k) {
    case TrackingEntry::FEEDBACK: return "feedback";
    case TrackingEntry::INCIDENT: return "incident";
    case TrackingEntry::EXTRA_SERVICE: return "extra service sold";
    default: return "tracking";
  }
}

// The instalments overdue on `day` of every meeting in hand (a KAM's own),
// oldest due first, at most kMaxOverdueShown.
constexpr int kMaxOverdueShown = 500;
absl::StatusOr<std::vector<v1::TodayView::OverdueInstalment>> OverdueInstalments(const Context& ctx, MeetingsTx& tx,
                                                                                 const Principal& who,
                                                                                 absl::CivilDay day) {
  ASSIGN_OR_RETURN(auto in_hand, SchedulesInHand(ctx, tx, day, DayKey(day)));
  std::vector<v1::TodayView::OverdueInstalment> out;
  for (const auto& [m, schedule] : in_hand) {
    if (who.Is(Role::kKeyAccountManager) && m.owner() != who.subject) continue;
    for (const auto& in : schedule) {
      if (in.state() != v1::InstalmentStatus::OVERDUE) continue;
      auto& o = out.emplace_back();
      o.set_meeting(m.name());
      o.set_title(m.title());
      o.set_owner(m.owner());
      *o.mutable_instalment() = in;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return DateKey(x.instalment().due_date()) < DateKey(y.instalment().due_date());
  });
  if (out.size() > static_cast<size_t>(kMaxOverdueShown)) out.resize(kMaxOverdueShown);
  return out;
}

}  // namespace

absl::StatusOr<TrackingEntry> FollowUp::CreateTrackingEntry(const Principal& who,
                                                            const v1::CreateTrackingEntryRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kDepartment},
                              "tracking is recorded by the manager, key account managers, clerks and departments"));
  ASSIGN_OR_RETURN(auto id, MeetingIdOf(req.parent(), "parent"));
  ASSIGN_OR_RETURN(auto key, RequestKeyOf(kCreateTrackingEntry, who, req, req.request_id()));
  TrackingEntry e = req.tracking_entry();
  if (e.kind() == TrackingEntry::KIND_UNSPECIFIED || !TrackingEntry::Kind_IsValid(e.kind())) {
    return InvalidArgument("tracking_entry.kind", "must be FEEDBACK, INCIDENT or EXTRA_SERVICE");
  }
  if (e.aspect() == TrackingEntry::ASPECT_UNSPECIFIED || !TrackingEntry::Aspect_IsValid(e.aspect())) {
    return InvalidArgument("tracking_entry.aspect", "must be GUEST_ROOMS, VENUE, CATERING or OTHER");
  }
  RETURN_IF_ERROR(CheckText(e.description(), "tracking_entry.description", 2000, true, true));
  RETURN_IF_ERROR(CheckText(e.action_taken(), "tracking_entry.action_taken", 2000, false, true));
  if (e.kind() == TrackingEntry::EXTRA_SERVICE) {
    if (!e.has_charge()) return InvalidArgument("tracking_entry.charge", "is required for an extra service");
    RETURN_IF_ERROR(ValidateAmount(e.charge(), "tracking_entry.charge", false));
    e.mutable_charge()->set_currency_code("CNY");
  } else if (e.has_charge()) {
    return InvalidArgument("tracking_entry.charge", "only an extra service carries a charge");
  }
  if (e.has_occur_time()) {
    RETURN_IF_ERROR(CheckTimestamp(e.occur_time(), "tracking_entry.occur_time"));
  }
  const absl::Time now = ctx_.clock->Now();
  if (!e.has_occur_time()) *e.mutable_occur_time() = ToProto(now);
  e.set_name(absl::StrCat(req.parent(), "/trackingEntries/", NewId(now)));
  *e.mutable_audit() = NewAudit(who, now);
  return ctx_.store->Write<TrackingEntry>([&](MeetingsTx& tx) -> absl::StatusOr<TrackingEntry> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    ASSIGN_OR_RETURN(auto prior, OriginalOf(tx, key));
    if (prior) {
      auto existing = GetAs<TrackingEntry>(tx, *prior);
      if (!existing.ok()) return existing.status();
      if (!*existing) return NotFound("tracking entry", *prior);
      return std::move(**existing);
    }
    RETURN_IF_ERROR(RememberOriginal(tx, key, e.name(), now));
    if (m.state() != Meeting::PREPARED && m.state() != Meeting::IN_PROGRESS && m.state() != Meeting::COMPLETED) {
      return WrongState(m, "tracking runs from the guests' arrival to the end of the meeting");
    }
    RETURN_IF_ERROR(tx.PutRecord(
        Record{e.name(), kTrackingKind, req.parent(), "", absl::ToUnixMicros(now), e.SerializeAsString()}));
    // The extras sold count in the bill: refused if they pass its bound.
    if (e.kind() == TrackingEntry::EXTRA_SERVICE) {
      if (auto bill = LoadSettlement(tx, m); !bill.ok()) {
        if (bill.status().code() != absl::StatusCode::kInvalidArgument) return bill.status();
        return InvalidArgument("tracking_entry.charge", "takes the bill beyond the largest amount, 10^15 fen");
      }
    }
    std::string detail = e.description();
    if (!e.action_taken().empty()) absl::StrAppend(&detail, "\nDone: ", e.action_taken());
    if (e.has_charge()) absl::StrAppend(&detail, "\nCharge: ", Yuan(e.charge().amount_minor()), " CNY");
    RETURN_IF_ERROR(RecordActivity(tx, m, e.name(), KindName(e.kind()), detail, who, now));
    return e;
  });
}

absl::StatusOr<v1::ListTrackingEntriesResponse> FollowUp::ListTrackingEntries(
    const Principal& who, const v1::ListTrackingEntriesRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "tracking is read by staff, departments and services"));
  v1::ListTrackingEntriesResponse out;
  auto next =
      ListMeetingRecords(*ctx_.store, ctx_.page_tokens, kTrackingKind, req.parent(), req.page_size(), req.page_token(),
                         [&](const std::string& data) { return out.add_tracking_entries()->ParseFromString(data); });
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<Settlement> FollowUp::LoadSettlement(MeetingsTx& tx, const Meeting& m) {
  const std::string name = absl::StrCat(m.name(), "/settlement");
  auto stored = GetAs<Settlement>(tx, name);
  if (!stored.ok()) return stored.status();
  Settlement s = *stored ? std::move(**stored) : Settlement();
  s.set_name(name);
  if (s.review() == Settlement::REVIEW_UNSPECIFIED) s.set_review(Settlement::PENDING);
  std::map<int, int64_t> agreed;
  std::optional<v1::Agreement> agreement;
  if (m.agreement_version() > 0) {
    ASSIGN_OR_RETURN(agreement,
                     GetAs<v1::Agreement>(tx, absl::StrCat(m.name(), "/agreements/", m.agreement_version())));
    if (agreement) {
      for (const auto& line : agreement->prices()) {
        ASSIGN_OR_RETURN(auto sum,
                         AddAmounts(agreed[line.category()], line.amount().amount_minor(), "settlement.lines.agreed"));
        agreed[line.category()] = sum;
      }
    }
  }
  ASSIGN_OR_RETURN(auto tracking, AllTracking(tx, m.name()));
  for (const auto& e : tracking) {
    if (e.kind() != TrackingEntry::EXTRA_SERVICE) continue;
    ASSIGN_OR_RETURN(auto sum, AddAmounts(agreed[v1::EXTRAS], e.charge().amount_minor(), "settlement.lines.agreed"));
    agreed[v1::EXTRAS] = sum;
  }
  std::map<int, v1::SettlementLine> before;
  for (const auto& line : s.lines()) before[line.category()] = line;
  s.clear_lines();
  int64_t agreed_total = 0, actual_total = 0, paid = 0;
  for (v1::ChargeCategory c : kCategories) {
    v1::SettlementLine* line = s.add_lines();
    auto it = before.find(c);
    if (it != before.end()) *line = it->second;
    line->set_category(c);
    *line->mutable_agreed() = Cny(agreed[c]);
    // Every sum is checked: a bill never shows a wrapped number.
    if (line->charged()) {
      ASSIGN_OR_RETURN(auto difference,
                       SubtractAmounts(line->actual().amount_minor(), agreed[c], "settlement.lines.difference"));
      *line->mutable_difference() = Cny(difference);
      ASSIGN_OR_RETURN(auto sum, AddAmounts(actual_total, line->actual().amount_minor(), "settlement.actual_total"));
      actual_total = sum;
    } else {
      line->clear_actual();
      line->clear_difference();
    }
    ASSIGN_OR_RETURN(auto sum, AddAmounts(agreed_total, agreed[c], "settlement.agreed_total"));
    agreed_total = sum;
  }
  // The attrition charge: from the completed meeting's pickup, fixed once
  // settled; a waiver stands.
  if (m.state() == Meeting::COMPLETED) {
    std::optional<v1::Attrition> attrition;
    if (agreement) {
      ASSIGN_OR_RETURN(auto block, GetAs<v1::RoomBlock>(tx, absl::StrCat(m.name(), "/block")));
      if (block) {
        ASSIGN_OR_RETURN(attrition, AttritionOf(agreement->block_terms(), *block));
      }
    }
    if (attrition && s.attrition().waived()) {
      attrition->set_waived(true);
      attrition->set_waiver(s.attrition().waiver());
      attrition->set_waive_reason(s.attrition().waive_reason());
      *attrition->mutable_waive_time() = s.attrition().waive_time();
    }
    if (attrition) {
      *s.mutable_attrition() = std::move(*attrition);
    } else {
      s.clear_attrition();
    }
  } else if (m.state() != Meeting::SETTLED) {
    s.clear_attrition();
  }
  if (s.has_attrition() && !s.attrition().waived()) {
    ASSIGN_OR_RETURN(auto sum,
                     AddAmounts(actual_total, s.attrition().amount().amount_minor(), "settlement.actual_total"));
    actual_total = sum;
  }
  for (const auto& p : s.payments()) {
    ASSIGN_OR_RETURN(auto sum, AddAmounts(paid, p.amount().amount_minor(), "settlement.paid"));
    paid = sum;
  }
  s.clear_schedule();
  if (agreement) {
    for (auto& in : ScheduleOf(*agreement, s.payments(), absl::ToCivilDay(ctx_.clock->Now(), ctx_.policy.zone),
                               ctx_.policy.zone)) {
      *s.add_schedule() = std::move(in);
    }
  }
  ASSIGN_OR_RETURN(auto balance, SubtractAmounts(actual_total, paid, "settlement.balance"));
  *s.mutable_agreed_total() = Cny(agreed_total);
  *s.mutable_actual_total() = Cny(actual_total);
  *s.mutable_paid() = Cny(paid);
  *s.mutable_balance() = Cny(balance);
  return s;
}

absl::StatusOr<Settlement> FollowUp::ChangeSettlement(
    const Principal& who, const std::string& name, std::initializer_list<Role>, const char* rule,
    const std::function<absl::Status(MeetingsTx&, Meeting&, Settlement&)>& fn) {
  RETURN_IF_ERROR(RequireBiller(who, rule));
  ASSIGN_OR_RETURN(auto id, SingletonOf(name, "settlement", "name"));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Settlement>([&](MeetingsTx& tx) -> absl::StatusOr<Settlement> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    auto s = LoadSettlement(tx, m);
    if (!s.ok()) return s.status();
    RETURN_IF_ERROR(fn(tx, m, *s));
    if (s->has_audit()) {
      Touch(s->mutable_audit(), who, now);
    } else {
      *s->mutable_audit() = NewAudit(who, now);
    }
    RETURN_IF_ERROR(tx.PutRecord(Record{s->name(), kSettlementKind, m.name(), "", 0, s->SerializeAsString()}));
    ASSIGN_OR_RETURN(auto reloaded, LoadSettlement(tx, m));
    return reloaded;
  });
}

absl::StatusOr<Settlement> FollowUp::GetSettlement(const Principal& who, const v1::GetSettlementRequest& req) {
  if (auto s = who.Require(kStaffAndService, "the bill is read by staff and services"); !s.ok()) {
    if (!who.IsDepartment("finance")) return s;
  }
  ASSIGN_OR_RETURN(auto id, SingletonOf(req.name(), "settlement", "name"));
  return ctx_.store->Read<Settlement>([&](MeetingsTx& tx) -> absl::StatusOr<Settlement> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    ASSIGN_OR_RETURN(auto s, LoadSettlement(tx, m));
    return s;
  });
}

absl::StatusOr<Settlement> FollowUp::RecordCharges(const Principal& who, const v1::RecordChargesRequest& req) {
  if (req.charges_size() == 0) return InvalidArgument("charges", "at least one charge is required");
  std::set<int> seen;
  for (int i = 0; i < req.charges_size(); ++i) {
    const auto& c = req.charges(i);
    const std::string f = absl::StrCat("charges[", i, "]");
    if (c.category() == v1::CHARGE_CATEGORY_UNSPECIFIED || !v1::ChargeCategory_IsValid(c.category())) {
      return InvalidArgument(f + ".category", "must be ROOMS, FNB, VENUE, AV or EXTRAS");
    }
    if (!seen.insert(c.category()).second) return InvalidArgument(f + ".category", "appears twice");
    RETURN_IF_ERROR(ValidateAmount(c.amount(), f + ".amount", true));
    RETURN_IF_ERROR(CheckText(c.explanation(), f + ".explanation", 500, false, true));
  }
  return ChangeSettlement(
      who, req.name(), {}, "charges are recorded by the manager, the key account manager and finance",
      [&](MeetingsTx&, Meeting& m, Settlement& s) -> absl::Status {
        if (m.state() != Meeting::COMPLETED) return WrongState(m, "charges are recorded once the meeting completed");
        for (int i = 0; i < req.charges_size(); ++i) {
          const auto& c = req.charges(i);
          auto* line = &*std::find_if(s.mutable_lines()->begin(), s.mutable_lines()->end(),
                                      [&](const v1::SettlementLine& l) { return l.category() == c.category(); });
          if (c.amount().amount_minor() != line->agreed().amount_minor() && c.explanation().empty()) {
            return InvalidArgument(absl::StrCat("charges[", i, "].explanation"),
                                   absl::StrCat("is required: the charge differs from the agreed ",
                                                Yuan(line->agreed().amount_minor()), " CNY"));
          }
          line->set_charged(true);
          *line->mutable_actual() = Cny(c.amount().amount_minor());
          line->set_explanation(c.explanation());
        }
        int64_t total = 0;
        for (const auto& line : s.lines()) {
          if (!line.charged()) continue;
          ASSIGN_OR_RETURN(auto sum, AddAmounts(total, line.actual().amount_minor(), "charges"));
          total = sum;
        }
        // The client reviews the bill as it now stands.
        s.set_review(Settlement::PENDING);
        s.clear_reviewer();
        s.clear_review_comment();
        return absl::OkStatus();
      });
}

absl::StatusOr<Settlement> FollowUp::RecordBillReview(const Principal& who, const v1::RecordBillReviewRequest& req) {
  // The client reviews the bill with the sales side; finance records the
  // charges and payments and settles, but does not speak for the client.
  RETURN_IF_ERROR(who.Require(kHandlers, "the client's review is recorded by the manager and the KAM"));
  RETURN_IF_ERROR(CheckText(req.reviewer(), "reviewer", 100, true));
  RETURN_IF_ERROR(CheckText(req.comment(), "comment", 1000, !req.accepted(), true));
  return ChangeSettlement(who, req.name(), {}, "the client's review is recorded by the manager and the KAM",
                          [&](MeetingsTx&, Meeting& m, Settlement& s) -> absl::Status {
                            if (m.state() != Meeting::COMPLETED) {
                              return WrongState(m, "the bill is reviewed once the meeting completed");
                            }
                            const bool any = std::any_of(s.lines().begin(), s.lines().end(),
                                                         [](const v1::SettlementLine& l) { return l.charged(); });
                            if (!any) return FailedPrecondition("CHARGES_MISSING", "no charges are recorded yet");
                            s.set_review(req.accepted() ? Settlement::ACCEPTED : Settlement::DISPUTED);
                            s.set_reviewer(req.reviewer());
                            s.set_review_comment(req.comment());
                            return absl::OkStatus();
                          });
}

absl::StatusOr<Settlement> FollowUp::RecordPayment(const Principal& who, const v1::RecordPaymentRequest& req) {
  const v1::Payment& p = req.payment();
  if (!p.has_amount()) return InvalidArgument("payment.amount", "is required");
  RETURN_IF_ERROR(ValidateAmount(p.amount(), "payment.amount", false));
  RETURN_IF_ERROR(CheckText(p.reference(), "payment.reference", 100, true));
  if (!p.has_date()) return InvalidArgument("payment.date", "is required");
  RETURN_IF_ERROR(CheckDate(p.date(), "payment.date"));
  return ChangeSettlement(
      who, req.name(), {}, "payments are recorded by the manager, the key account manager and finance",
      [&](MeetingsTx& tx, Meeting& m, Settlement& s) -> absl::Status {
        if (m.agreement_version() == 0 || IsClosed(m) || m.state() == Meeting::SETTLED) {
          return WrongState(m, "payments are recorded from the signed agreement until the bill is settled");
        }
        for (const auto& existing : s.payments()) {
          if (existing.reference() != p.reference()) continue;
          if (existing.amount().amount_minor() == p.amount().amount_minor()) return absl::OkStatus();
          return AlreadyExists("PAYMENT_REFERENCE_USED",
                               absl::StrCat("payment ", p.reference(), " was recorded with another amount"));
        }
        if (auto paid = AddAmounts(s.paid().amount_minor(), p.amount().amount_minor(), "payment.amount"); !paid.ok()) {
          return paid.status();
        }
        v1::Payment* added = s.add_payments();
        *added = p;
        added->mutable_amount()->set_currency_code("CNY");
        added->set_recorder(who.subject);
        // An instalment now paid is no longer reminded of.
        return PlanReminders(ctx_, tx, m, &s.payments(), ctx_.clock->Now());
      });
}

absl::StatusOr<Settlement> FollowUp::WaiveAttrition(const Principal& who, const v1::WaiveAttritionRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "attrition is waived by the manager"));
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true, true));
  const absl::Time now = ctx_.clock->Now();
  return ChangeSettlement(who, req.name(), {}, "attrition is waived by the manager",
                          [&](MeetingsTx&, Meeting& m, Settlement& s) -> absl::Status {
                            if (m.state() != Meeting::COMPLETED) {
                              return WrongState(m, "attrition is waived once the meeting completed");
                            }
                            if (!s.has_attrition() || s.attrition().amount().amount_minor() == 0) {
                              return FailedPrecondition("NO_ATTRITION", "the bill has no attrition charge");
                            }
                            if (s.attrition().waived()) {
                              return FailedPrecondition("ALREADY_WAIVED",
                                                        absl::StrCat("waived by ", s.attrition().waiver()));
                            }
                            auto* a = s.mutable_attrition();
                            a->set_waived(true);
                            a->set_waiver(who.subject);
                            a->set_waive_reason(req.reason());
                            *a->mutable_waive_time() = ToProto(now);
                            // The client reviews the bill as it now stands.
                            s.set_review(Settlement::PENDING);
                            s.clear_reviewer();
                            s.clear_review_comment();
                            return absl::OkStatus();
                          });
}

absl::StatusOr<Meeting> FollowUp::SettleMeeting(const Principal& who, const v1::SettleMeetingRequest& req) {
  RETURN_IF_ERROR(RequireBiller(who, "meetings are settled by the manager, the key account manager and finance"));
  ASSIGN_OR_RETURN(auto id, MeetingIdOf(req.name(), "name"));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Meeting>([&](MeetingsTx& tx) -> absl::StatusOr<Meeting> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    if (m.state() == Meeting::SETTLED) {  // a retry: the receivables were posted once
      return m;
    }
    if (!req.etag().empty() && req.etag() != m.etag()) return StaleEtag(req.name());
    if (m.state() != Meeting::COMPLETED) return WrongState(m, "it cannot become SETTLED");
    auto s = LoadSettlement(tx, m);
    if (!s.ok()) return s.status();
    std::vector<std::string> missing;
    for (const auto& line : s->lines()) {
      if (!line.charged() && line.agreed().amount_minor() != 0)
        missing.push_back(v1::ChargeCategory_Name(line.category()));
    }
    if (!missing.empty()) {
      return FailedPrecondition("CHARGES_MISSING",
                                absl::StrCat("no charges recorded for ", absl::StrJoin(missing, ", ")),
                                {{"categories", absl::StrJoin(missing, ",")}});
    }
    if (s->review() != Settlement::ACCEPTED) {
      return FailedPrecondition("BILL_NOT_ACCEPTED", absl::StrCat("the client has not accepted the bill (",
                                                                  Settlement::Review_Name(s->review()), ")"));
    }
    const int64_t balance = s->balance().amount_minor();
    if (balance != 0) {
      // The remainder goes to the account's receivables once: the reference
      // makes the ledger entry idempotent in the clients service.
      clients::v1::CreateLedgerEntryRequest ledger;
      ledger.set_parent(m.account());
      auto* e = ledger.mutable_entry();
      e->set_type(balance > 0 ? clients::v1::LedgerEntry::CHARGE : clients::v1::LedgerEntry::ADJUSTMENT);
      *e->mutable_amount() = Cny(balance);
      e->set_reference(s->name());
      e->set_description(absl::StrCat(m.title(), ": unpaid remainder of the bill"));
      *e->mutable_entry_date() = Today(now, ctx_.policy.zone);
      RETURN_IF_ERROR(QueueRequest(tx, OutboxEntry::kLedger, m, s->name(), ledger, now));
    }
    *m.mutable_actual_revenue() = RevenueOf(*s, m.revenue());
    *s->mutable_posted_to_receivables() = Cny(balance);
    *s->mutable_settle_time() = ToProto(now);
    Touch(s->mutable_audit(), who, now);
    RETURN_IF_ERROR(tx.PutRecord(Record{s->name(), kSettlementKind, m.name(), "", 0, s->SerializeAsString()}));
    std::string note = absl::StrCat("bill ", Yuan(s->actual_total().amount_minor()), " CNY, paid ",
                                    Yuan(s->paid().amount_minor()), ", to receivables ", Yuan(balance));
    if (s->has_attrition() && s->attrition().amount().amount_minor() > 0) {
      absl::StrAppend(&note, "; attrition ", Yuan(s->attrition().amount().amount_minor()),
                      s->attrition().waived() ? " CNY waived" : " CNY charged");
    }
    AddChange(m, Meeting::SETTLED, who, now, note);
    Touch(m.mutable_audit(), who, now);
    m.set_etag(NewEtag());
    RETURN_IF_ERROR(SaveMeeting(ctx_, tx, m, now));
    RETURN_IF_ERROR(PlanReminders(ctx_, tx, m, nullptr, now));
    RETURN_IF_ERROR(RecordActivity(tx, m, absl::StrCat(req.name(), "/history/", m.history_size()),
                                   "COMPLETED -> SETTLED", note, who, now));
    return m;
  });
}

absl::StatusOr<Meeting> FollowUp::RecordGuestPreferences(const Principal& who,
                                                         const v1::RecordGuestPreferencesRequest& req) {
  RETURN_IF_ERROR(who.Require(kHandlers, "guest preferences are recorded by the manager and the KAM"));
  ASSIGN_OR_RETURN(auto id, MeetingIdOf(req.name(), "name"));
  if (req.preferences_size() == 0) return InvalidArgument("preferences", "at least one preference is required");
  if (req.preferences_size() > 100) return InvalidArgument("preferences", "at most 100 at a time");
  std::vector<clients::v1::Preference::Category> categories;
  for (int i = 0; i < req.preferences_size(); ++i) {
    const auto& p = req.preferences(i);
    const std::string f = absl::StrCat("preferences[", i, "]");
    clients::v1::Preference::Category c = clients::v1::Preference::CATEGORY_UNSPECIFIED;
    if (!clients::v1::Preference::Category_Parse(p.category(), &c) ||
        c == clients::v1::Preference::CATEGORY_UNSPECIFIED) {
      return InvalidArgument(f + ".category", "must be ROOM, DIETARY, VENUE, SERVICE or OTHER");
    }
    categories.push_back(c);
    RETURN_IF_ERROR(CheckText(p.description(), f + ".description", 1000, true, true));
    RETURN_IF_ERROR(CheckText(p.guest_name(), f + ".guest_name", 100));
  }
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Meeting>([&](MeetingsTx& tx) -> absl::StatusOr<Meeting> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    if (m.state() != Meeting::COMPLETED && m.state() != Meeting::SETTLED) {
      return WrongState(m, "guest preferences are recorded after the meeting");
    }
    for (int i = 0; i < req.preferences_size(); ++i) {
      const int n = m.preferences_recorded() + 1;
      clients::v1::CreatePreferenceRequest pref;
      pref.set_parent(m.account());
      pref.set_request_id(absl::StrCat(m.name(), "/preferences/", n));
      auto* p = pref.mutable_preference();
      p->set_category(categories[i]);
      p->set_description(req.preferences(i).description());
      p->set_guest_name(req.preferences(i).guest_name());
      p->set_source_type(clients::v1::Preference::MEETING);
      p->set_source(m.name());
      RETURN_IF_ERROR(QueueRequest(tx, OutboxEntry::kPreference, m, pref.request_id(), pref, now));
      m.set_preferences_recorded(n);
    }
    Touch(m.mutable_audit(), who, now);
    m.set_etag(NewEtag());
    RETURN_IF_ERROR(SaveMeeting(ctx_, tx, m, now));
    return m;
  });
}

absl::StatusOr<v1::TodayView> FollowUp::GetTodayView(const Principal& who, const v1::GetTodayViewRequest& req) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kGmOffice, Role::kDepartment},
                  "today's view is read by staff and departments"));
  if (req.has_date()) {
    RETURN_IF_ERROR(CheckDate(req.date(), "date"));
  }
  const absl::Time now = ctx_.clock->Now();
  const type::v1::Date date = req.has_date() ? req.date() : Today(now, ctx_.policy.zone);
  const absl::CivilDay day = ToCivilDay(date);
  const absl::Time start = absl::FromCivil(day, ctx_.policy.zone);
  const absl::Time end = absl::FromCivil(day + 1, ctx_.policy.zone);
  v1::TodayView out;
  *out.mutable_date() = date;
  // Money is for staff and finance.
  const bool money = who.role != Role::kDepartment || who.IsDepartment("finance");
  std::vector<Meeting> meetings;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.MeetingsBetween(absl::ToUnixMicros(start), absl::ToUnixMicros(end)));
    for (Meeting& m : rows) {
      if (m.state() < Meeting::CONTRACTED || m.state() > Meeting::COMPLETED) continue;
      auto* t = out.add_meetings();
      t->set_meeting(m.name());
      t->set_title(m.title());
      t->set_account(m.account());
      t->set_owner(m.owner());
      t->set_state(m.state());
      t->set_attendees(m.expected_attendees());
      t->set_arriving(absl::ToCivilDay(FromProto(m.start_time()), ctx_.policy.zone) == day);
      t->set_departing(absl::ToCivilDay(FromProto(m.end_time()) - absl::Microseconds(1), ctx_.policy.zone) == day);
      auto a = GetAs<v1::Agreement>(tx, absl::StrCat(m.name(), "/agreements/", m.agreement_version()));
      if (!a.ok()) return a.status();
      if (*a) {
        for (const auto& g : (*a)->guests()) {
          if (g.vip()) *t->add_vips() = g;
        }
        if (money) {
          ASSIGN_OR_RETURN(auto s, GetAs<Settlement>(tx, absl::StrCat(m.name(), "/settlement")));
          const google::protobuf::RepeatedPtrField<v1::Payment> none;
          for (auto& in : ScheduleOf(**a, s ? s->payments() : none, day, ctx_.policy.zone)) {
            *t->add_schedule() = std::move(in);
          }
        }
      }
      const std::string meeting_id = m.name().substr(sizeof("meetings/") - 1);
      ASSIGN_OR_RETURN(auto bookings, tx.ListBookings(meeting_id, false, std::nullopt, 1000));
      for (auto& b : bookings) {
        if (FromProto(b.start_time()) < end && FromProto(b.end_time()) > start) *t->add_rooms() = std::move(b);
      }
      meetings.push_back(std::move(m));
    }
    if (!money) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto overdue, OverdueInstalments(ctx_, tx, who, day));
    for (auto& o : overdue) *out.add_overdue_instalments() = std::move(o);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // Signatures from the notifications service, on the caller's behalf.
  out.set_signatures_known(ctx_.notices != nullptr);
  for (int i = 0; i < out.meetings_size() && ctx_.notices != nullptr; ++i) {
    const Meeting& m = meetings[i];
    if (m.notice_revision() == 0) continue;
    auto board = ctx_.notices->Status(who, NoticeIdOf(m.name().substr(sizeof("meetings/") - 1)));
    if (!board.ok()) {
      out.set_signatures_known(false);
      break;
    }
    for (auto& d : UnsignedDepartments(m, *board, ctx_.policy.notice_departments)) {
      out.mutable_meetings(i)->add_unsigned_departments(std::move(d));
    }
  }
  return out;
}

}  // namespace atrium::meetings
