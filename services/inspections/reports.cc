// Compliance reports, the missed inspections reported to the GM office, and
// the standard's default points.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/validate.h"
#include "services/inspections/forwarder.h"
#include "services/inspections/inspections.h"
#include "services/inspections/schedule.h"

namespace atrium::inspections {
namespace {

using v1::ComplianceRow;
using v1::InspectionPoint;

absl::StatusOr<std::vector<InspectionPoint>> AllPoints(InspectionsTx& tx) {
  std::vector<InspectionPoint> out;
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(auto rows, tx.ListPoints(after, 500));
    for (auto& p : rows) out.push_back(std::move(p));
    if (rows.size() < 500) return out;
    after = out.back().name().substr(sizeof("points/") - 1);
  }
}

void Finish(ComplianceRow* row) {
  row->set_compliance_basis_points(
      row->checks() == 0 ? 10000 : static_cast<int32_t>((row->checks() - row->failures()) * 10000 / row->checks()));
}

void Add(ComplianceRow* to, const ComplianceRow& from) {
  to->set_checks(to->checks() + from.checks());
  to->set_failures(to->failures() + from.failures());
  to->set_missed(to->missed() + from.missed());
  to->set_open_actions(to->open_actions() + from.open_actions());
}

std::string DayString(absl::CivilDay d) { return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day()); }

}  // namespace

