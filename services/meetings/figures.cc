// The sales figures: every write of a meeting keeps its fact, the changes
// of the definite business and the person's changes (SaveMeeting); the
// figures of SummarizeSales and the changes of ListMeetingChanges are read
// from them; meetings stored before the figures existed get theirs at
// start-up (FillSalesFacts).
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"

namespace atrium::meetings {
namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Meeting;
using v1::MeetingChange;

constexpr int kMaxMonths = 36;
constexpr absl::Duration kMaxChangeRange = absl::Hours(24 * 31);

ChangeRow RowOf(const Meeting& m, MeetingChange::Kind kind, const std::string& actor, absl::Time time,
                absl::TimeZone zone) {
  ChangeRow row;
  row.actor = actor;
  row.micros = absl::ToUnixMicros(time);
  row.kind = kind;
  row.owner = m.owner();
  row.segment = m.segment();
  row.month = MonthOf(time, zone);
  row.change.set_kind(kind);
  row.change.set_meeting(m.name());
  row.change.set_title(m.title());
  row.change.set_account(m.account());
  *row.change.mutable_time() = ToProto(time);
  row.change.set_actor(actor);
  return row;
}

// The rows of the moves in m's history from `first` on.
absl::Status AddMoves(MeetingsTx& tx, const Meeting& m, int first, absl::TimeZone zone) {
  for (int i = first; i < m.history_size(); ++i) {
    const auto& h = m.history(i);
    ChangeRow row = RowOf(m, MeetingChange::MOVED, h.actor(), FromProto(h.time()), zone);
    row.change.set_from(h.from());
    row.change.set_to(h.to());
    row.change.set_note(h.note());
    RETURN_IF_ERROR(tx.AddMeetingChange(row));
  }
  return absl::OkStatus();
}

absl::Status AddEnquiry(MeetingsTx& tx, const Meeting& m, absl::TimeZone zone) {
  ChangeRow row =
      RowOf(m, MeetingChange::ENQUIRY_RECORDED, m.audit().creator(), FromProto(m.audit().create_time()), zone);
  row.change.set_to(Meeting::ENQUIRY);
  return tx.AddMeetingChange(row);
}

// What a meeting stored before the figures is worth, from its records: the
// agreement in force, else (not yet signed) its latest draft; and its bill
// once settled.
absl::Status FillRevenue(MeetingsTx& tx, Meeting& m) {
  ASSIGN_OR_RETURN(auto versions, tx.ListRecords("agreement", m.name(), false, std::nullopt, 200));
  for (const Record& r : versions) {
    v1::Agreement a;
    if (!a.ParseFromString(r.data)) return absl::DataLossError(r.name + " cannot be read");
    if (a.version() == m.agreement_version() || (m.agreement_version() == 0 && a.state() == v1::Agreement::DRAFT)) {
      *m.mutable_revenue() = RevenueOf(a);
    }
  }
  if (m.state() == Meeting::SETTLED) {
    ASSIGN_OR_RETURN(auto bill, GetAs<v1::Settlement>(tx, m.name() + "/settlement"));
    if (bill) *m.mutable_actual_revenue() = RevenueOf(*bill, m.revenue());
  }
  if (m.state() == Meeting::LOST || m.state() == Meeting::CANCELLED) {
    *m.mutable_lost_value() = m.revenue().total();
  }
  return absl::OkStatus();
}

// Keyed (owner, segment, month); month 0 holds the undated pipeline.
using CellKey = std::tuple<std::string, std::string, int64_t>;

struct Count {
  int64_t meetings = 0;
  Amounts value;

  absl::Status Add(int64_t n, const Amounts& v) {
    meetings += n;
    return AddTo(value, v);
  }
  void To(v1::SalesCount* out) const {
    out->set_meetings(static_cast<int32_t>(meetings));
    *out->mutable_value() = RevenueOf(value);
  }
  bool empty() const { return meetings == 0 && value == Amounts{}; }
};

struct LostKey {
  int state;
  std::string reason;
  std::string competitor;
  auto operator<=>(const LostKey&) const = default;
};

struct CellFigures {
  Count definite, actualised, new_definite, cancelled, revalued_up, revalued_down, slipped;
  std::map<int, Count> pipeline;
  int64_t enquiries = 0, enquiries_contracted = 0, enquiries_lost = 0;
  std::map<LostKey, std::pair<int64_t, int64_t>> lost;  // (meetings, value)
  int64_t notice_revisions = 0;

