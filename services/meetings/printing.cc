// The printed meeting agreement (会议协议书): a version as it stands, laid out
// by common/document, with both signature blocks.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/document.h"
#include "common/errors.h"
#include "common/names.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"
#include "services/meetings/notice.h"
#include "services/notifications/notice_document.h"

namespace atrium::meetings {
namespace {

using namespace internal;  // NOLINT: the service's own helpers
using v1::Agreement;

std::string Local(const google::protobuf::Timestamp& t, absl::TimeZone zone, const char* format = "%Y-%m-%d %H:%M") {
  if (t.seconds() == 0 && t.nanos() == 0) return "—";
  return absl::FormatTime(format, FromProto(t), zone);
}

// Fen as yuan, with thousands separated: "12,345.60 元".
std::string Yuan(const type::v1::Money& m) { return YuanText(m.amount_minor()) + " 元"; }

const char* StyleName(v1::SetupStyle s) {
  switch (s) {
    case v1::THEATRE: return "剧院式";
    case v1::CLASSROOM: return "课桌式";
    case v1::BANQUET: return "宴会式";
    case v1::U_SHAPE: return "U形";
    case v1::BOARDROOM: return "董事会式";
    case v1::RECEPTION: return "酒会式";
    default: return "—";
  }
}

const char* CategoryName(v1::ChargeCategory c) {
  switch (c) {
    case v1::ROOMS: return "客房";
    case v1::FNB: return "餐饮";
    case v1::VENUE: return "场地";
    case v1::AV: return "设备";
    case v1::EXTRAS: return "其他";
    default: return "—";
  }
}

const char* StateName(Agreement::State s) {
  switch (s) {
    case Agreement::DRAFT: return "草稿，未签署";
    case Agreement::SIGNED: return "已签署";
    case Agreement::SUPERSEDED: return "已签署，已被后续版本取代";
    case Agreement::DISCARDED: return "草稿，已作废";
    default: return "—";
  }
}

doc::Document AgreementDocument(const v1::Meeting& m, const Agreement& a,
                                const std::map<std::string, std::string>& room_names, const Policy& policy,
                                absl::Time now) {
  const absl::TimeZone zone = policy.zone;
  auto room = [&](const std::string& name) {
    auto it = room_names.find(name);
    return it != room_names.end() ? it->second : name.empty() ? "—" : name.substr(name.find('/') + 1);
  };
  doc::Document d(doc::Stamp{policy.hotel, "会议协议书", a.name(), absl::StrCat("第 ", a.version(), " 版"),
                             absl::FormatTime("%Y-%m-%d %H:%M", now, zone)});
  d.Paragraph(absl::StrCat("甲方（客户）：", a.organiser().empty() ? m.account() : a.organiser(), "\n乙方（酒店）：",
                           policy.hotel, "\n本协议状态：", StateName(a.state())),
              a.state() != Agreement::SIGNED);
  // Sections numbered as they appear (those with nothing to say are left out).
  int sections = 0;
  auto section = [&](const char* title) {
    static constexpr const char* kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    d.Heading(absl::StrCat(kNumerals[std::min(sections++, 9)], "、", title));
  };
  section("会议概况");
  d.Table({"项目", "内容"}, {1, 3},
          {{{"会议名称", m.title()}},
           {{"会议", m.name()}},
           {{"会期", absl::StrCat(Local(a.start_time(), zone), " 至 ", Local(a.end_time(), zone))}},
           {{"人数", absl::StrCat(a.attendees())}},
           {{"客户经理", m.owner()}}});
  if (a.programme_size() > 0) {
    section("会议日程");
    std::vector<doc::Document::Row> rows;
    for (const auto& p : a.programme()) {
      rows.push_back({{absl::StrCat(Local(p.start_time(), zone), "–", Local(p.end_time(), zone, "%H:%M")), p.title(),
                       p.room().empty() ? "—" : room(p.room())}});
    }
    d.Table({"时间", "内容", "场地"}, {2, 3, 2}, std::move(rows));
  }
  if (a.room_block_size() > 0) {
    section("客房（用房数量）");
    std::vector<doc::Document::Row> rows;
    int64_t nights = 0;
    for (const auto& n : a.room_block()) {
      rows.push_back({{Day(n.night()), n.room_type(), absl::StrCat(n.rooms(), " 间")}});
      nights += n.rooms();
    }
    rows.push_back({{"合计", "", absl::StrCat(nights, " 间夜")}});
    d.Table({"日期", "房型", "数量"}, {2, 3, 2}, std::move(rows));
    const auto& t = a.block_terms();
    std::string block_terms;
    if (t.has_cut_off_date()) {
      absl::StrAppend(&block_terms, "截止日期 ", Day(t.cut_off_date()),
                      "：当日结束时未预订的房间释放，不再为本团保留。");
    }
    if (t.attrition_threshold_basis_points() > 0) {
      absl::StrAppend(&block_terms, "每晚实际用房低于合同用房 ",
                      absl::StrFormat("%g%%", t.attrition_threshold_basis_points() / 100.0), " 的部分，按每间夜 ",
                      Yuan(t.attrition_rate()), " 支付损耗费。");
    }
    if (!block_terms.empty()) d.Paragraph(block_terms);
  }
  if (a.meals_size() > 0) {
    section("餐饮");
    std::vector<doc::Document::Row> rows;
    for (const auto& meal : a.meals()) {
      rows.push_back(
          {{absl::StrCat(Day(meal.date()), " ", MealName(meal.kind())), meal.time().empty() ? "—" : meal.time(),
            absl::StrCat(meal.headcount(), " 人"), meal.standard().empty() ? "—" : meal.standard(),
            meal.place().empty() ? "—" : meal.place(), meal.menu()}});
    }
    d.Table({"日期与餐别", "时间", "人数", "标准", "地点", "菜单"}, {2, 1, 1, 2, 2, 3}, std::move(rows));
  }
  if (a.venues_size() > 0) {
    section("场地");
    std::vector<doc::Document::Row> rows;
    for (const auto& v : a.venues()) {
      rows.push_back(
          {{room(v.room()), StyleName(v.style()),
            absl::StrCat(Local(v.start_time(), zone), "–", Local(v.end_time(), zone, "%H:%M")), v.purpose()}});
    }
    d.Table({"场地", "摆台", "时间", "用途"}, {2, 1, 3, 3}, std::move(rows));
  }
  if (a.guests_size() > 0) {
    section("嘉宾");
    std::vector<doc::Document::Row> rows;
    for (const auto& g : a.guests()) {
      rows.push_back({{absl::StrCat(g.name(), g.vip() ? "（VIP）" : ""), g.title(),
                       absl::StrCat(g.has_arrival() ? Day(g.arrival()) : "待定", " 至 ",
                                    g.has_departure() ? Day(g.departure()) : "待定"),
                       g.room_type().empty() ? "不住店" : g.room_type(), g.note()}});
    }
    d.Table({"姓名", "职务", "住店日期", "房型", "备注"}, {2, 2, 3, 2, 3}, std::move(rows));
  }
  if (!a.reception().empty() || !a.av_requirements().empty() || !a.special_arrangements().empty()) {
    section("其他要求");
    std::vector<doc::Document::Row> rows;
    if (!a.reception().empty()) rows.push_back({{"接待", a.reception()}});
    if (!a.av_requirements().empty()) rows.push_back({{"音响及设备", a.av_requirements()}});
    if (!a.special_arrangements().empty()) rows.push_back({{"特殊安排", a.special_arrangements()}});
    d.Table({"项目", "要求"}, {1, 4}, std::move(rows));
  }
  section("价格与付款");
  std::vector<doc::Document::Row> rows;
  for (const auto& p : a.prices()) {
    rows.push_back({{CategoryName(p.category()), p.description().empty() ? p.item() : p.description(),
                     absl::StrCat(p.quantity()), Yuan(p.unit_price()), Yuan(p.amount())}});
  }
  rows.push_back({{"合计", "", "", "", Yuan(a.total())}});
  d.Table({"类别", "项目", "数量", "单价", "金额"}, {1, 3, 1, 2, 2}, std::move(rows));
  std::string terms = absl::StrCat("协议总价 ", Yuan(a.total()), "。");
  if (a.deposit().amount_minor() > 0) absl::StrAppend(&terms, "甲方于签署本协议时支付定金 ", Yuan(a.deposit()), "。");
  if (a.discount_basis_points() > 0) {
    absl::StrAppend(&terms, "按价目表计 ", Yuan(a.list_total()), "，最大折扣 ",
                    absl::StrFormat("%.2f%%", a.discount_basis_points() / 100.0), "。");
  }
  d.Paragraph(terms);
  if (a.payment_schedule_size() > 0) {
    std::vector<doc::Document::Row> schedule;
    for (const auto& in : a.payment_schedule())
      schedule.push_back({{in.label(), Day(in.due_date()), Yuan(in.amount())}});
    d.Table({"付款计划", "付款日期", "金额"}, {3, 2, 2}, std::move(schedule));
  }
  if (a.state() == Agreement::SIGNED || a.state() == Agreement::SUPERSEDED) {
    d.Paragraph(absl::StrCat("签署：甲方 ", a.client_signatory(), "，乙方 ", a.hotel_signatory(), "，",
                             Local(a.sign_time(), zone), "。"));
  }
  d.Signatures({"甲方（客户）", absl::StrCat("乙方（酒店）：", policy.hotel)});
  return d;
}

const char* WeekdayName(absl::Weekday w) {
  switch (w) {
    case absl::Weekday::monday: return "周一";
    case absl::Weekday::tuesday: return "周二";
    case absl::Weekday::wednesday: return "周三";
    case absl::Weekday::thursday: return "周四";
    case absl::Weekday::friday: return "周五";
    case absl::Weekday::saturday: return "周六";
    case absl::Weekday::sunday: return "周日";
  }
  return "";
}

}  // namespace

absl::StatusOr<type::v1::Document> Sales::PrintAgreement(const Principal& who, const v1::PrintAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "agreements are printed by staff and services"));
  ASSIGN_OR_RETURN(auto name, ParseResourceName(req.name(), "meetings/{meeting}/agreements/{version:number}", "name"));
  v1::Meeting meeting;
  Agreement agreement;
  std::map<std::string, std::string> room_names;
  RETURN_IF_ERROR(ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(meeting, MustGetMeeting(tx, name.Id("meeting")));
    ASSIGN_OR_RETURN(agreement, MustGetAgreement(tx, req.name()));
    std::vector<std::string> rooms;
    for (const auto& v : agreement.venues()) rooms.push_back(v.room());
    for (const auto& p : agreement.programme()) rooms.push_back(p.room());
    for (const std::string& r : rooms) {
      if (r.empty() || room_names.count(r)) continue;
      ASSIGN_OR_RETURN(auto room, tx.GetRoom(r.substr(sizeof("rooms/") - 1)));
      if (room) room_names[r] = room->display_name();
    }
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(auto pdf,
                   AgreementDocument(meeting, agreement, room_names, ctx_.policy, ctx_.clock->Now()).Render());
  return doc::AsMessage(std::move(pdf),
                        absl::StrCat("agreement-", name.Id("meeting"), "-v", agreement.version(), ".pdf"));
}

