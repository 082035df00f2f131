#include "services/inspections/inspections.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/audit.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/trace.h"
#include "common/validate.h"
#include "services/inspections/forwarder.h"
#include "services/inspections/schedule.h"

namespace atrium::inspections {
namespace {

using v1::CorrectiveAction;
using v1::Inspection;
using v1::InspectionPoint;

const std::initializer_list<Role> kReaders = {Role::kManager,  Role::kKeyAccountManager, Role::kClerk,
                                              Role::kGmOffice, Role::kInspector,         Role::kService};
const std::initializer_list<Role> kKeepers = {Role::kGmOffice, Role::kManager};
const std::initializer_list<Role> kInspectors = {Role::kInspector, Role::kGmOffice};
constexpr int kMaxRangeDays = 366;

absl::StatusOr<std::string> PointIdOf(const std::string& name, const std::string& field, bool wildcard = false) {
  auto ids = ParseName(name, {"points"}, field, wildcard);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<InspectionPoint> MustGetPoint(InspectionsTx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto p, tx.GetPoint(id));
  if (!p) return NotFound("inspection point", absl::StrCat("points/", id));
  return std::move(*p);
}

std::string DayString(absl::CivilDay d) { return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day()); }

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& s, const std::string& field) {
  absl::CivilDay day;
  if (s.size() != 10 || !absl::ParseCivilTime(s, &day) || DayString(day) != s) {
    return InvalidArgument(field, "the day must be YYYY-MM-DD");
  }
  return day;
}

absl::Status ValidatePoint(const InspectionPoint& p) {
  RETURN_IF_ERROR(CheckText(p.display_name(), "point.display_name", 100, true));
  ASSIGN_OR_RETURN(auto start, ParseClock(p.window_start(), "point.window_start"));
  ASSIGN_OR_RETURN(auto end, ParseClock(p.window_end(), "point.window_end"));
  if (end <= start) return InvalidArgument("point.window_end", "must be after window_start");
  if (p.items_size() == 0) return InvalidArgument("point.items", "at least one item is checked");
  if (p.items_size() > 50) return InvalidArgument("point.items", "at most 50 items");
  std::set<std::string> ids;
  for (int i = 0; i < p.items_size(); ++i) {
    const auto& item = p.items(i);
    const std::string f = absl::StrCat("point.items[", i, "]");
    if (!IsValidId(item.id())) return InvalidArgument(f + ".id", "must be 1 to 63 of a-z, 0-9 and '-'");
    if (!ids.insert(item.id()).second) return InvalidArgument(f + ".id", "appears twice");
    RETURN_IF_ERROR(CheckText(item.description(), f + ".description", 200, true));
    RETURN_IF_ERROR(CheckText(item.standard(), f + ".standard", 1000, false, true));
  }
  RETURN_IF_ERROR(CheckText(p.responsible(), "point.responsible", 100, true));
  RETURN_IF_ERROR(CheckText(p.supervising_role(), "point.supervising_role", 100));
  if (!p.room().empty()) {
    if (auto ids = ParseName(p.room(), {"rooms"}, "point.room"); !ids.ok()) return ids.status();
  }
  return absl::OkStatus();
}

// The content fields a caller sets; output-only fields are dropped.
InspectionPoint Content(const InspectionPoint& p) {
  InspectionPoint c;
  c.set_display_name(p.display_name());
  c.set_window_start(p.window_start());
  c.set_window_end(p.window_end());
  *c.mutable_items() = p.items();
  c.set_responsible(p.responsible());
  c.set_supervising_role(p.supervising_role());
  c.set_room(p.room());
  return c;
}

const std::set<std::string>& UpdatableFields() {
  static const std::set<std::string> fields = {"display_name", "window_start",     "window_end", "items",
                                               "responsible",  "supervising_role", "room"};
  return fields;
}

