// Suggestions and complaints (意见与建议, 投诉): received with a severity and a
// due time, assigned, answered, closed. Major complaints (重大投诉) are the
// manager's: they appear in the manager's queue and only the manager assigns
// and closes them, and the manager is alerted as one arrives. Feedback is
// passed on to the departments it concerns (及时向餐饮部或房务部反馈): each is
// alerted, reads the entry and replies to it. An entry not answered by its
// due time alerts its assignee and the manager. Alerts are written to the
// outbox in the transaction of the change and sent to the notifications
// service afterwards.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/trace.h"
#include "common/validate.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Feedback;

constexpr ChildSpec kSpec{"CreateFeedback", "feedback", kFeedback, "feedback", ClerkMay::kYes, false};

ChildRecord ToRecord(const Feedback& f, const std::string& account_id) {
  ChildRecord r;
  r.name = f.name();
  r.kind = kFeedback;
  r.account_id = account_id;
  r.state = f.state();
  r.category = f.severity();
  r.person = f.assignee();
  // Overdue means "not answered by the due time".
  const bool open = f.state() == Feedback::RECEIVED || f.state() == Feedback::ASSIGNED;
  r.due_micros = open ? ToUnixMicros(f.response_due_time()) : 0;
  r.sort_key = ToUnixMicros(f.receive_time());
  r.data = f.SerializeAsString();
  return r;
}

absl::Status RequireState(const Feedback& f, std::initializer_list<Feedback::State> allowed, const std::string& what) {
  for (auto s : allowed) {
    if (f.state() == s) return absl::OkStatus();
  }
  return FailedPrecondition(absl::StrCat("FEEDBACK_", Feedback::State_Name(f.state())),
                            absl::StrCat(f.name(), " is ", Feedback::State_Name(f.state()), ": ", what),
                            {{"state", Feedback::State_Name(f.state())}});
}

constexpr char kCreateAlert[] = "/atrium.notifications.v1.NotificationsService/CreateAlert";
// Feedback due before this mark has been reported overdue.
constexpr char kOverdueMark[] = "feedback.overdue_reported";
constexpr int kMaxDepartments = 10;
constexpr int kMaxReplies = 50;

bool Concerns(const Feedback& f, const std::string& department) {
  return std::find(f.departments().begin(), f.departments().end(), department) != f.departments().end();
}

// Writes an alert about `f` to the outbox in `tx`. `why` tells the alerts of
// one entry apart; with the entry's id it is the request_id, the same on
// every retry, so the notifications service creates each alert once.
absl::Status QueueAlert(ClientsTx& tx, const Feedback& f, const std::string& recipient, const std::string& title,
                        const std::string& why, absl::Time now) {
  notifications::v1::CreateAlertRequest req;
  notifications::v1::Alert& a = *req.mutable_alert();
  a.set_recipient(recipient);
  a.set_title(Utf8Prefix(absl::StrCat(title, ": ", f.subject()), 200));
  a.set_body(Utf8Prefix(f.description(), 2000));
  a.set_source(f.name());
  req.set_request_id(absl::StrCat("feedback.", f.name().substr(f.name().rfind('/') + 1), ".", why));
  OutboxMessage m;
  m.peer = "notifications";
  m.method = kCreateAlert;
  m.body = req.SerializeAsString();
  m.label = req.request_id();
  m.traceparent = CurrentTraceparent();
  return tx.AddOutbox(m, absl::ToUnixMicros(now));
}

// The alerts of an entry past its due time: its assignee and the manager.
absl::Status QueueOverdue(ClientsTx& tx, const Feedback& f, absl::Time now) {
  const std::string title = absl::StrCat("Not answered by its due time (", Feedback::Severity_Name(f.severity()), " ",
                                         Feedback::Kind_Name(f.kind()), ")");
  RETURN_IF_ERROR(QueueAlert(tx, f, "role/manager", title, "overdue.manager", now));
  if (f.assignee().empty()) return absl::OkStatus();
  return QueueAlert(tx, f, absl::StrCat("staff/", f.assignee()), title, "overdue.assignee", now);
}

