// The KAMs' daily work reports (每日工作报表) and the work calendar that says
// which days one is due. A draft is what the records of the day hold, asked
// of the clients and meetings services with the caller's token; the KAM
// adds the summary and tomorrow's plan and submits; the manager reviews.
#include <set>

#include "absl/strings/str_cat.h"
#include "common/audit.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/sales/management.h"
#include "services/sales/names.h"
#include "services/sales/workdays.h"

namespace atrium::sales {
namespace {

using meetings::v1::MeetingChange;
using v1::DailyReport;

constexpr char kCalendarName[] = "workCalendar";
constexpr int kMaxChanges = 200;
constexpr int kMaxText = 5000;
constexpr int kMaxMissingRange = 92;
constexpr int kMaxCalendarDays = 400;
constexpr int kMaxListPage = 100;

absl::Status CheckReportReader(const Principal& who, const std::string& kam) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kGmOffice, Role::kKeyAccountManager},
                              "daily reports are read by the manager, the GM office and KAMs (their own)"));
  if (who.Is(Role::kKeyAccountManager) && kam != who.subject) {
    return PermissionDenied("a key account manager reads their own daily reports");
  }
  return absl::OkStatus();
}

absl::Status CheckOwnReport(const Principal& who, const std::string& kam, const char* what) {
  RETURN_IF_ERROR(who.Require({Role::kKeyAccountManager}, absl::StrCat(what, " is the KAM's own")));
  if (kam != who.subject) return PermissionDenied(absl::StrCat(what, " is the KAM's own: ", kam, "'s, not yours"));
  return absl::OkStatus();
}

absl::Status RequireDraft(const DailyReport& r) {
  if (r.state() == DailyReport::DRAFT) return absl::OkStatus();
  return FailedPrecondition("REPORT_SUBMITTED",
                            absl::StrCat(r.name(), " is ", DailyReport::State_Name(r.state()), "; it is kept as sent"));
}

absl::Status CheckEtag(const DailyReport& r, const std::string& etag) {
  if (!etag.empty() && etag != r.etag()) return StaleEtag(r.name());
  return absl::OkStatus();
}

// The counts of what the records hold.
DailyReport::Counts CountsOf(const DailyReport& r) {
  DailyReport::Counts c;
  const auto& day = r.work_day();
  c.set_visits_planned(day.visits_planned_size());
  c.set_visits_done(day.visits_done_size());
  c.set_visits_missed(day.visits_missed());
  c.set_activities(day.activities_size());
  c.set_feedback_received(day.feedback_received_size());
  c.set_feedback_handled(day.feedback_handled_size());
  *c.mutable_payments() = day.payments_total();
  for (const MeetingChange& m : r.meeting_changes()) {
    switch (m.kind()) {
      case MeetingChange::ENQUIRY_RECORDED: c.set_enquiries(c.enquiries() + 1); break;
      case MeetingChange::MOVED: c.set_meetings_moved(c.meetings_moved() + 1); break;
      case MeetingChange::NOTICE_REVISION: c.set_notices_issued(c.notices_issued() + 1); break;
      default: break;
    }
  }
  return c;
}

// The stored report a name is of, or NOT_FOUND.
absl::StatusOr<DailyReport> StoredReport(SalesTx& tx, const std::string& kam, absl::CivilDay day,
                                         const std::string& name) {
  ASSIGN_OR_RETURN(auto r, tx.GetReport(kam, DayKey(day)));
  if (!r) return NotFound("daily report", name);
  return std::move(*r);
}