absl::StatusOr<std::pair<absl::CivilDay, absl::CivilDay>> Range(const type::v1::Date& start, const type::v1::Date& end,
                                                                bool has_start, bool has_end) {
  if (!has_start) return InvalidArgument("start_date", "is required");
  RETURN_IF_ERROR(CheckDate(start, "start_date"));
  if (!has_end) return InvalidArgument("end_date", "is required");
  RETURN_IF_ERROR(CheckDate(end, "end_date"));
  const absl::CivilDay from = ToCivilDay(start), to = ToCivilDay(end);
  if (to < from) return InvalidArgument("end_date", "must not be before start_date");
  if (to - from >= kMaxRangeDays) return InvalidArgument("end_date", "the range is at most 366 days");
  return std::make_pair(from, to);
}

}  // namespace

Inspections::Inspections(InspectionsStore* store, const Clock* clock, PageTokens page_tokens,
                         InspectionsOptions options)
    : store_(store), clock_(clock), page_tokens_(std::move(page_tokens)), options_(std::move(options)) {}

absl::StatusOr<InspectionPoint> Inspections::CreatePoint(const Principal& who, const v1::CreatePointRequest& req) {
  RETURN_IF_ERROR(who.Require(kKeepers, "inspection points are kept by the GM office and the manager"));
  if (!IsValidId(req.point_id())) return InvalidArgument("point_id", "must be 1 to 63 of a-z, 0-9 and '-'");
  InspectionPoint p = Content(req.point());
  RETURN_IF_ERROR(ValidatePoint(p));
  const absl::Time now = clock_->Now();
  p.set_name(absl::StrCat("points/", req.point_id()));
  p.set_state(InspectionPoint::ACTIVE);
  p.set_version(1);
  *p.mutable_active_from() = ToDate(absl::ToCivilDay(now, options_.zone));
  *p.mutable_audit() = NewAudit(who, now);
  p.set_etag(NewEtag());
  absl::Status status = store_->Write([&](InspectionsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing, tx.GetPoint(req.point_id()));
    if (existing) {
      return AlreadyExists("POINT_EXISTS", absl::StrCat(p.name(), " exists already"), {{"existing_point", p.name()}});
    }
    return tx.PutPoint(req.point_id(), p);
  });
  if (!status.ok()) return status;
  return p;
}

absl::StatusOr<InspectionPoint> Inspections::GetPoint(const Principal& who, const v1::GetPointRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "inspection points are read by staff and services"));
  ASSIGN_OR_RETURN(auto id, PointIdOf(req.name(), "name"));
  return store_->Read<InspectionPoint>([&](InspectionsTx& tx) -> absl::StatusOr<InspectionPoint> {
    ASSIGN_OR_RETURN(auto p, MustGetPoint(tx, id));
    return p;
  });
}