// Major complaints are the manager's (重大投诉 goes to the manager).
absl::Status RequireManagerForMajor(const Principal& who, const Feedback& f, const std::string& action) {
  if (f.severity() == Feedback::MAJOR && !who.Is(Role::kManager)) {
    return PermissionDenied(absl::StrCat("only the manager ", action, " a major complaint"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Feedback> Archive::CreateFeedback(const Principal& who, const v1::CreateFeedbackRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "CreateFeedback is for staff, departments and services"));
  Feedback f = req.feedback();
  if (f.kind() == Feedback::KIND_UNSPECIFIED || !Feedback::Kind_IsValid(f.kind())) {
    return InvalidArgument("feedback.kind", "must be SUGGESTION or COMPLAINT");
  }
  if (f.severity() == Feedback::SEVERITY_UNSPECIFIED || !Feedback::Severity_IsValid(f.severity())) {
    return InvalidArgument("feedback.severity", "must be MINOR or MAJOR");
  }
  RETURN_IF_ERROR(CheckText(f.subject(), "feedback.subject", 200, true));
  RETURN_IF_ERROR(CheckText(f.description(), "feedback.description", 5000, false, true));
  if (f.has_receive_time()) {
    RETURN_IF_ERROR(CheckTimestamp(f.receive_time(), "feedback.receive_time"));
  }
  if (f.has_response_due_time()) {
    RETURN_IF_ERROR(CheckTimestamp(f.response_due_time(), "feedback.response_due_time"));
  }
  const absl::Time now = Now();
  const absl::Time received = f.has_receive_time() ? FromProto(f.receive_time()) : now;
  if (received > now + absl::Minutes(5)) return InvalidArgument("feedback.receive_time", "must not be in the future");
  const absl::Time due = f.has_response_due_time()
                             ? FromProto(f.response_due_time())
                             : received + (f.severity() == Feedback::MAJOR ? absl::Hours(4) : absl::Hours(24));
  if (due <= received) return InvalidArgument("feedback.response_due_time", "must be after receive_time");
  if (f.departments_size() > kMaxDepartments) {
    return InvalidArgument("feedback.departments", absl::StrCat("at most ", kMaxDepartments));
  }
  for (int i = 0; i < f.departments_size(); ++i) {
    const std::string& d = f.departments(i);
    if (std::find(departments_.begin(), departments_.end(), d) == departments_.end()) {
      return InvalidArgument("feedback.departments", absl::StrCat("names no configured department: ", d));
    }
    if (std::find(f.departments().begin(), f.departments().begin() + i, d) != f.departments().begin() + i) {
      return InvalidArgument("feedback.departments", absl::StrCat(d, " is named twice"));
    }
  }
  // Anyone who may report feedback reports it about any account, not only their own.
  const Principal reporter{who.subject, who.display_name, Role::kService, ""};
  return CreateChild<Feedback>(
      store_, reporter, req.parent(), RequestKeyOf(kSpec.method, who, req, req.request_id()), kSpec, std::move(f), now,
      [&](ClientsTx& tx, const v1::Account& account, Feedback& x) {
        *x.mutable_receive_time() = ToProto(received);
        *x.mutable_response_due_time() = ToProto(due);
        x.set_state(Feedback::RECEIVED);
        x.clear_assignee();
        x.clear_answer();
        x.clear_answer_time();
        x.clear_close_time();
        x.clear_replies();
        *x.mutable_audit() = NewAudit(who, now);
        x.set_etag(NewEtag());
        RETURN_IF_ERROR(AppendActivity(tx, who, account.name().substr(9), v1::Activity::NOTE,
                                       absl::StrCat(Feedback::Severity_Name(x.severity()), " ",
                                                    Feedback::Kind_Name(x.kind()), " received: ", x.subject()),
                                       x.description(), x.name(), now));
        for (const std::string& d : x.departments()) {
          const std::string title =
              absl::StrCat("Guest ", absl::AsciiStrToLower(Feedback::Kind_Name(x.kind())), " for ", d);
          RETURN_IF_ERROR(
              QueueAlert(tx, x, absl::StrCat("department/", d), title, absl::StrCat("department.", d), now));
        }
        if (x.severity() == Feedback::MAJOR && x.kind() == Feedback::COMPLAINT) {
          RETURN_IF_ERROR(QueueAlert(tx, x, "role/manager", "Major complaint received", "major", now));
        }
        // Received already past its due time, before what the last check
        // reported: it is overdue now (later ones the check finds).
        ASSIGN_OR_RETURN(auto mark, tx.GetMark(kOverdueMark));
        if (ToUnixMicros(x.response_due_time()) < mark.value_or(0)) return QueueOverdue(tx, x, now);
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Feedback> Archive::GetFeedback(const Principal& who, const v1::GetFeedbackRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "GetFeedback is for staff, departments and services"));
  auto f = ReadChild<Feedback>(store_, req.name(), "feedback", kFeedback, "feedback");
  if (f.ok() && who.Is(Role::kDepartment) && !Concerns(*f, who.department)) {
    return PermissionDenied(absl::StrCat(req.name(), " does not concern ", who.department));
  }
  return f;
}

absl::StatusOr<Feedback> Archive::ReplyToFeedback(const Principal& who, const v1::ReplyToFeedbackRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kDepartment}, "ReplyToFeedback is for the departments feedback concerns"));
  RETURN_IF_ERROR(CheckText(req.text(), "text", 5000, true, true));
  const absl::Time now = Now();
  // A department concerned replies whatever account it is; the account rule does not apply.
  const Principal as_service{who.subject, who.display_name, Role::kService, ""};
  return ChangeChild<Feedback>(
      store_, as_service, req.name(), req.etag(), "feedback", kFeedback, "feedback", ClerkMay::kNo,
      [&](ClientsTx& tx, const v1::Account& account, Feedback& f) -> absl::Status {
        if (!Concerns(f, who.department)) {
          return PermissionDenied(absl::StrCat(f.name(), " does not concern ", who.department));
        }
        RETURN_IF_ERROR(RequireState(f, {Feedback::RECEIVED, Feedback::ASSIGNED, Feedback::ANSWERED},
                                     "a closed entry takes no more replies"));
        if (f.replies_size() >= kMaxReplies) {
          return FailedPrecondition("TOO_MANY_REPLIES", absl::StrCat(f.name(), " has ", kMaxReplies, " replies"), {});
        }
        v1::FeedbackReply& r = *f.add_replies();
        r.set_department(who.department);
        r.set_text(req.text());
        r.set_author(who.subject);
        *r.mutable_create_time() = ToProto(now);
        Touch(f.mutable_audit(), who, now);
        RETURN_IF_ERROR(AppendActivity(tx, who, account.name().substr(9), v1::Activity::NOTE,
                                       absl::StrCat(who.department, " replied to feedback: ", f.subject()), req.text(),
                                       f.name(), now));
        const std::string to = f.assignee().empty() ? "role/manager" : absl::StrCat("staff/", f.assignee());
        return QueueAlert(tx, f, to, absl::StrCat(who.department, " replied"), absl::StrCat("reply.", f.replies_size()),
                          now);
      },
      ToRecord);
}