absl::StatusOr<v1::ComplianceReport> Inspections::GetComplianceReport(const Principal& who,
                                                                      const v1::GetComplianceReportRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kGmOffice, Role::kManager, Role::kInspector},
                              "compliance reports are read by the GM office, the manager and inspectors"));
  if (!req.has_start_date()) return InvalidArgument("start_date", "is required");
  RETURN_IF_ERROR(CheckDate(req.start_date(), "start_date"));
  if (!req.has_end_date()) return InvalidArgument("end_date", "is required");
  RETURN_IF_ERROR(CheckDate(req.end_date(), "end_date"));
  const absl::CivilDay from = ToCivilDay(req.start_date()), to = ToCivilDay(req.end_date());
  if (to < from) return InvalidArgument("end_date", "must not be before start_date");
  if (to - from >= 366) return InvalidArgument("end_date", "the range is at most 366 days");
  if (!v1::GetComplianceReportRequest::GroupBy_IsValid(req.group_by())) {
    return InvalidArgument("group_by", "must be POINT or RESPONSIBLE");
  }
  const bool by_person = req.group_by() == v1::GetComplianceReportRequest::RESPONSIBLE;
  const absl::Time now = clock_->Now();
  v1::ComplianceReport out;
  *out.mutable_start_date() = req.start_date();
  *out.mutable_end_date() = req.end_date();
  absl::Status status = store_->Read([&](InspectionsTx& tx) -> absl::Status {
    // Whole months from the monthly tallies, the edges from the result rows.
    const PeriodSplit split = SplitPeriod(from, to);
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<int64_t, int64_t>> tallies;
    auto add = [&](const std::vector<Tally>& rows) {
      for (const auto& t : rows) {
        auto& v = tallies[{t.point, t.item, t.responsible}];
        v.first += t.checks;
        v.second += t.failures;
      }
    };
    if (split.month_from <= split.month_to) {
      ASSIGN_OR_RETURN(auto rows, tx.TallyMonths(split.month_from, split.month_to));
      add(rows);
    }
    for (const auto& [a, b] : split.day_ranges) {
      ASSIGN_OR_RETURN(auto rows, tx.TallyDays(a, b));
      add(rows);
    }
    auto points = AllPoints(tx);
    if (!points.ok()) return points.status();
    ASSIGN_OR_RETURN(auto forms, tx.CountForms(DayKey(from), DayKey(to)));
    ASSIGN_OR_RETURN(auto open, tx.CountOpenActions(DayKey(from), DayKey(to)));

    ComplianceRow total;
    if (!by_person) {
      std::map<std::string, std::map<std::string, ComplianceRow>> items;  // point id -> item -> row
      for (const auto& [key, v] : tallies) {
        auto& row = items[std::get<0>(key)][std::get<1>(key)];
        row.set_checks(row.checks() + v.first);
        row.set_failures(row.failures() + v.second);
      }
      for (const auto& p : *points) {
        const std::string id = p.name().substr(sizeof("points/") - 1);
        const int64_t due = PastDueDays(p, from, to, LastPastDay(p, now, options_.zone));
        auto f = forms.find(id);
        const int64_t recorded = f == forms.end() ? 0 : f->second;
        auto it = items.find(id);
        if (due == 0 && recorded == 0 && it == items.end()) continue;  // not in force then
        ComplianceRow* row = out.add_rows();
        row->set_point(p.name());
        row->set_responsible(p.responsible());
        row->set_missed(std::max<int64_t>(0, due - recorded));
        auto o = open.first.find(id);
        row->set_open_actions(o == open.first.end() ? 0 : o->second);
        std::vector<ComplianceRow> item_rows;
        if (it != items.end()) {
          for (auto& [item, r] : it->second) {
            row->set_checks(row->checks() + r.checks());
            row->set_failures(row->failures() + r.failures());
            r.set_point(p.name());
            r.set_item(item);
            Finish(&r);
            item_rows.push_back(r);
          }
        }
        Finish(row);
        Add(&total, *row);
        for (auto& r : item_rows) *out.add_rows() = std::move(r);
      }
    } else {
      std::map<std::string, ComplianceRow> people;
      for (const auto& [key, v] : tallies) {
        auto& row = people[std::get<2>(key)];
        row.set_checks(row.checks() + v.first);
        row.set_failures(row.failures() + v.second);
      }
      for (const auto& p : *points) {
        const std::string id = p.name().substr(sizeof("points/") - 1);
        const int64_t due = PastDueDays(p, from, to, LastPastDay(p, now, options_.zone));
        auto f = forms.find(id);
        const int64_t missed = std::max<int64_t>(0, due - (f == forms.end() ? 0 : f->second));
        if (missed > 0) people[p.responsible()].set_missed(people[p.responsible()].missed() + missed);
      }
      for (const auto& [person, count] : open.second) people[person].set_open_actions(count);
      for (auto& [person, row] : people) {
        row.set_responsible(person);
        Finish(&row);
        Add(&total, row);
        *out.add_rows() = std::move(row);
      }
    }
    Finish(&total);
    *out.mutable_total() = std::move(total);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<int> Inspections::ReportMissed() {
  const absl::Time now = clock_->Now();
  const absl::CivilDay today = absl::ToCivilDay(now, options_.zone);
  int reported = 0;
  absl::Status status = store_->Write([&](InspectionsTx& tx) -> absl::Status {
    auto points = AllPoints(tx);
    if (!points.ok()) return points.status();
    for (const auto& p : *points) {
      const std::string id = p.name().substr(sizeof("points/") - 1);
      const std::string key = absl::StrCat("missed-reported/", id);
      ASSIGN_OR_RETURN(auto mark, tx.GetMark(key));
      absl::CivilDay first = today - options_.report_missed_days;
      if (p.has_active_from()) first = std::max(first, ToCivilDay(p.active_from()));
      if (mark) first = std::max(first, FromDayKey(*mark) + 1);
      absl::CivilDay last = LastPastDay(p, now, options_.zone);
      if (p.has_active_until()) last = std::min(last, ToCivilDay(p.active_until()));
      if (last < first) continue;
      for (absl::CivilDay day = first; day <= last; ++day) {
        ASSIGN_OR_RETURN(auto form, tx.GetForm(id, DayKey(day)));
        if (form) continue;
        const std::string inspection = absl::StrCat(p.name(), "/inspections/", DayString(day));
        notifications::v1::CreateAlertRequest alert;
        alert.set_request_id(absl::StrCat(inspection, "/missed"));
        alert.mutable_alert()->set_recipient("role/gm_office");
        alert.mutable_alert()->set_title(absl::StrCat("漏检：", p.display_name(), " ", DayString(day)));
        alert.mutable_alert()->set_body(
            absl::StrCat(p.window_start(), "–", p.window_end(), " 内无检查记录；责任人：", p.responsible()));
        alert.mutable_alert()->set_source(inspection);
        RETURN_IF_ERROR(tx.AddOutbox(AlertMessage(kAlert, alert), absl::ToUnixMicros(now)));
        ++reported;
      }
      RETURN_IF_ERROR(tx.SetMark(key, DayKey(last)));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return reported;
}

absl::Status Inspections::SeedDefaultPoints() {
  const absl::Time now = clock_->Now();
  return store_->Write([&](InspectionsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto any, tx.ListPoints("", 1));
    if (!any.empty()) return absl::OkStatus();
    struct Default {
      const char* id;
      const char* name;
      const char* responsible;
      std::vector<std::pair<const char*, const char*>> items;
    };
    const std::vector<Default> defaults = {
        {"cr-office",
         "客户关系部办公室",
         "客户关系部经理",
         {{"office-hygiene", "办公室卫生"},
          {"staff-attendance", "员工出勤情况"},
          {"kam-visit-plans", "客户经理拜访计划执行情况"},
          {"vip-reception", "VIP接待准备情况"},
          {"assigned-work", "交办工作跟进情况"}}},
        {"conference-centre",
         "会议中心",
         "会议中心主管",
         {{"room-hygiene", "会议室卫生"},
          {"sound-room", "音控室设备维护保养"},
          {"important-meetings", "重要会议准备及服务达标情况"}}},
    };
    for (const auto& d : defaults) {
      InspectionPoint p;
      p.set_name(absl::StrCat("points/", d.id));
      p.set_display_name(d.name);
      p.set_window_start("08:00");
      p.set_window_end("18:00");
      for (const auto& [id, description] : d.items) {
        auto* item = p.add_items();
        item->set_id(id);
        item->set_description(description);
        item->set_standard("达到酒店质量标准");
      }
      p.set_responsible(d.responsible);
      p.set_supervising_role("副总经理");
      p.set_state(InspectionPoint::ACTIVE);
      p.set_version(1);
      *p.mutable_active_from() = ToDate(absl::ToCivilDay(now, options_.zone));
      auto* audit = p.mutable_audit();
      *audit->mutable_create_time() = ToProto(now);
      audit->set_creator("service:inspections");
      *audit->mutable_update_time() = ToProto(now);
      audit->set_updater("service:inspections");
      p.set_etag(NewEtag());
      RETURN_IF_ERROR(tx.PutPoint(d.id, p));
    }
    return absl::OkStatus();
  });
}

}  // namespace atrium::inspections
