#include "services/meetings/notice.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time_util.h"

namespace atrium::meetings {

std::string Day(const type::v1::Date& d) { return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day()); }

const char* MealName(v1::Meal::Kind k) {
  switch (k) {
    case v1::Meal::BREAKFAST: return "早餐";
    case v1::Meal::LUNCH: return "午餐";
    case v1::Meal::DINNER: return "晚餐";
    case v1::Meal::TEA_BREAK: return "茶歇";
    case v1::Meal::BANQUET: return "宴会";
    default: return "餐";
  }
}

namespace {

using notifications::v1::NoticeRevision;
using notifications::v1::NoticeSection;

std::string Local(const google::protobuf::Timestamp& t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProto(t), zone);
}

std::string LocalTime(const google::protobuf::Timestamp& t, absl::TimeZone zone) {
  return absl::FormatTime("%H:%M", FromProto(t), zone);
}

void Add(NoticeSection* s, const std::string& path, const std::string& label, const std::string& value) {
  auto* f = s->add_fields();
  f->set_path(path);
  f->set_label(label);
  f->set_value(value);
}

void General(NoticeSection* s, const v1::Meeting& m, const v1::Agreement& a, absl::TimeZone zone,
             const std::string& cancelled) {
  Add(s, "general/status", "状态", cancelled.empty() ? "已确认" : absl::StrCat("已取消：", cancelled));
  Add(s, "general/meeting", "会议名称", m.title());
  Add(s, "general/organiser", "主办单位", a.organiser());
  Add(s, "general/attendees", "人数", absl::StrCat(a.attendees()));
  Add(s, "general/dates", "会期",
      a.has_start_time() ? absl::StrCat(Local(a.start_time(), zone), " – ", Local(a.end_time(), zone)) : "");
  Add(s, "general/kam", "客户经理", m.owner());
  if (!a.special_arrangements().empty()) Add(s, "general/special", "特殊安排", a.special_arrangements());
}

std::string VenueLine(const v1::VenueUse& v, absl::TimeZone zone) {
  std::string line = absl::StrCat(Local(v.start_time(), zone), "–", LocalTime(v.end_time(), zone), " ",
                                  v1::SetupStyle_Name(v.style()));
  if (!v.purpose().empty()) absl::StrAppend(&line, " · ", v.purpose());
  return line;
}

}  // namespace

NoticeRevision BuildNotice(const v1::Meeting& m, const v1::Agreement& a, int revision, absl::TimeZone zone,
                           const std::map<std::string, std::string>& room_names, const std::string& cancelled) {
  auto room_name = [&](const std::string& room) {
    auto it = room_names.find(room);
    return it == room_names.end() ? room.substr(sizeof("rooms/") - 1) : it->second;
  };
  // A venue's path: the room and its local start, stable across revisions.
  auto venue_path = [&](const v1::VenueUse& v) {
    return absl::StrCat("venues/", v.room().substr(sizeof("rooms/") - 1), "/",
                        absl::FormatTime("%Y-%m-%dT%H:%M", FromProto(v.start_time()), zone));
  };
  const std::string meeting_id = m.name().substr(sizeof("meetings/") - 1);
  NoticeRevision n;
  n.set_notice_id(NoticeIdOf(meeting_id));
  n.set_revision(revision);
  n.set_meeting(m.name());
  n.set_title(m.title());
  n.set_owner(m.owner());
  if (a.has_start_time()) *n.mutable_meeting_start_time() = a.start_time();

  NoticeSection* fnb = n.add_sections();
  fnb->set_department("fnb");
  fnb->set_heading("餐饮安排");
  General(fnb, m, a, zone, cancelled);
  for (const auto& meal : a.meals()) {
    const std::string path = absl::StrCat("meals/", Day(meal.date()), "/", v1::Meal::Kind_Name(meal.kind()));
    std::string value = absl::StrCat(meal.time().empty() ? "" : meal.time() + " · ", meal.headcount(), "人");
    if (!meal.standard().empty()) absl::StrAppend(&value, " · 标准 ", meal.standard());
    if (!meal.place().empty()) absl::StrAppend(&value, " · ", meal.place());
    if (!meal.menu().empty()) absl::StrAppend(&value, " · 菜单：", meal.menu());
    Add(fnb, path, absl::StrCat(Day(meal.date()), " ", MealName(meal.kind())), value);
  }
  for (const auto& v : a.venues()) {
    Add(fnb, venue_path(v), absl::StrCat("场地 ", room_name(v.room())), VenueLine(v, zone));
  }

  NoticeSection* rooms = n.add_sections();
  rooms->set_department("rooms");
  rooms->set_heading("客房安排");
  General(rooms, m, a, zone, cancelled);
  for (const auto& night : a.room_block()) {
    Add(rooms, absl::StrCat("rooms/", Day(night.night()), "/", night.room_type()),
        absl::StrCat(Day(night.night()), " ", night.room_type()), absl::StrCat(night.rooms(), "间"));
  }
  std::vector<std::string> arrivals;
  for (const auto& g : a.guests()) {
    if (g.room_type().empty()) continue;
    arrivals.push_back(absl::StrCat(g.name(), g.vip() ? "(VIP)" : "", " ", g.has_arrival() ? Day(g.arrival()) : "待定",
                                    "–", g.has_departure() ? Day(g.departure()) : "待定", " ", g.room_type()));
  }
  if (!arrivals.empty()) Add(rooms, "arrivals", "抵店名单", absl::StrJoin(arrivals, "; "));

  NoticeSection* front = n.add_sections();
  front->set_department("front_office");
  front->set_heading("前厅接待");
  General(front, m, a, zone, cancelled);
  if (!a.reception().empty()) Add(front, "reception", "接待要求", a.reception());
  for (const auto& g : a.guests()) {
    if (!g.vip()) continue;
    std::string value =
        absl::StrCat(g.title().empty() ? "" : g.title() + " · ", "抵店 ", g.has_arrival() ? Day(g.arrival()) : "待定");
    if (!g.note().empty()) absl::StrAppend(&value, " · ", g.note());
    Add(front, absl::StrCat("vips/", g.name()), absl::StrCat("VIP ", g.name()), value);
  }

  NoticeSection* eng = n.add_sections();
  eng->set_department("engineering");
  eng->set_heading("工程与音响");
  General(eng, m, a, zone, cancelled);
  if (!a.av_requirements().empty()) Add(eng, "av", "音响及设备要求", a.av_requirements());
  for (const auto& v : a.venues()) {
    Add(eng, venue_path(v), absl::StrCat("场地 ", room_name(v.room())), VenueLine(v, zone));
  }
  return n;
}