absl::StatusOr<int> Archive::ReportOverdueFeedback() {
  const absl::Time now = Now();
  int reported = 0;
  absl::Status status = store_->Write([&](ClientsTx& tx) -> absl::Status {
    reported = 0;
    ASSIGN_OR_RETURN(auto mark, tx.GetMark(kOverdueMark));
    // Entries falling due since the last check; on the first check, every
    // open entry past its due time.
    ChildQuery q;
    q.kind = kFeedback;
    q.states = {Feedback::RECEIVED, Feedback::ASSIGNED};
    q.due_from = std::max<int64_t>(mark.value_or(0), 1);
    q.due_before = absl::ToUnixMicros(now);
    q.limit = 100;
    for (;;) {
      ASSIGN_OR_RETURN(auto rows, tx.ListChildren(q));
      for (const ChildRecord& r : rows) {
        Feedback f;
        if (!f.ParseFromString(r.data)) return absl::DataLossError(absl::StrCat("stored ", r.name, " is corrupt"));
        RETURN_IF_ERROR(QueueOverdue(tx, f, now));
        ++reported;
      }
      if (static_cast<int>(rows.size()) < q.limit) break;
      q.after = std::make_pair(rows.back().sort_key, rows.back().name);
    }
    return tx.SetMark(kOverdueMark, absl::ToUnixMicros(now));
  });
  if (!status.ok()) return status;
  return reported;
}