  bool empty() const {
    return definite.empty() && actualised.empty() && new_definite.empty() && cancelled.empty() && revalued_up.empty() &&
           revalued_down.empty() && slipped.empty() && pipeline.empty() && enquiries == 0 &&
           enquiries_contracted == 0 && enquiries_lost == 0 && lost.empty() && notice_revisions == 0;
  }
};

}  // namespace

namespace internal {

absl::Status SaveMeeting(const Context& ctx, MeetingsTx& tx, const Meeting& m, absl::Time now) {
  const std::string id = m.name().substr(sizeof("meetings/") - 1);
  const absl::TimeZone zone = ctx.policy.zone;
  ASSIGN_OR_RETURN(auto before, tx.GetSalesFact(id));
  const SalesFact fact = FactOf(m, zone);
  RETURN_IF_ERROR(tx.PutMeeting(id, m));
  // Most writes (a check ticked, a preference recorded) change nothing the
  // figures keep.
  if (before && *before == fact) return absl::OkStatus();
  RETURN_IF_ERROR(tx.PutSalesFact(fact));
  for (const DefiniteChange& c : DefiniteChanges(before, fact)) {
    RETURN_IF_ERROR(tx.AddDefiniteChange(fact, c, absl::ToUnixMicros(now), MonthOf(now, zone)));
  }
  if (!before) RETURN_IF_ERROR(AddEnquiry(tx, m, zone));
  return AddMoves(tx, m, before ? before->history_size : 0, zone);
}

absl::Status RecordRevision(const Context& ctx, MeetingsTx& tx, const Meeting& m, const Principal& who, int revision,
                            absl::Time now) {
  ChangeRow row = RowOf(m, MeetingChange::NOTICE_REVISION, who.subject, now, ctx.policy.zone);
  row.revision = revision;
  row.change.set_revision(revision);
  row.change.set_from(m.state());
  row.change.set_to(m.state());
  return tx.AddMeetingChange(row);
}

}  // namespace internal

absl::StatusOr<int> Meetings::FillSalesFacts() {
  const absl::TimeZone zone = ctx_.policy.zone;
  int filled = 0;
  for (;;) {
    int batch = 0;
    RETURN_IF_ERROR(ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
      batch = 0;
      ASSIGN_OR_RETURN(auto rows, tx.db().Query("SELECT data FROM meetings WHERE NOT EXISTS"
                                                " (SELECT 1 FROM sales_facts f WHERE f.meeting_id = meetings.id)"
                                                " ORDER BY id LIMIT 200"));
      for (int i = 0; i < rows.size(); ++i) {
        Meeting m;
        if (!rows.Parse(i, 0, &m)) return absl::DataLossError("a stored meeting is corrupt");
        RETURN_IF_ERROR(FillRevenue(tx, m));
        RETURN_IF_ERROR(tx.PutMeeting(m.name().substr(sizeof("meetings/") - 1), m));
        const SalesFact fact = FactOf(m, zone);
        RETURN_IF_ERROR(tx.PutSalesFact(fact));
        // The definite business as it came and went, at the times of the
        // moves (at today's value: earlier versions' values are not kept
        // apart).
        bool definite = false;
        for (const auto& h : m.history()) {
          const absl::Time t = FromProto(h.time());
          if (!definite && IsDefinite(h.to())) {
            RETURN_IF_ERROR(tx.AddDefiniteChange(fact, {DefiniteChange::kNew, fact.event_month, 1, fact.value},
                                                 absl::ToUnixMicros(t), MonthOf(t, zone)));
            definite = true;
          } else if (definite && !IsDefinite(h.to())) {
            RETURN_IF_ERROR(
                tx.AddDefiniteChange(fact, {DefiniteChange::kCancelled, fact.event_month, -1, fact.value.Negated()},
                                     absl::ToUnixMicros(t), MonthOf(t, zone)));
            definite = false;
          }
        }
        RETURN_IF_ERROR(AddEnquiry(tx, m, zone));
        RETURN_IF_ERROR(AddMoves(tx, m, 0, zone));
        ++batch;
      }
      return absl::OkStatus();
    }));
    filled += batch;
    if (batch < 200) return filled;
  }
}