google::protobuf::RepeatedPtrField<v1::ChecklistItem> DeriveChecklist(
    const NoticeRevision& notice, const google::protobuf::RepeatedPtrField<v1::ChecklistItem>& previous) {
  std::map<std::string, const v1::ChecklistItem*> before;
  for (const auto& item : previous) before[item.id()] = &item;
  google::protobuf::RepeatedPtrField<v1::ChecklistItem> out;
  for (const auto& section : notice.sections()) {
    for (const auto& field : section.fields()) {
      if (field.path().rfind("general/", 0) == 0) continue;
      v1::ChecklistItem item;
      item.set_id(absl::StrCat(section.department(), "/", field.path()));
      item.set_department(section.department());
      item.set_description(absl::StrCat(field.label(), "：", field.value()));
      auto it = before.find(item.id());
      if (it != before.end() && it->second->description() == item.description()) item = *it->second;
      *out.Add() = std::move(item);
    }
  }
  return out;
}

void KeepDepartment(notifications::v1::NoticeRevision* notice, const std::string& department) {
  auto* sections = notice->mutable_sections();
  sections->erase(
      std::remove_if(sections->begin(), sections->end(), [&](const auto& s) { return s.department() != department; }),
      sections->end());
  auto* changes = notice->mutable_changes();
  changes->erase(
      std::remove_if(changes->begin(), changes->end(), [&](const auto& c) { return c.department() != department; }),
      changes->end());
}

void KeepDepartments(notifications::v1::NoticeRevision* notice, const std::vector<std::string>& departments) {
  auto* sections = notice->mutable_sections();
  sections->erase(std::remove_if(sections->begin(), sections->end(),
                                 [&](const NoticeSection& s) {
                                   return std::find(departments.begin(), departments.end(), s.department()) ==
                                          departments.end();
                                 }),
                  sections->end());
}

std::vector<std::string> UnsignedDepartments(const v1::Meeting& m, const std::optional<NoticeStatus>& board,
                                             const std::vector<std::string>& departments) {
  std::vector<std::string> out;
  const bool current = board && board->current_revision == m.notice_revision();
  for (const std::string& d : departments) {
    bool signed_it = false;
    if (current) {
      for (const auto& state : board->departments) {
        signed_it |= state.department() == d && state.state() == notifications::v1::Dispatch::SIGNED;
      }
    }
    if (!signed_it) out.push_back(d);
  }
  return out;
}

}  // namespace atrium::meetings