absl::StatusOr<v1::ListFeedbackResponse> Archive::ListFeedback(const Principal& who,
                                                               const v1::ListFeedbackRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaff, "ListFeedback is for staff"));
  auto account_id = AccountIdOf(req.parent(), "parent", /*allow_wildcard=*/true);
  if (!account_id.ok()) return account_id.status();
  if (!Feedback::State_IsValid(req.state())) return InvalidArgument("state", "is not a known feedback state");
  if (req.overdue_only() && (req.state() == Feedback::ANSWERED || req.state() == Feedback::CLOSED)) {
    return InvalidArgument("state", "cannot be ANSWERED or CLOSED with overdue_only");
  }
  RETURN_IF_ERROR(CheckStaffId(req.assignee(), "assignee", false));
  const absl::Time now = Now();
  v1::ListFeedbackResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    ChildQuery q;
    q.kind = kFeedback;
    if (*account_id != "-") {
      if (auto a = MustGetAccount(tx, *account_id); !a.ok()) return a.status();
      q.account_id = *account_id;
    }
    if (req.state() != Feedback::STATE_UNSPECIFIED) {
      q.states = {req.state()};
    } else if (req.overdue_only()) {
      q.states = {Feedback::RECEIVED, Feedback::ASSIGNED};
    } else if (req.major_open_only()) {
      q.states = {Feedback::RECEIVED, Feedback::ASSIGNED, Feedback::ANSWERED};
    }
    if (req.major_open_only()) q.category = Feedback::MAJOR;
    if (req.overdue_only()) q.due_before = absl::ToUnixMicros(now);
    q.person = req.assignee();
    const std::string fingerprint = absl::StrCat("feedback|", req.parent(), "|", req.overdue_only() ? 1 : 0, "|",
                                                 req.major_open_only() ? 1 : 0, "|", req.state(), "|", req.assignee());
    auto page = ListPage<Feedback>(tx, tokens_, q, req.page_size(), req.page_token(), fingerprint);
    if (!page.ok()) return page.status();
    for (auto& f : page->first) *resp.add_feedback() = std::move(f);
    resp.set_next_page_token(page->second);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

absl::StatusOr<Feedback> Archive::AssignFeedback(const Principal& who, const v1::AssignFeedbackRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager},
                              "AssignFeedback is for the manager and key account managers"));
  RETURN_IF_ERROR(CheckStaffId(req.assignee(), "assignee", true));
  const absl::Time now = Now();
  return ChangeChild<Feedback>(
      store_, who, req.name(), req.etag(), "feedback", kFeedback, "feedback", ClerkMay::kNo,
      [&](ClientsTx&, const v1::Account&, Feedback& f) -> absl::Status {
        RETURN_IF_ERROR(RequireManagerForMajor(who, f, "assigns"));
        RETURN_IF_ERROR(RequireState(f, {Feedback::RECEIVED, Feedback::ASSIGNED}, "it can no longer be assigned"));
        f.set_state(Feedback::ASSIGNED);
        f.set_assignee(req.assignee());
        Touch(f.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Feedback> Archive::AnswerFeedback(const Principal& who, const v1::AnswerFeedbackRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaff, "AnswerFeedback is for the manager and the assignee"));
  RETURN_IF_ERROR(CheckText(req.answer(), "answer", 5000, true, true));
  const absl::Time now = Now();
  // The assignee answers whatever their role; the account rule does not apply.
  const Principal as_service{who.subject, who.display_name, Role::kService, ""};
  return ChangeChild<Feedback>(
      store_, as_service, req.name(), req.etag(), "feedback", kFeedback, "feedback", ClerkMay::kNo,
      [&](ClientsTx& tx, const v1::Account& account, Feedback& f) -> absl::Status {
        RETURN_IF_ERROR(RequireState(f, {Feedback::ASSIGNED}, "only an assigned entry can be answered"));
        if (!who.Is(Role::kManager) && f.assignee() != who.subject) {
          return PermissionDenied(
              absl::StrCat("only the manager or the assignee (", f.assignee(), ") answers ", f.name()));
        }
        f.set_state(Feedback::ANSWERED);
        f.set_answer(req.answer());
        *f.mutable_answer_time() = ToProto(now);
        Touch(f.mutable_audit(), who, now);
        return AppendActivity(tx, who, account.name().substr(9), v1::Activity::NOTE,
                              absl::StrCat("feedback answered: ", f.subject()), req.answer(), f.name(), now);
      },
      ToRecord);
}

absl::StatusOr<Feedback> Archive::CloseFeedback(const Principal& who, const v1::CloseFeedbackRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager},
                              "CloseFeedback is for the manager and key account managers"));
  const absl::Time now = Now();
  return ChangeChild<Feedback>(
      store_, who, req.name(), req.etag(), "feedback", kFeedback, "feedback", ClerkMay::kNo,
      [&](ClientsTx&, const v1::Account&, Feedback& f) -> absl::Status {
        RETURN_IF_ERROR(RequireManagerForMajor(who, f, "closes"));
        RETURN_IF_ERROR(RequireState(f, {Feedback::ANSWERED}, "only an answered entry can be closed"));
        f.set_state(Feedback::CLOSED);
        *f.mutable_close_time() = ToProto(now);
        Touch(f.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

}  // namespace atrium::clients