absl::StatusOr<type::v1::Document> Diary::PrintFunctionDiary(const Principal& who,
                                                             const v1::PrintFunctionDiaryRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "the diary is printed by staff, departments and services"));
  if (!req.has_start_date()) return InvalidArgument("start_date", "is required");
  RETURN_IF_ERROR(CheckDate(req.start_date(), "start_date"));
  if (req.days() < 0 || req.days() > 7) return InvalidArgument("days", "must be 0..7 (0 = a week)");
  const int days = req.days() == 0 ? 7 : req.days();
  const absl::CivilDay first(req.start_date().year(), req.start_date().month(), req.start_date().day());
  doc::Document d(doc::Stamp{ctx_.policy.hotel, "场地日程表", "rooms/-/diary",
                             absl::StrCat(Day(ToDate(first)), " 起 ", days, " 天"),
                             absl::FormatTime("%Y-%m-%d %H:%M", ctx_.clock->Now(), ctx_.policy.zone)},
                  doc::Orientation::kLandscape);
  RETURN_IF_ERROR(AddDiarySheet(who, first, days, req.rooms(), d));
  ASSIGN_OR_RETURN(auto pdf, d.Render());
  return doc::AsMessage(std::move(pdf), absl::StrCat("diary-", Day(ToDate(first)), ".pdf"));
}