absl::Status CheckDays(const google::protobuf::RepeatedPtrField<type::v1::Date>& days, const char* field,
                       bool weekends) {
  if (days.size() > kMaxCalendarDays) {
    return InvalidArgument(absl::StrCat("work_calendar.", field), absl::StrCat("at most ", kMaxCalendarDays, " days"));
  }
  std::set<int64_t> seen;
  for (int i = 0; i < days.size(); ++i) {
    const std::string f = absl::StrCat("work_calendar.", field, "[", i, "]");
    RETURN_IF_ERROR(CheckDate(days[i], f));
    if (!seen.insert(DateKey(days[i])).second) return InvalidArgument(f, "appears twice");
    if (IsWeekend(ToCivilDay(days[i])) != weekends) {
      return InvalidArgument(f, weekends ? "must be a Saturday or a Sunday" : "must be a weekday (Monday to Friday)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::CivilDay Management::Yesterday() const { return absl::ToCivilDay(clock_->Now(), zone_) - 1; }

absl::StatusOr<DailyReport> Management::DraftDailyReport(const Principal& who, const v1::DraftDailyReportRequest& req) {
  RETURN_IF_ERROR(
      who.Require({Role::kKeyAccountManager, Role::kManager}, "a daily report is drafted by its KAM or the manager"));
  ASSIGN_OR_RETURN(const std::string kam, KamOfParent(req.parent(), "parent", false));
  if (who.Is(Role::kKeyAccountManager) && kam != who.subject) {
    return PermissionDenied("a key account manager drafts their own daily report");
  }
  if (!req.has_date()) return InvalidArgument("date", "is required");
  // From 1901: the day's changes are asked from its start, which must be a
  // time of 1900 or later in every zone.
  RETURN_IF_ERROR(CheckDate(req.date(), "date", kFirstYear + 1));
  const absl::CivilDay day = ToCivilDay(req.date());
  const absl::Time now = clock_->Now();
  if (day > absl::ToCivilDay(now, zone_)) return InvalidArgument("date", "must be today or before");
  const std::string name = ReportName(kam, day);
  const int64_t key = DateKey(req.date());

  // A report already sent is refused before the peers are asked.
  RETURN_IF_ERROR(store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto stored, tx.GetReport(kam, key));
    return stored ? RequireDraft(*stored) : absl::OkStatus();
  }));

  clients::v1::SummarizeWorkDayRequest day_req;
  day_req.set_person(kam);
  *day_req.mutable_date() = req.date();
  ASSIGN_OR_RETURN(auto work_day, figures_->WorkDay(who, day_req));
  meetings::v1::ListMeetingChangesRequest changes_req;
  changes_req.set_actor(kam);
  *changes_req.mutable_start_time() = ToProto(absl::FromCivil(day, zone_));
  *changes_req.mutable_end_time() = ToProto(absl::FromCivil(day + 1, zone_));
  changes_req.set_page_size(kMaxChanges);
  ASSIGN_OR_RETURN(auto changes, figures_->Changes(who, changes_req));

  return store_->Write<DailyReport>([&](SalesTx& tx) -> absl::StatusOr<DailyReport> {
    ASSIGN_OR_RETURN(auto stored, tx.GetReport(kam, key));
    DailyReport r;
    if (stored) {
      r = std::move(*stored);
      RETURN_IF_ERROR(RequireDraft(r));
      Touch(r.mutable_audit(), who, now);
    } else {
      r.set_name(name);
      r.set_kam(kam);
      *r.mutable_date() = req.date();
      r.set_state(DailyReport::DRAFT);
      *r.mutable_audit() = NewAudit(who, now);
    }
    *r.mutable_work_day() = std::move(work_day);
    *r.mutable_meeting_changes() = std::move(*changes.mutable_changes());
    r.set_truncated(r.work_day().truncated() || !changes.next_page_token().empty());
    *r.mutable_counts() = CountsOf(r);
    *r.mutable_draft_time() = ToProto(now);
    r.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutReport(r));
    return r;
  });
}

absl::StatusOr<DailyReport> Management::GetDailyReport(const Principal& who, const v1::GetDailyReportRequest& req) {
  ASSIGN_OR_RETURN(auto parts, ParseReportName(req.name(), "name"));
  RETURN_IF_ERROR(CheckReportReader(who, parts.first));
  return store_->Read<DailyReport>(
      [&](SalesTx& tx) { return StoredReport(tx, parts.first, parts.second, req.name()); });
}