Figures::Figures(const Context& ctx) : ctx_(ctx) {}

namespace {

// The parts of a SalesSummary a read_mask asks for; all when it is empty.
struct SalesParts {
  bool definite = true, actualised = true, pipeline = true, new_definite = true, cancelled = true, revalued_up = true,
       revalued_down = true, slipped = true, enquiries = true, enquiries_contracted = true, enquiries_lost = true,
       lost = true, notice_revisions = true, top_accounts = true, instalments = true;
  bool changes() const { return new_definite || cancelled || revalued_up || revalued_down || slipped; }
  bool enquiry_figures() const { return enquiries || enquiries_contracted || enquiries_lost; }
};

absl::StatusOr<SalesParts> PartsOf(const google::protobuf::FieldMask& mask) {
  if (mask.paths_size() == 0) return SalesParts();
  static const auto* kParts = new std::map<std::string, bool SalesParts::*>{
      {"cells.definite", &SalesParts::definite},
      {"cells.actualised", &SalesParts::actualised},
      {"cells.pipeline", &SalesParts::pipeline},
      {"cells.new_definite", &SalesParts::new_definite},
      {"cells.cancelled", &SalesParts::cancelled},
      {"cells.revalued_up", &SalesParts::revalued_up},
      {"cells.revalued_down", &SalesParts::revalued_down},
      {"cells.slipped", &SalesParts::slipped},
      {"cells.enquiries", &SalesParts::enquiries},
      {"cells.enquiries_contracted", &SalesParts::enquiries_contracted},
      {"cells.enquiries_lost", &SalesParts::enquiries_lost},
      {"cells.lost", &SalesParts::lost},
      {"cells.notice_revisions", &SalesParts::notice_revisions},
      {"top_accounts", &SalesParts::top_accounts},
      {"instalments", &SalesParts::instalments},
  };
  SalesParts parts;
  for (const auto& [path, part] : *kParts) parts.*part = false;
  for (const std::string& path : mask.paths()) {
    if (path == "cells") {
      for (const auto& [name, part] : *kParts) parts.*part = parts.*part || absl::StartsWith(name, "cells.");
    } else if (auto it = kParts->find(path); it != kParts->end()) {
      parts.*(it->second) = true;
    } else if (path != "cells.owner" && path != "cells.segment" && path != "cells.month" && path != "as_of") {
      return InvalidArgument("read_mask", absl::StrCat("\"", Utf8Prefix(path, 100), "\" names no part of the summary"));
    }
  }
  return parts;
}

}  // namespace

