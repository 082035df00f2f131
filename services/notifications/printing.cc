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
#include "services/notifications/notice_document.h"
#include "services/notifications/notices.h"

namespace atrium::notifications {
namespace {

using v1::Dispatch;
using v1::FieldChange;
using v1::NoticeRevision;

doc::Stamp StampOf(const NoticesOptions& o, std::string title, std::string resource, std::string version,
                   absl::Time now) {
  return doc::Stamp{o.hotel, std::move(title), std::move(resource), std::move(version),
                    absl::FormatTime("%Y-%m-%d %H:%M", now, o.zone)};
}

const std::initializer_list<Role> kStaffAndService = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                      Role::kGmOffice, Role::kService};

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
  doc::Document d(StampOf(options_, NoticeTitle(req.department()), revision.name(),
                          absl::StrCat("第 ", revision.revision(), " 版"), clock_->Now()));
  AddNotice(d, revision, req.department(), options_.zone);
  ASSIGN_OR_RETURN(auto pdf, d.Render());
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