absl::StatusOr<v1::ListDailyReportsResponse> Management::ListDailyReports(const Principal& who,
                                                                          const v1::ListDailyReportsRequest& req) {
  ASSIGN_OR_RETURN(const std::string kam, KamOfParent(req.parent(), "parent", true));
  RETURN_IF_ERROR(CheckReportReader(who, kam));
  if (!DailyReport::State_IsValid(req.state())) return InvalidArgument("state", "is not a state");
  ReportFilter f;
  f.kam = kam;
  f.state = req.state();
  if (req.has_start_date()) {
    RETURN_IF_ERROR(CheckDate(req.start_date(), "start_date"));
    f.from_day = DateKey(req.start_date());
  }
  if (req.has_end_date()) {
    RETURN_IF_ERROR(CheckDate(req.end_date(), "end_date"));
    f.to_day = DateKey(req.end_date());
    if (f.to_day < f.from_day) return InvalidArgument("end_date", "must not be before start_date");
  }
  ASSIGN_OR_RETURN(f.limit, ClampPageSize(req.page_size(), 50, kMaxListPage));
  const std::string query = absl::StrCat("reports|", kam, "|", f.state, "|", f.from_day, "|", f.to_day);
  ASSIGN_OR_RETURN(auto after, page_tokens_.DecodeAfter(req.page_token(), query));
  if (after) f.after = *after;
  const int size = f.limit;
  ++f.limit;
  v1::ListDailyReportsResponse out;
  RETURN_IF_ERROR(store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListReports(f));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    if (more) {
      const DailyReport& last = rows.back();
      out.set_next_page_token(page_tokens_.EncodeAfter(query, DateKey(last.date()), last.kam()));
    }
    // Each without the day's records (GetDailyReport has them): a page
    // stays far below a message's bound.
    for (auto& r : rows) {
      r.clear_work_day();
      r.clear_meeting_changes();
      *out.add_daily_reports() = std::move(r);
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<DailyReport> Management::UpdateDailyReport(const Principal& who,
                                                          const v1::UpdateDailyReportRequest& req) {
  const DailyReport& in = req.daily_report();
  ASSIGN_OR_RETURN(auto parts, ParseReportName(in.name(), "daily_report.name"));
  RETURN_IF_ERROR(CheckOwnReport(who, parts.first, "a daily report's summary and plan"));
  if (req.update_mask().paths_size() == 0) return InvalidArgument("update_mask", "is required (summary, plan)");
  for (const auto& path : req.update_mask().paths()) {
    if (path != "summary" && path != "plan") {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not a field that can change"));
    }
  }
  RETURN_IF_ERROR(CheckText(in.summary(), "daily_report.summary", kMaxText, false, true));
  RETURN_IF_ERROR(CheckText(in.plan(), "daily_report.plan", kMaxText, false, true));
  const absl::Time now = clock_->Now();
  return store_->Write<DailyReport>([&](SalesTx& tx) -> absl::StatusOr<DailyReport> {
    ASSIGN_OR_RETURN(DailyReport r, StoredReport(tx, parts.first, parts.second, in.name()));
    RETURN_IF_ERROR(CheckEtag(r, in.etag()));
    RETURN_IF_ERROR(RequireDraft(r));
    ApplyFieldMask(in, req.update_mask(), &r);
    Touch(r.mutable_audit(), who, now);
    r.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutReport(r));
    return r;
  });
}

absl::StatusOr<DailyReport> Management::SubmitDailyReport(const Principal& who,
                                                          const v1::SubmitDailyReportRequest& req) {
  ASSIGN_OR_RETURN(auto parts, ParseReportName(req.name(), "name"));
  RETURN_IF_ERROR(CheckOwnReport(who, parts.first, "submitting a daily report"));
  const absl::Time now = clock_->Now();
  return store_->Write<DailyReport>([&](SalesTx& tx) -> absl::StatusOr<DailyReport> {
    ASSIGN_OR_RETURN(DailyReport r, StoredReport(tx, parts.first, parts.second, req.name()));
    RETURN_IF_ERROR(CheckEtag(r, req.etag()));
    RETURN_IF_ERROR(RequireDraft(r));
    if (r.summary().empty()) {
      return FailedPrecondition("SUMMARY_MISSING", absl::StrCat(r.name(), " has no summary: write it, then submit"));
    }
    r.set_state(DailyReport::SUBMITTED);
    *r.mutable_submit_time() = ToProto(now);
    Touch(r.mutable_audit(), who, now);
    r.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutReport(r));
    return r;
  });
}

absl::StatusOr<DailyReport> Management::ReviewDailyReport(const Principal& who,
                                                          const v1::ReviewDailyReportRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "daily reports are reviewed by the manager"));
  ASSIGN_OR_RETURN(auto parts, ParseReportName(req.name(), "name"));
  RETURN_IF_ERROR(CheckText(req.comment(), "comment", kMaxText, false, true));
  const absl::Time now = clock_->Now();
  return store_->Write<DailyReport>([&](SalesTx& tx) -> absl::StatusOr<DailyReport> {
    ASSIGN_OR_RETURN(DailyReport r, StoredReport(tx, parts.first, parts.second, req.name()));
    RETURN_IF_ERROR(CheckEtag(r, req.etag()));
    if (r.state() != DailyReport::SUBMITTED) {
      return FailedPrecondition(
          "REPORT_NOT_SUBMITTED",
          absl::StrCat(r.name(), " is ", DailyReport::State_Name(r.state()), "; only a submitted report is reviewed"));
    }
    r.set_state(DailyReport::REVIEWED);
    r.set_review_comment(req.comment());
    r.set_reviewer(who.subject);
    *r.mutable_review_time() = ToProto(now);
    Touch(r.mutable_audit(), who, now);
    r.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutReport(r));
    return r;
  });
}