absl::Status Diary::AddDiarySheet(const Principal& who, absl::CivilDay first, int days,
                                  const google::protobuf::RepeatedPtrField<std::string>& only, doc::Document& d) {
  const absl::TimeZone zone = ctx_.policy.zone;
  v1::GetAvailabilityRequest range;
  *range.mutable_start_time() = ToProto(absl::FromCivil(first, zone));
  *range.mutable_end_time() = ToProto(absl::FromCivil(first + days, zone));
  *range.mutable_rooms() = only;
  ASSIGN_OR_RETURN(const v1::Availability diary, GetAvailability(who, range));
  // The rooms' names, each booking and its meeting's title.
  std::map<std::string, v1::Room> rooms;
  std::map<std::string, v1::Booking> bookings;
  std::map<std::string, std::string> titles;
  RETURN_IF_ERROR(ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    for (const auto& r : diary.rooms()) {
      ASSIGN_OR_RETURN(auto room, tx.GetRoom(r.room().substr(sizeof("rooms/") - 1)));
      if (room) rooms[r.room()] = std::move(*room);
      for (const auto& h : r.holds()) {
        if (!bookings.count(h.booking())) {
          ASSIGN_OR_RETURN(auto b, tx.GetBooking(h.booking()));
          if (b) bookings[h.booking()] = std::move(*b);
        }
        if (!titles.count(h.meeting())) {
          ASSIGN_OR_RETURN(auto m, tx.GetMeeting(h.meeting().substr(sizeof("meetings/") - 1)));
          titles[h.meeting()] = m ? m->title() : h.meeting();
        }
      }
    }
    return absl::OkStatus();
  }));

  std::vector<std::string> header = {"场地"};
  for (int i = 0; i < days; ++i) {
    const absl::CivilDay day = first + i;
    header.push_back(absl::StrFormat("%02d-%02d %s", day.month(), day.day(), WeekdayName(absl::GetWeekday(day))));
  }
  std::vector<doc::Document::Row> rows;
  for (const auto& r : diary.rooms()) {
    std::vector<std::string> cells(static_cast<size_t>(days) + 1);
    auto room = rooms.find(r.room());
    cells[0] = room == rooms.end() ? r.room() : room->second.display_name();
    for (const auto& h : r.holds()) {
      auto b = bookings.find(h.booking());
      if (b == bookings.end()) continue;
      const v1::Booking& booking = b->second;
      const absl::Time start = FromProto(booking.start_time()), end = FromProto(booking.end_time());
      for (int i = 0; i < days; ++i) {
        const absl::Time day_start = absl::FromCivil(first + i, zone), day_end = absl::FromCivil(first + i + 1, zone);
        if (end <= day_start || start >= day_end) continue;
        std::string& cell = cells[static_cast<size_t>(i) + 1];
        if (!cell.empty()) cell += "\n";
        absl::StrAppend(&cell, absl::FormatTime("%H:%M", std::max(start, day_start), zone), "–",
                        end >= day_end ? "次日" : absl::FormatTime("%H:%M", end, zone), " ", titles[h.meeting()], "（",
                        booking.hold() == v1::Booking::DEFINITE ? "确定" : "暂定", "，", StyleName(booking.style()),
                        " ", booking.attendees(), "人", h.room() != r.room() ? "，经 " + h.room() : "", "）");
      }
    }
    rows.push_back({std::move(cells)});
  }
  std::vector<double> widths(static_cast<size_t>(days) + 1, 2.0);
  widths[0] = 1.2;
  d.Paragraph("每格列出当天的预订：时间、会议、确定或暂定、摆台与人数（时间为活动本身，不含布场与撤场）。");
  d.Table(std::move(header), std::move(widths), std::move(rows), true);
  return absl::OkStatus();
}