absl::StatusOr<v1::ListPointsResponse> Inspections::ListPoints(const Principal& who, const v1::ListPointsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "inspection points are read by staff and services"));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size(), 100, 1000));
  const std::string query = absl::StrCat("points|", req.show_retired());
  ASSIGN_OR_RETURN(std::string after, page_tokens_.DecodeAfterKey(req.page_token(), query));
  v1::ListPointsResponse out;
  absl::Status status = store_->Read([&](InspectionsTx& tx) -> absl::Status {
    for (;;) {
      ASSIGN_OR_RETURN(auto rows, tx.ListPoints(after, 200));
      for (auto& p : rows) {
        after = p.name().substr(sizeof("points/") - 1);
        if (!req.show_retired() && p.state() == InspectionPoint::RETIRED) continue;
        if (out.points_size() == size) {
          out.set_next_page_token(page_tokens_.EncodeAfterKey(
              query, out.points(out.points_size() - 1).name().substr(sizeof("points/") - 1)));
          return absl::OkStatus();
        }
        *out.add_points() = std::move(p);
      }
      if (rows.size() < 200) return absl::OkStatus();
    }
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<InspectionPoint> Inspections::UpdatePoint(const Principal& who, const v1::UpdatePointRequest& req) {
  RETURN_IF_ERROR(who.Require(kKeepers, "inspection points are kept by the GM office and the manager"));
  ASSIGN_OR_RETURN(auto id, PointIdOf(req.point().name(), "point.name"));
  for (const auto& path : req.update_mask().paths()) {
    if (!UpdatableFields().count(path)) {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not a field that can change"));
    }
  }
  const absl::Time now = clock_->Now();
  return store_->Write<InspectionPoint>([&](InspectionsTx& tx) -> absl::StatusOr<InspectionPoint> {
    ASSIGN_OR_RETURN(auto p, MustGetPoint(tx, id));
    if (p.state() == InspectionPoint::RETIRED) {
      return FailedPrecondition("POINT_RETIRED", absl::StrCat(p.name(), " is retired"));
    }
    if (!req.point().etag().empty() && req.point().etag() != p.etag()) return StaleEtag(p.name());
    InspectionPoint content = Content(p);
    if (req.update_mask().paths_size() == 0) {
      content = Content(req.point());
    } else {
      ApplyFieldMask(Content(req.point()), req.update_mask(), &content);
    }
    RETURN_IF_ERROR(ValidatePoint(content));
    InspectionPoint updated = p;
    updated.MergeFrom(content);
    *updated.mutable_items() = content.items();
    updated.set_version(p.version() + 1);
    Touch(updated.mutable_audit(), who, now);
    updated.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutPoint(id, updated));
    return updated;
  });
}

absl::StatusOr<InspectionPoint> Inspections::RetirePoint(const Principal& who, const v1::RetirePointRequest& req) {
  RETURN_IF_ERROR(who.Require(kKeepers, "inspection points are kept by the GM office and the manager"));
  ASSIGN_OR_RETURN(auto id, PointIdOf(req.name(), "name"));
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  const absl::Time now = clock_->Now();
  return store_->Write<InspectionPoint>([&](InspectionsTx& tx) -> absl::StatusOr<InspectionPoint> {
    auto p = MustGetPoint(tx, id);
    if (!p.ok()) return p.status();
    if (p->state() != InspectionPoint::RETIRED) {
      p->set_state(InspectionPoint::RETIRED);
      p->set_retire_reason(req.reason());
      *p->mutable_active_until() = ToDate(absl::ToCivilDay(now, options_.zone));
      p->set_version(p->version() + 1);
      Touch(p->mutable_audit(), who, now);
      p->set_etag(NewEtag());
      RETURN_IF_ERROR(tx.PutPoint(id, *p));
    }
    return std::move(*p);
  });
}

absl::StatusOr<v1::ListDueInspectionsResponse> Inspections::ListDueInspections(
    const Principal& who, const v1::ListDueInspectionsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "the round is read by staff and services"));
  if (req.has_date()) {
    RETURN_IF_ERROR(CheckDate(req.date(), "date"));
  }
  const absl::Time now = clock_->Now();
  const absl::CivilDay day = req.has_date() ? ToCivilDay(req.date()) : absl::ToCivilDay(now, options_.zone);
  v1::ListDueInspectionsResponse out;
  *out.mutable_date() = ToDate(day);
  absl::Status status = store_->Read([&](InspectionsTx& tx) -> absl::Status {
    std::string after;
    for (;;) {
      ASSIGN_OR_RETURN(auto rows, tx.ListPoints(after, 200));
      for (const auto& p : rows) {
        after = p.name().substr(sizeof("points/") - 1);
        if (!DueOn(p, day)) continue;
        const Window w = WindowOn(p, day, options_.zone);
        auto* d = out.add_inspections();
        d->set_point(p.name());
        d->set_point_display_name(p.display_name());
        *d->mutable_window_start() = ToProto(w.start);
        *d->mutable_window_end() = ToProto(w.end);
        ASSIGN_OR_RETURN(auto form, tx.GetForm(after, DayKey(day)));
        if (form) {
          d->set_status(v1::DueInspection::RECORDED);
          d->set_inspection((form)->name());
        } else if (now < w.start) {
          d->set_status(v1::DueInspection::UPCOMING);
        } else if (now <= w.end) {
          d->set_status(v1::DueInspection::OPEN);
        } else {
          d->set_status(v1::DueInspection::MISSED);
        }
      }
      if (rows.size() < 200) return absl::OkStatus();
    }
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Inspection> Inspections::RecordInspection(const Principal& who, const v1::RecordInspectionRequest& req) {
  RETURN_IF_ERROR(who.Require(kInspectors, "inspections are recorded by inspectors and the GM office"));
  ASSIGN_OR_RETURN(auto id, PointIdOf(req.parent(), "parent"));
  const Inspection& in = req.inspection();
  RETURN_IF_ERROR(CheckText(in.responsible_person(), "inspection.responsible_person", 100));
  RETURN_IF_ERROR(CheckText(in.remark(), "inspection.remark", 1000, false, true));
  const absl::Time now = clock_->Now();
  for (int i = 0; i < in.results_size(); ++i) {
    const auto& r = in.results(i);
    const std::string f = absl::StrCat("inspection.results[", i, "]");
    RETURN_IF_ERROR(CheckText(r.remark(), f + ".remark", 1000, !r.meets_standard(), true));
    RETURN_IF_ERROR(CheckText(r.assignee(), f + ".assignee", 100));
    if (r.has_due_time()) {
      RETURN_IF_ERROR(CheckTimestamp(r.due_time(), f + ".due_time"));
    }
    if (r.has_due_time() && FromProto(r.due_time()) <= now) {
      return InvalidArgument(f + ".due_time", "must be in the future");
    }
  }
  const absl::CivilDay today = absl::ToCivilDay(now, options_.zone);
  Inspection out;
  absl::Status status = store_->Write([&](InspectionsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, MustGetPoint(tx, id));
    if (p.state() == InspectionPoint::RETIRED || !DueOn(p, today)) {
      return FailedPrecondition("POINT_RETIRED", absl::StrCat(p.name(), " is retired: no inspection is due"));
    }
    const Window w = WindowOn(p, today, options_.zone);
    if (now < w.start || now > w.end) {
      return FailedPrecondition(
          "OUTSIDE_WINDOW",
          absl::StrCat(p.name(), " is inspected between ", p.window_start(), " and ", p.window_end(), " (hotel time)"),
          {{"window_start", p.window_start()}, {"window_end", p.window_end()}});
    }
    // Every item of the point exactly once.
    std::set<std::string> seen;
    for (int i = 0; i < in.results_size(); ++i) {
      const std::string& item = in.results(i).item();
      const bool known =
          std::any_of(p.items().begin(), p.items().end(), [&](const v1::Item& x) { return x.id() == item; });
      if (!known) {
        return InvalidArgument(absl::StrCat("inspection.results[", i, "].item"),
                               absl::StrCat("\"", item, "\" is not an item of ", p.name()));
      }
      if (!seen.insert(item).second) {
        return InvalidArgument(absl::StrCat("inspection.results[", i, "].item"), "appears twice");
      }
    }
    for (const auto& item : p.items()) {
      if (!seen.count(item.id())) {
        return InvalidArgument("inspection.results", absl::StrCat("item \"", item.id(), "\" has no result"));
      }
    }
    ASSIGN_OR_RETURN(auto existing, tx.GetForm(id, DayKey(today)));
    if (existing) {
      return AlreadyExists("INSPECTION_RECORDED",
                           absl::StrCat((existing)->name(), " was recorded by ", (existing)->inspector()),
                           {{"existing_inspection", (existing)->name()}});
    }
    Inspection form;
    form.set_name(absl::StrCat(p.name(), "/inspections/", DayString(today)));
    form.set_point_display_name(p.display_name());
    form.set_point_version(p.version());
    *form.mutable_date() = ToDate(today);
    form.set_inspector(who.subject);
    form.set_inspector_name(who.display_name);
    *form.mutable_check_time() = ToProto(now);
    form.set_responsible_person(in.responsible_person().empty() ? p.responsible() : in.responsible_person());
    form.set_remark(in.remark());
    std::vector<std::string> failed;
    for (const auto& item : p.items()) {  // in the point's order
      const auto& given = *std::find_if(in.results().begin(), in.results().end(),
                                        [&](const v1::ItemResult& r) { return r.item() == item.id(); });
      v1::ItemResult* r = form.add_results();
      r->set_item(item.id());
      r->set_meets_standard(given.meets_standard());
      r->set_remark(given.remark());
      r->set_description(item.description());
      r->set_standard(item.standard());
      if (given.meets_standard()) continue;
      CorrectiveAction a;
      const std::string action_id = NewId(now);
      a.set_name(absl::StrCat("actions/", action_id));
      a.set_inspection(form.name());
      a.set_point(p.name());
      a.set_item(item.id());
      a.set_description(item.description());
      a.set_remark(given.remark());
      a.set_assignee(given.assignee().empty() ? form.responsible_person() : given.assignee());
      *a.mutable_due_time() = given.has_due_time() ? given.due_time() : ToProto(now + options_.action_due_within);
      a.set_state(CorrectiveAction::OPEN);
      *a.mutable_audit() = NewAudit(who, now);
      r->set_assignee(a.assignee());
      *r->mutable_due_time() = a.due_time();
      r->set_action(a.name());
      RETURN_IF_ERROR(tx.PutAction(action_id, DayKey(today), a));
      failed.push_back(absl::StrCat(item.description(), "：", given.remark()));
    }
    form.set_failures(static_cast<int>(failed.size()));
    RETURN_IF_ERROR(tx.InsertForm(id, DayKey(today), form));
    if (!failed.empty() && !p.room().empty()) {
      // The KAM of the next meeting in this room is told (the outbox finds
      // the meeting through the meetings service).
      notifications::v1::CreateAlertRequest alert;
      alert.set_request_id(absl::StrCat(form.name(), "/room"));
      alert.mutable_alert()->set_title(absl::StrCat("会议室检查不合格：", p.display_name()));
      alert.mutable_alert()->set_body(absl::StrCat(DayString(today), " ", who.display_name, " 检查：",
                                                   absl::StrJoin(failed, "；"), "。整改负责人：",
                                                   form.responsible_person()));
      alert.mutable_alert()->set_source(form.name());
      OutboxMessage m = AlertMessage(kRoomFailure, alert, p.room());
      m.traceparent = CurrentTraceparent();
      RETURN_IF_ERROR(tx.AddOutbox(m, absl::ToUnixMicros(now)));
    }
    out = std::move(form);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Inspection> Inspections::GetInspection(const Principal& who, const v1::GetInspectionRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "inspection forms are read by staff and services"));
  auto ids = ParseName(req.name(), {"points", "inspections"}, "name");
  if (!ids.ok()) return ids.status();
  ASSIGN_OR_RETURN(auto day, ParseDay((*ids)[1], "name"));
  return store_->Read<Inspection>([&](InspectionsTx& tx) -> absl::StatusOr<Inspection> {
    if (auto p = MustGetPoint(tx, (*ids)[0]); !p.ok()) return p.status();
    ASSIGN_OR_RETURN(auto form, tx.GetForm((*ids)[0], DayKey(day)));
    if (!form) return NotFound("inspection", req.name());
    return std::move(*form);
  });
}

absl::StatusOr<v1::ListInspectionsResponse> Inspections::ListInspections(const Principal& who,
                                                                         const v1::ListInspectionsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "inspection forms are read by staff and services"));
  auto id = PointIdOf(req.parent(), "parent", /*wildcard=*/true);
  if (!id.ok()) return id.status();
  const std::string point = *id == "-" ? "" : *id;
  ASSIGN_OR_RETURN(auto range, Range(req.start_date(), req.end_date(), req.has_start_date(), req.has_end_date()));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat("inspections|", point, "|", DayKey(range.first), "|", DayKey(range.second));
  ASSIGN_OR_RETURN(auto after, page_tokens_.DecodeAfter(req.page_token(), query));
  v1::ListInspectionsResponse out;
  absl::Status status = store_->Read([&](InspectionsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListForms(point, DayKey(range.first), DayKey(range.second), after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& f : rows) *out.add_inspections() = std::move(f);
    if (more) {
      const Inspection& last = out.inspections(out.inspections_size() - 1);
      const std::string last_point = last.name().substr(7, last.name().find("/inspections/") - 7);
      out.set_next_page_token(page_tokens_.EncodeAfter(query, DateKey(last.date()), last_point));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

void Inspections::MarkOverdue(CorrectiveAction* a) const {
  a->set_overdue(a->state() == CorrectiveAction::OPEN && FromProto(a->due_time()) < clock_->Now());
}

absl::StatusOr<CorrectiveAction> Inspections::GetAction(const Principal& who, const v1::GetActionRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "corrective actions are read by staff and services"));
  auto ids = ParseName(req.name(), {"actions"}, "name");
  if (!ids.ok()) return ids.status();
  CorrectiveAction out;
  absl::Status status = store_->Read([&](InspectionsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto a, tx.GetAction((*ids)[0]));
    if (!a) return NotFound("corrective action", req.name());
    out = std::move(*a);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  MarkOverdue(&out);
  return out;
}

absl::StatusOr<v1::ListActionsResponse> Inspections::ListActions(const Principal& who,
                                                                 const v1::ListActionsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "corrective actions are read by staff and services"));
  ActionFilter filter;
  filter.open_only = req.open_only();
  if (req.overdue_only()) filter.due_before_micros = absl::ToUnixMicros(clock_->Now());
  RETURN_IF_ERROR(CheckText(req.assignee(), "assignee", 100));
  filter.assignee = req.assignee();
  if (!req.point().empty()) {
    ASSIGN_OR_RETURN(auto id, PointIdOf(req.point(), "point"));
    filter.point = id;
  }
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  filter.limit = size + 1;
  const std::string query =
      absl::StrCat("actions|", req.open_only(), "|", req.overdue_only(), "|", req.assignee(), "|", req.point());
  ASSIGN_OR_RETURN(filter.after, page_tokens_.DecodeAfter(req.page_token(), query));
  v1::ListActionsResponse out;
  absl::Status status = store_->Read([&](InspectionsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListActions(filter));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& a : rows) {
      MarkOverdue(&a);
      *out.add_actions() = std::move(a);
    }
    if (more) {
      const auto& last = out.actions(out.actions_size() - 1);
      out.set_next_page_token(
          page_tokens_.EncodeAfter(query, ToUnixMicros(last.due_time()), last.name().substr(sizeof("actions/") - 1)));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<CorrectiveAction> Inspections::RecheckAction(const Principal& who, const v1::RecheckActionRequest& req) {
  RETURN_IF_ERROR(who.Require(kInspectors, "re-checks are made by inspectors and the GM office"));
  auto ids = ParseName(req.name(), {"actions"}, "name");
  if (!ids.ok()) return ids.status();
  RETURN_IF_ERROR(CheckText(req.remark(), "remark", 1000, !req.meets_standard(), true));
  const absl::Time now = clock_->Now();
  CorrectiveAction out;
  absl::Status status = store_->Write([&](InspectionsTx& tx) -> absl::Status {
    auto a = tx.GetAction((*ids)[0]);
    if (!a.ok()) return a.status();
    if (!*a) return NotFound("corrective action", req.name());
    CorrectiveAction action = std::move(**a);
    if (action.state() == CorrectiveAction::CLOSED) {
      return FailedPrecondition("ACTION_CLOSED", absl::StrCat(req.name(), " was closed by a re-check already"));
    }
    auto* r = action.add_rechecks();
    *r->mutable_time() = ToProto(now);
    r->set_inspector(who.subject);
    r->set_meets_standard(req.meets_standard());
    r->set_remark(req.remark());
    if (req.meets_standard()) {
      action.set_state(CorrectiveAction::CLOSED);
      *action.mutable_close_time() = ToProto(now);
    }
    Touch(action.mutable_audit(), who, now);
    const std::string day = action.inspection().substr(action.inspection().rfind('/') + 1);
    auto civil = ParseDay(day, "name");
    if (!civil.ok()) return absl::DataLossError(absl::StrCat(req.name(), " names a malformed inspection"));
    RETURN_IF_ERROR(tx.PutAction((*ids)[0], DayKey(*civil), action));
    out = std::move(action);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  MarkOverdue(&out);
  return out;
}

}  // namespace atrium::inspections