absl::StatusOr<v1::SalesSummary> Figures::SummarizeSales(const Principal& who, const v1::SummarizeSalesRequest& req) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kKeyAccountManager, Role::kGmOffice, Role::kService, Role::kDepartment},
                  "sales figures are read by the manager, KAMs (their own), the GM office, the Rooms and "
                  "F&B departments and services"));
  if (who.Is(Role::kDepartment) && !who.IsDepartment("rooms") && !who.IsDepartment("fnb")) {
    return PermissionDenied("of the departments, Rooms and F&B read the sales figures");
  }
  RETURN_IF_ERROR(CheckStaffId(req.owner(), "owner", false));
  RETURN_IF_ERROR(CheckText(req.segment(), "segment", 100));
  if (who.Is(Role::kKeyAccountManager) && req.owner() != who.subject) {
    return PermissionDenied("a key account manager reads their own figures (owner must be the caller)");
  }
  ASSIGN_OR_RETURN(const MonthRange range, CheckMonthRange(req, kMaxMonths));
  const int64_t from = range.first.year() * 100 + range.first.month();
  const int64_t to = range.last.year() * 100 + range.last.month();
  const absl::Time now = ctx_.clock->Now();
  absl::Time as_of = now;
  if (req.has_as_of()) {
    RETURN_IF_ERROR(CheckTimestamp(req.as_of(), "as_of", EarliestTime(), now + absl::Microseconds(1)));
    as_of = FromProto(req.as_of());
  }
  if (req.top_accounts() < 0 || req.top_accounts() > 100) {
    return InvalidArgument("top_accounts", "must be between 0 and 100");
  }
  ASSIGN_OR_RETURN(const SalesParts parts, PartsOf(req.read_mask()));
  const int64_t as_of_micros = absl::ToUnixMicros(as_of);

  std::map<CellKey, CellFigures> cells;
  auto cell_of = [&cells](const std::string& owner, const std::string& segment, int64_t month) -> CellFigures& {
    return cells[CellKey(owner, segment, month)];
  };
  std::vector<AccountSum> top, top_settled;
  // What the schedules of each owner's meetings in hand still expect.
  struct Expected {
    int64_t due = 0, overdue = 0;
    int instalments_overdue = 0, meetings_overdue = 0;
  };
  std::map<std::string, Expected> expected;
  const ChangeQuery on_books{"event_month", from, to, as_of_micros, req.owner(), req.segment()};
  const FactQuery settled{"event_month", from, to, false, req.owner(), req.segment(), {Meeting::SETTLED}};
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    std::vector<DefiniteSum> books, made;
    if (parts.definite) {
      ASSIGN_OR_RETURN(books, tx.SumDefiniteChanges(on_books, false));
    }
    for (const DefiniteSum& d : books) {
      RETURN_IF_ERROR(cell_of(d.owner, d.segment, d.month).definite.Add(d.meetings, d.delta));
    }
    if (parts.changes()) {
      ASSIGN_OR_RETURN(
          made, tx.SumDefiniteChanges({"change_month", from, to, as_of_micros, req.owner(), req.segment()}, true));
    }
    for (const DefiniteSum& d : made) {
      CellFigures& cell = cell_of(d.owner, d.segment, d.month);
      switch (d.kind) {
        case DefiniteChange::kNew:
          if (parts.new_definite) RETURN_IF_ERROR(cell.new_definite.Add(d.changes, d.delta));
          break;
        case DefiniteChange::kCancelled:
          if (parts.cancelled) RETURN_IF_ERROR(cell.cancelled.Add(d.changes, d.delta.Negated()));
          break;
        case DefiniteChange::kRevalued:
          // Each measure's rise goes up and its fall down; a meeting is
          // counted where its total went.
          if (parts.revalued_up) RETURN_IF_ERROR(cell.revalued_up.Add(d.rising, d.rises));
          if (parts.revalued_down)
            RETURN_IF_ERROR(cell.revalued_down.Add(d.changes - d.rising, d.rises.Minus(d.delta)));
          break;
        case DefiniteChange::kSlippedOut:
          if (parts.slipped) RETURN_IF_ERROR(cell.slipped.Add(d.changes, d.delta.Negated()));
          break;
        default: break;  // slipped in: counted where it came to
      }
    }
    std::vector<FactSum> bills, open, enquiries, closed;
    if (parts.actualised) {
      ASSIGN_OR_RETURN(bills, tx.SumSalesFacts(FactGroup::kSettled, settled));
    }
    for (const FactSum& f : bills)
      RETURN_IF_ERROR(cell_of(f.owner, f.segment, f.month).actualised.Add(f.facts, f.value));
    if (parts.pipeline) {
      ASSIGN_OR_RETURN(open, tx.SumSalesFacts(FactGroup::kOpen, {"event_month",
                                                                 from,
                                                                 to,
                                                                 true,
                                                                 req.owner(),
                                                                 req.segment(),
                                                                 {Meeting::ENQUIRY, Meeting::SITE_VISIT,
                                                                  Meeting::NEGOTIATING, Meeting::INTENT}}));
    }
    for (const FactSum& f : open) {
      RETURN_IF_ERROR(cell_of(f.owner, f.segment, f.month).pipeline[f.state].Add(f.facts, f.value));
    }
    if (parts.enquiry_figures()) {
      ASSIGN_OR_RETURN(enquiries, tx.SumSalesFacts(FactGroup::kEnquiries,
                                                   {"create_month", from, to, false, req.owner(), req.segment(), {}}));
    }
    for (const FactSum& f : enquiries) {
      CellFigures& cell = cell_of(f.owner, f.segment, f.month);
      if (parts.enquiries) cell.enquiries += f.facts;
      if (parts.enquiries_contracted) cell.enquiries_contracted += f.contracted;
      if (parts.enquiries_lost) cell.enquiries_lost += f.lost;
    }
    if (parts.lost) {
      ASSIGN_OR_RETURN(
          closed,
          tx.SumSalesFacts(
              FactGroup::kClosed,
              {"close_month", from, to, false, req.owner(), req.segment(), {Meeting::LOST, Meeting::CANCELLED}}));
    }
    for (const FactSum& f : closed) {
      auto& lost = cell_of(f.owner, f.segment, f.month).lost[{f.state, f.lost_reason, f.competitor}];
      lost.first += f.facts;
      RETURN_IF_ERROR(AddToFigure(lost.second, f.lost_value));
    }
    if (parts.notice_revisions) {
      ASSIGN_OR_RETURN(auto revisions, tx.LaterRevisions(from, to, req.owner(), req.segment()));
      for (const auto& [key, n] : revisions) cells[key].notice_revisions += n;
    }
    if (parts.top_accounts && req.top_accounts() > 0) {
      ASSIGN_OR_RETURN(top, tx.TopDefiniteAccounts(on_books, req.top_accounts()));
      std::vector<std::string> names;
      for (const AccountSum& a : top) names.push_back(a.account);
      ASSIGN_OR_RETURN(top_settled, tx.SettledOfAccounts(settled, names));
    }
    if (parts.instalments) {
      ASSIGN_OR_RETURN(auto in_hand, SchedulesInHand(ctx_, tx, absl::ToCivilDay(now, ctx_.policy.zone), 0));
      for (const auto& [m, schedule] : in_hand) {
        if ((!req.owner().empty() && m.owner() != req.owner()) ||
            (!req.segment().empty() && m.segment() != req.segment())) {
          continue;
        }
        Expected& e = expected[m.owner()];
        bool late = false;
        for (const auto& in : schedule) {
          const int64_t unpaid = in.amount().amount_minor() - in.paid().amount_minor();
          if (in.state() == v1::InstalmentStatus::OVERDUE) {
            RETURN_IF_ERROR(AddToFigure(e.overdue, unpaid));
            ++e.instalments_overdue;
            late = true;
          } else if (in.state() == v1::InstalmentStatus::DUE) {
            RETURN_IF_ERROR(AddToFigure(e.due, unpaid));
          }
        }
        if (late) ++e.meetings_overdue;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  v1::SalesSummary out;
  *out.mutable_as_of() = ToProto(as_of);
  for (const auto& [key, c] : cells) {
    if (c.empty()) continue;  // e.g. business that came into a month and went again
    v1::SalesSummary::Cell* cell = out.add_cells();
    cell->set_owner(std::get<0>(key));
    cell->set_segment(std::get<1>(key));
    if (std::get<2>(key) != 0)
      *cell->mutable_month() = ToYearMonth(absl::CivilMonth(std::get<2>(key) / 100, std::get<2>(key) % 100));
    if (!c.definite.empty()) c.definite.To(cell->mutable_definite());
    if (!c.actualised.empty()) c.actualised.To(cell->mutable_actualised());
    for (const auto& [stage, n] : c.pipeline) {
      auto* s = cell->add_pipeline();
      s->set_stage(static_cast<Meeting::State>(stage));
      s->set_meetings(static_cast<int32_t>(n.meetings));
      *s->mutable_value() = RevenueOf(n.value);
    }
    if (!c.new_definite.empty()) c.new_definite.To(cell->mutable_new_definite());
    if (!c.cancelled.empty()) c.cancelled.To(cell->mutable_cancelled());
    if (!c.revalued_up.empty()) c.revalued_up.To(cell->mutable_revalued_up());
    if (!c.revalued_down.empty()) c.revalued_down.To(cell->mutable_revalued_down());
    if (!c.slipped.empty()) c.slipped.To(cell->mutable_slipped());
    cell->set_enquiries(static_cast<int32_t>(c.enquiries));
    cell->set_enquiries_contracted(static_cast<int32_t>(c.enquiries_contracted));
    cell->set_enquiries_lost(static_cast<int32_t>(c.enquiries_lost));
    for (const auto& [k, n] : c.lost) {
      auto* l = cell->add_lost();
      l->set_state(static_cast<Meeting::State>(k.state));
      l->set_lost_reason(k.reason);
      l->set_competitor(k.competitor);
      l->set_meetings(static_cast<int32_t>(n.first));
      *l->mutable_value() = Cny(n.second);
    }
    cell->set_notice_revisions(static_cast<int32_t>(c.notice_revisions));
  }
  for (const auto& [owner, e] : expected) {
    if (e.due == 0 && e.overdue == 0) continue;
    auto* o = out.add_instalments();
    o->set_owner(owner);
    *o->mutable_due() = Cny(e.due);
    *o->mutable_overdue() = Cny(e.overdue);
    o->set_overdue_instalments(e.instalments_overdue);
    o->set_meetings_overdue(e.meetings_overdue);
  }
  // The ranking, from the database: most definite business first, then by
  // name.
  std::map<std::string, Count> paid;
  for (const AccountSum& a : top_settled) RETURN_IF_ERROR(paid[a.account].Add(a.meetings, a.value));
  for (const AccountSum& a : top) {
    Count definite;
    RETURN_IF_ERROR(definite.Add(a.meetings, a.value));
    auto* t = out.add_top_accounts();
    t->set_account(a.account);
    definite.To(t->mutable_definite());
    paid[a.account].To(t->mutable_actualised());
  }
  return out;
}

absl::StatusOr<v1::ListMeetingChangesResponse> Figures::ListMeetingChanges(const Principal& who,
                                                                           const v1::ListMeetingChangesRequest& req) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kKeyAccountManager, Role::kGmOffice, Role::kService},
                  "changes to meetings are read by the manager, KAMs (their own), the GM office and services"));
  RETURN_IF_ERROR(CheckStaffId(req.actor(), "actor", true));
  if (who.Is(Role::kKeyAccountManager) && req.actor() != who.subject) {
    return PermissionDenied("a key account manager reads their own changes (actor must be the caller)");
  }
  const absl::Time latest = ctx_.clock->Now() + ctx_.policy.booking_horizon;
  if (!req.has_start_time()) return InvalidArgument("start_time", "is required");
  RETURN_IF_ERROR(CheckTimestamp(req.start_time(), "start_time", EarliestTime(), latest));
  if (!req.has_end_time()) return InvalidArgument("end_time", "is required");
  RETURN_IF_ERROR(CheckTimestamp(req.end_time(), "end_time", EarliestTime(), latest));
  const absl::Time start = FromProto(req.start_time()), end = FromProto(req.end_time());
  if (end <= start) return InvalidArgument("end_time", "must be after start_time");
  if (end - start > kMaxChangeRange) return InvalidArgument("end_time", "the range is at most 31 days");
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query =
      absl::StrCat("changes|", req.actor(), "|", absl::ToUnixMicros(start), "|", absl::ToUnixMicros(end));
  ASSIGN_OR_RETURN(auto after, ctx_.page_tokens.DecodeAfter(req.page_token(), query));
  std::optional<std::pair<int64_t, int64_t>> position;
  if (after) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(after->second, &id)) return InvalidArgument("page_token", "is not a token of this list");
    position = std::make_pair(after->first, id);
  }
  v1::ListMeetingChangesResponse out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows,
                     tx.ChangesBy(req.actor(), absl::ToUnixMicros(start), absl::ToUnixMicros(end), position, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& r : rows) *out.add_changes() = std::move(r.change);
    if (more)
      out.set_next_page_token(ctx_.page_tokens.EncodeAfter(query, rows.back().micros, absl::StrCat(rows.back().id)));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace atrium::meetings