absl::StatusOr<type::v1::Document> FollowUp::PrintDailyBatch(const Principal& who,
                                                             const v1::PrintDailyBatchRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "the daily batch is printed by staff, departments and services"));
  const absl::TimeZone zone = ctx_.policy.zone;
  const absl::Time now = ctx_.clock->Now();
  if (req.has_date()) RETURN_IF_ERROR(CheckDate(req.date(), "date"));
  const absl::CivilDay day = req.has_date() ? absl::CivilDay(req.date().year(), req.date().month(), req.date().day())
                                            : absl::ToCivilDay(now, zone) + 1;
  if (ctx_.notices == nullptr) return absl::UnavailableError("no notifications service is configured");
  // The meetings in house that day, and the current revision of each one's
  // notice as the departments received it.
  v1::GetTodayViewRequest today;
  *today.mutable_date() = ToDate(day);
  ASSIGN_OR_RETURN(const v1::TodayView view, GetTodayView(who, today));
  std::vector<notifications::v1::NoticeRevision> notices;
  RETURN_IF_ERROR(ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    for (const auto& m : view.meetings()) {
      ASSIGN_OR_RETURN(auto meeting, MustGetMeeting(tx, m.meeting().substr(sizeof("meetings/") - 1)));
      if (meeting.notice_revision() == 0) continue;
      notices.emplace_back();
      notices.back().set_notice_id(NoticeIdOf(meeting.name().substr(sizeof("meetings/") - 1)));
      notices.back().set_revision(meeting.notice_revision());
    }
    return absl::OkStatus();
  }));
  for (auto& n : notices) {
    ASSIGN_OR_RETURN(n, ctx_.notices->Revision(who, n.notice_id(), n.revision()));
  }

  const std::string printed = absl::FormatTime("%Y-%m-%d %H:%M", now, zone);
  doc::Document d(doc::Stamp{ctx_.policy.hotel, absl::StrCat("每日单据 ", Day(ToDate(day))), "meetings/-/dailyBatch",
                             Day(ToDate(day)), printed});
  std::vector<doc::Document::Row> contents;
  for (const auto& n : notices) {
    contents.push_back({{n.title(), n.meeting(), absl::StrCat("第 ", n.revision(), " 版")}});
  }
  contents.push_back({{"场地日程表", "rooms/-/diary", "当天"}});
  d.Heading(
      absl::StrCat(who.Is(Role::kDepartment) ? notifications::DepartmentName(who.department) + "：" : "", "本批包括"));
  d.Table({"单据", "资源", "版本"}, {3, 3, 1}, std::move(contents));
  const std::string department = who.Is(Role::kDepartment) ? who.department : "";
  for (const auto& n : notices) {
    d.Part(doc::Stamp{ctx_.policy.hotel, notifications::NoticeTitle(department), n.name(),
                      absl::StrCat("第 ", n.revision(), " 版"), printed});
    notifications::AddNotice(d, n, department, zone);
  }
  d.Part(doc::Stamp{ctx_.policy.hotel, "场地日程表", "rooms/-/diary", absl::StrCat(Day(ToDate(day)), " 当天"), printed},
         doc::Orientation::kLandscape);
  RETURN_IF_ERROR(Diary(ctx_).AddDiarySheet(who, day, 1, {}, d));
  ASSIGN_OR_RETURN(auto pdf, d.Render());
  return doc::AsMessage(std::move(pdf), absl::StrCat("daily-batch-", Day(ToDate(day)), ".pdf"));
}

}  // namespace atrium::meetings
