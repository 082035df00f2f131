// The printed notice (会议通知单) and dispatch record (收发文记录), for the
// departments that work from paper: what the service holds, laid out by
// common/document. A department's copy of a revision is its section with its
// changes marked and a box for its signature; the dispatch record is the
// sheet the manager files.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/document.h"
#include "common/errors.h"
#include "common/names.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "services/notifications/notices.h"

namespace atrium::notifications {
namespace {

using v1::Dispatch;
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

doc::Stamp StampOf(const NoticesOptions& o, std::string title, std::string resource, std::string version,
                   absl::Time now) {
  return doc::Stamp{o.hotel, std::move(title), std::move(resource), std::move(version),
                    absl::FormatTime("%Y-%m-%d %H:%M", now, o.zone)};
}

const std::initializer_list<Role> kStaffAndService = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                      Role::kGmOffice, Role::kService};

// The revision laid out: the meeting's particulars, then each section
// (`department`'s only, when not empty) with its changes against the
// previous revision, then what was withdrawn.
doc::Document NoticeDocument(const NoticeRevision& r, const std::string& department, const NoticesOptions& o,
                             absl::Time now) {
  const std::string title =
      department.empty() ? "会议通知单" : absl::StrCat("会议通知单 · ", DepartmentName(department));
  doc::Document d(StampOf(o, title, r.name(), absl::StrCat("第 ", r.revision(), " 版"), now));
  d.Heading("会议概况");
  std::vector<doc::Document::Row> facts = {
      {{"会议名称", r.title()}},
      {{"会议", OrDash(r.meeting())}},
      {{"会议开始", TimeOf(r.meeting_start_time(), o.zone)}},
      {{"负责大客户经理", r.owner()}},
      {{"发出", absl::StrCat(OrDash(r.sender()), "，", TimeOf(r.create_time(), o.zone))}},
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
  return d;
}

std::string StateOf(const Dispatch& x, absl::Time now) {
  switch (x.state()) {
    case Dispatch::SIGNED: return "已签收";
    case Dispatch::SUPERSEDED: return absl::StrCat("未签收，已被第 ", x.superseded_by(), " 版取代");
    case Dispatch::AWAITING_SIGNATURE: return FromProto(x.sign_deadline()) < now ? "待签收（已逾期）" : "待签收";
    default: return "—";
  }
}

}  // namespace

absl::StatusOr<type::v1::Document> Notices::PrintNoticeRevision(const Principal& who,
                                                                const v1::PrintNoticeRevisionRequest& req) {
  RETURN_IF_ERROR(who.Require(
      {Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kGmOffice, Role::kService, Role::kDepartment},
      "notices are printed by staff, departments and services"));
  auto n = ParseResourceName(req.name(), "notices/{notice}/revisions/{revision:number}", "name");
  if (!n.ok()) return n.status();
  if (!req.department().empty() && std::find(options_.departments.begin(), options_.departments.end(),
                                             req.department()) == options_.departments.end()) {
    return InvalidArgument("department", "is not a configured department");
  }
  if (who.Is(Role::kDepartment) && req.department() != who.department) {
    return PermissionDenied("a department prints its own copy (department must be the caller's)");
  }
  NoticeRevision revision;
  RETURN_IF_ERROR(store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, tx.GetRevision(n->Id("notice"), static_cast<int>(n->Number("revision"))));
    if (!r) return NotFound("notice revision", req.name());
    revision = std::move(r->revision);
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(auto pdf, NoticeDocument(revision, req.department(), options_, clock_->Now()).Render());
  return doc::AsMessage(std::move(pdf), absl::StrCat("notice-", revision.notice_id(), "-r", revision.revision(),
                                                     req.department().empty() ? "" : "-", req.department(), ".pdf"));
}

absl::StatusOr<type::v1::Document> Notices::PrintDispatchRecord(const Principal& who,
                                                                const v1::PrintDispatchRecordRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "the dispatch record is printed by staff and services"));
  auto n = ParseResourceName(req.name(), "notices/{notice}", "name");
  if (!n.ok()) return n.status();
  const std::string id = n->Id("notice");
  v1::Notice notice;
  std::vector<Dispatch> dispatches;
  RETURN_IF_ERROR(store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto got, tx.GetNotice(id));
    if (!got) return NotFound("notice", req.name());
    notice = std::move(*got);
    for (int rev = 1; rev <= notice.current_revision(); ++rev) {
      ASSIGN_OR_RETURN(auto those, tx.RevisionDispatches(id, rev));
      std::sort(those.begin(), those.end(),
                [](const Dispatch& a, const Dispatch& b) { return a.department() < b.department(); });
      for (auto& x : those) dispatches.push_back(std::move(x));
    }
    return absl::OkStatus();
  }));
  const absl::Time now = clock_->Now();
  doc::Document d(
      StampOf(options_, "收发文记录", notice.name(), absl::StrCat("至第 ", notice.current_revision(), " 版"), now),
      doc::Orientation::kLandscape);
  d.Heading("会议通知单");
  d.Table({"项目", "内容"}, {1, 4},
          {{{"会议名称", notice.title()}},
           {{"会议", OrDash(notice.meeting())}},
           {{"负责大客户经理", notice.owner()}},
           {{"当前版本", absl::StrCat("第 ", notice.current_revision(), " 版")}}});
  d.Heading("收发记录");
  std::vector<doc::Document::Row> rows;
  for (const Dispatch& x : dispatches) {
    const std::string signer =
        x.signer().empty()
            ? "—"
            : (x.signer_name().empty() ? x.signer() : absl::StrCat(x.signer_name(), " (", x.signer(), ")"));
    rows.push_back({{absl::StrCat("第 ", x.revision(), " 版"), DepartmentName(x.department()),
                     TimeOf(x.dispatch_time(), options_.zone), TimeOf(x.sign_deadline(), options_.zone),
                     StateOf(x, now), signer, TimeOf(x.sign_time(), options_.zone), x.remark()},
                    x.state() == Dispatch::AWAITING_SIGNATURE && FromProto(x.sign_deadline()) < now});
  }
  d.Table({"版本", "部门", "发出时间", "签收期限", "状态", "签收人", "签收时间", "备注"}, {1, 2, 2, 2, 2, 2, 2, 3},
          std::move(rows));
  d.Signatures({"经办人", "客户关系部经理"});
  ASSIGN_OR_RETURN(auto pdf, d.Render());
  return doc::AsMessage(std::move(pdf), absl::StrCat("dispatch-record-", id, ".pdf"));
}

}  // namespace atrium::notifications