absl::StatusOr<v1::ListMissingDailyReportsResponse> Management::ListMissingDailyReports(
    const Principal& who, const v1::ListMissingDailyReportsRequest& req) {
  RETURN_IF_ERROR(CheckStaffId(req.kam(), "kam", false));
  RETURN_IF_ERROR(CheckReportReader(who, req.kam()));
  if (!req.has_start_date()) return InvalidArgument("start_date", "is required");
  RETURN_IF_ERROR(CheckDate(req.start_date(), "start_date"));
  if (!req.has_end_date()) return InvalidArgument("end_date", "is required");
  RETURN_IF_ERROR(CheckDate(req.end_date(), "end_date"));
  const absl::CivilDay first = ToCivilDay(req.start_date()), last = ToCivilDay(req.end_date());
  if (last < first) return InvalidArgument("end_date", "must not be before start_date");
  if (last - first >= kMaxMissingRange) {
    return InvalidArgument("end_date", absl::StrCat("the range is at most ", kMaxMissingRange, " days"));
  }
  const absl::CivilDay until = std::min(last, Yesterday());
  v1::ListMissingDailyReportsResponse out;
  RETURN_IF_ERROR(store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto calendar, tx.GetCalendar());
    const WorkDays work_days(calendar ? *calendar : v1::WorkCalendar());
    std::vector<std::string> kams;
    if (!req.kam().empty()) {
      kams.push_back(req.kam());
    } else {
      ASSIGN_OR_RETURN(kams, tx.KnownKams(static_cast<int>(first.year()), static_cast<int>(last.year())));
    }
    ASSIGN_OR_RETURN(auto days, tx.ReportDays(req.kam(), DateKey(req.start_date()), DateKey(req.end_date())));
    std::map<std::pair<std::string, int64_t>, int> states;
    for (const auto& d : days) states[{d.kam, d.day}] = d.state;
    for (const std::string& kam : kams) {
      for (absl::CivilDay d = first; d <= until; ++d) {
        if (!work_days.IsWorking(d)) continue;
        auto it = states.find({kam, DayKey(d)});
        if (it != states.end() && it->second != DailyReport::DRAFT) continue;
        auto* m = out.add_missing();
        m->set_kam(kam);
        *m->mutable_date() = ToDate(d);
        if (it != states.end()) m->set_draft(ReportName(kam, d));
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::WorkCalendar> Management::GetWorkCalendar(const Principal& who,
                                                             const v1::GetWorkCalendarRequest& req) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kKeyAccountManager, Role::kGmOffice, Role::kDepartment, Role::kService},
                  "the work calendar is read by staff and services"));
  if (!req.name().empty() && req.name() != kCalendarName) return InvalidArgument("name", "must be \"workCalendar\"");
  return store_->Read<v1::WorkCalendar>([&](SalesTx& tx) -> absl::StatusOr<v1::WorkCalendar> {
    ASSIGN_OR_RETURN(auto c, tx.GetCalendar());
    if (c) return std::move(*c);
    v1::WorkCalendar empty;
    empty.set_name(kCalendarName);
    return empty;
  });
}

absl::StatusOr<v1::WorkCalendar> Management::UpdateWorkCalendar(const Principal& who,
                                                                const v1::UpdateWorkCalendarRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the work calendar is the manager's"));
  const v1::WorkCalendar& in = req.work_calendar();
  RETURN_IF_ERROR(CheckDays(in.holidays(), "holidays", false));
  RETURN_IF_ERROR(CheckDays(in.working_weekends(), "working_weekends", true));
  const absl::Time now = clock_->Now();
  return store_->Write<v1::WorkCalendar>([&](SalesTx& tx) -> absl::StatusOr<v1::WorkCalendar> {
    ASSIGN_OR_RETURN(auto stored, tx.GetCalendar());
    if (!in.etag().empty() && in.etag() != (stored ? stored->etag() : "")) return StaleEtag(kCalendarName);
    v1::WorkCalendar c;
    c.set_name(kCalendarName);
    *c.mutable_holidays() = SortedDays(in.holidays());
    *c.mutable_working_weekends() = SortedDays(in.working_weekends());
    if (stored) {
      *c.mutable_audit() = stored->audit();
      Touch(c.mutable_audit(), who, now);
    } else {
      *c.mutable_audit() = NewAudit(who, now);
    }
    c.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutCalendar(c));
    return c;
  });
}

}  // namespace atrium::sales
