#include "services/notifications/notice_document.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::notifications {

using v1::FieldChange;
using v1::NoticeRevision;

// How a reader knows the departments; a department of the configuration
// without a name here prints as its id.
std::string DepartmentName(const std::string& id) {
  static const auto* kNames = new std::map<std::string, std::string>{
      {"fnb", "餐饮部"},          {"rooms", "房务部"},    {"front_office", "前厅部"}, {"engineering", "工程部"},
      {"housekeeping", "管家部"}, {"security", "保安部"}, {"finance", "财务部"},      {"sales", "销售部"},
  };
  auto it = kNames->find(id);
  return it == kNames->end() ? id : absl::StrCat(it->second, " (", id, ")");
}

std::string TimeOf(const google::protobuf::Timestamp& t, absl::TimeZone zone) {
  if (t.seconds() == 0 && t.nanos() == 0) return "—";
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProto(t), zone);
}

std::string OrDash(const std::string& s) { return s.empty() ? "—" : s; }

std::string NoticeTitle(const std::string& department) {
  return department.empty() ? "会议通知单" : absl::StrCat("会议通知单 · ", DepartmentName(department));
}

// The revision laid out: the meeting's particulars, then each section
// (`department`'s only, when not empty) with its changes against the
// previous revision, then what was withdrawn.
void AddNotice(doc::Document& d, const NoticeRevision& r, const std::string& department, absl::TimeZone zone) {
  d.Heading("会议概况");
  std::vector<doc::Document::Row> facts = {
      {{"会议名称", r.title()}},
      {{"会议", OrDash(r.meeting())}},
      {{"会议开始", TimeOf(r.meeting_start_time(), zone)}},
      {{"负责大客户经理", r.owner()}},
      {{"发出", absl::StrCat(OrDash(r.sender()), "，", TimeOf(r.create_time(), zone))}},
  };
  if (!r.previous_owner().empty()) facts.push_back({{"交接", absl::StrCat("原负责人 ", r.previous_owner())}});
  d.Table({"项目", "内容"}, {1, 3}, facts);
  if (r.revision() > 1) {
    d.Paragraph(absl::StrCat("本版为第 ", r.revision(), " 版。与第 ", r.revision() - 1,
                             " 版相比有变更的项目以阴影和左侧竖线标出，并注明原内容；已取消的项目列于最后。"));
  } else {
    d.Paragraph("本版为首次发出。");
  }

  std::map<std::pair<std::string, std::string>, const FieldChange*> changed;
  std::vector<const FieldChange*> withdrawn;
  for (const FieldChange& c : r.changes()) {
    if (!department.empty() && c.department() != department) continue;
    if (c.kind() == FieldChange::REMOVED) {
      withdrawn.push_back(&c);
    } else {
      changed[{c.department(), c.path()}] = &c;
    }
  }
  bool any = false;
  for (const v1::NoticeSection& s : r.sections()) {
    if (!department.empty() && s.department() != department) continue;
    any = true;
    d.Heading(s.heading().empty() ? DepartmentName(s.department())
                                  : absl::StrCat(s.heading(), "（", DepartmentName(s.department()), "）"));
    std::vector<doc::Document::Row> rows;
    for (const v1::NoticeField& f : s.fields()) {
      auto it = changed.find({s.department(), f.path()});
      std::string change;
      if (it != changed.end()) {
        change =
            it->second->kind() == FieldChange::ADDED ? "新增" : absl::StrCat("修改，原为：", it->second->old_value());
      }
      rows.push_back({{f.label().empty() ? f.path() : f.label(), f.value(), change}, it != changed.end()});
    }
    if (rows.empty()) {
      d.Paragraph("（本部门无具体项目）");
    } else {
      d.Table({"项目", "内容", "变更"}, {2, 5, 2}, std::move(rows));
    }
  }
  if (!department.empty() && !any) d.Paragraph("本版不再涉及本部门。");
  if (!withdrawn.empty()) {
    d.Heading("已取消的项目");
    std::vector<doc::Document::Row> rows;
    for (const FieldChange* c : withdrawn) {
      rows.push_back(
          {{DepartmentName(c->department()), c->label().empty() ? c->path() : c->label(), c->old_value()}, true});
    }
    d.Table({"部门", "项目", "原内容"}, {2, 2, 5}, std::move(rows));
  }
  if (!department.empty()) d.Signatures({absl::StrCat("接收部门签收：", DepartmentName(department))});
}

}  // namespace atrium::notifications
