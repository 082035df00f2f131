// Suggestions and complaints (意见与建议, 投诉): received with a severity and a
// due time, assigned, answered, closed. Major complaints (重大投诉) are the
// manager's: they appear in the manager's queue and only the manager assigns
// and closes them.
#include "absl/strings/str_cat.h"
#include "common/time_util.h"
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

// Major complaints are the manager's (重大投诉 goes to the manager).
absl::Status RequireManagerForMajor(const Principal& who, const Feedback& f, const std::string& action) {
  if (f.severity() == Feedback::MAJOR && !who.Is(Role::kManager)) {
    return PermissionDenied(absl::StrCat("only the manager ", action, " a major complaint"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Feedback> Archive::CreateFeedback(const Principal& who, const v1::CreateFeedbackRequest& req) {
  if (auto s = who.Require(kReaders, "CreateFeedback is for staff, departments and services"); !s.ok()) return s;
  Feedback f = req.feedback();
  if (f.kind() == Feedback::KIND_UNSPECIFIED || !Feedback::Kind_IsValid(f.kind())) {
    return InvalidArgument("feedback.kind", "must be SUGGESTION or COMPLAINT");
  }
  if (f.severity() == Feedback::SEVERITY_UNSPECIFIED || !Feedback::Severity_IsValid(f.severity())) {
    return InvalidArgument("feedback.severity", "must be MINOR or MAJOR");
  }
  if (auto s = CheckText(f.subject(), "feedback.subject", 200, true); !s.ok()) return s;
  if (auto s = CheckText(f.description(), "feedback.description", 5000, false, true); !s.ok()) return s;
  if (f.has_receive_time()) {
    if (auto s = CheckTimestamp(f.receive_time(), "feedback.receive_time"); !s.ok()) return s;
  }
  if (f.has_response_due_time()) {
    if (auto s = CheckTimestamp(f.response_due_time(), "feedback.response_due_time"); !s.ok()) return s;
  }
  const absl::Time now = Now();
  const absl::Time received = f.has_receive_time() ? FromProto(f.receive_time()) : now;
  if (received > now + absl::Minutes(5)) return InvalidArgument("feedback.receive_time", "must not be in the future");
  const absl::Time due = f.has_response_due_time()
                             ? FromProto(f.response_due_time())
                             : received + (f.severity() == Feedback::MAJOR ? absl::Hours(4) : absl::Hours(24));
  if (due <= received) return InvalidArgument("feedback.response_due_time", "must be after receive_time");
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
        *x.mutable_audit() = NewAudit(who, now);
        x.set_etag(NewEtag());
        return AppendActivity(tx, who, account.name().substr(9), v1::Activity::NOTE,
                              absl::StrCat(Feedback::Severity_Name(x.severity()), " ", Feedback::Kind_Name(x.kind()),
                                           " received: ", x.subject()),
                              x.description(), x.name(), now);
      },
      ToRecord);
}

absl::StatusOr<Feedback> Archive::GetFeedback(const Principal& who, const v1::GetFeedbackRequest& req) {
  if (auto s = who.Require(kReaders, "GetFeedback is for staff, departments and services"); !s.ok()) return s;
  return ReadChild<Feedback>(store_, req.name(), "feedback", kFeedback, "feedback");
}

absl::StatusOr<v1::ListFeedbackResponse> Archive::ListFeedback(const Principal& who,
                                                               const v1::ListFeedbackRequest& req) {
  if (auto s = who.Require(kStaff, "ListFeedback is for staff"); !s.ok()) return s;
  auto account_id = AccountIdOf(req.parent(), "parent", /*allow_wildcard=*/true);
  if (!account_id.ok()) return account_id.status();
  if (!Feedback::State_IsValid(req.state())) return InvalidArgument("state", "is not a known feedback state");
  if (req.overdue_only() && (req.state() == Feedback::ANSWERED || req.state() == Feedback::CLOSED)) {
    return InvalidArgument("state", "cannot be ANSWERED or CLOSED with overdue_only");
  }
  if (auto s = CheckStaffId(req.assignee(), "assignee", false); !s.ok()) return s;
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
  if (auto s = who.Require({Role::kManager, Role::kKeyAccountManager},
                           "AssignFeedback is for the manager and key account managers");
      !s.ok()) {
    return s;
  }
  if (auto s = CheckStaffId(req.assignee(), "assignee", true); !s.ok()) return s;
  const absl::Time now = Now();
  return ChangeChild<Feedback>(
      store_, who, req.name(), req.etag(), "feedback", kFeedback, "feedback", ClerkMay::kNo,
      [&](ClientsTx&, const v1::Account&, Feedback& f) -> absl::Status {
        if (auto s = RequireManagerForMajor(who, f, "assigns"); !s.ok()) return s;
        if (auto s = RequireState(f, {Feedback::RECEIVED, Feedback::ASSIGNED}, "it can no longer be assigned");
            !s.ok()) {
          return s;
        }
        f.set_state(Feedback::ASSIGNED);
        f.set_assignee(req.assignee());
        Touch(f.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Feedback> Archive::AnswerFeedback(const Principal& who, const v1::AnswerFeedbackRequest& req) {
  if (auto s = who.Require(kStaff, "AnswerFeedback is for the manager and the assignee"); !s.ok()) return s;
  if (auto s = CheckText(req.answer(), "answer", 5000, true, true); !s.ok()) return s;
  const absl::Time now = Now();
  // The assignee answers whatever their role; the account rule does not apply.
  const Principal as_service{who.subject, who.display_name, Role::kService, ""};
  return ChangeChild<Feedback>(
      store_, as_service, req.name(), req.etag(), "feedback", kFeedback, "feedback", ClerkMay::kNo,
      [&](ClientsTx& tx, const v1::Account& account, Feedback& f) -> absl::Status {
        if (auto s = RequireState(f, {Feedback::ASSIGNED}, "only an assigned entry can be answered"); !s.ok()) {
          return s;
        }
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
  if (auto s = who.Require({Role::kManager, Role::kKeyAccountManager},
                           "CloseFeedback is for the manager and key account managers");
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return ChangeChild<Feedback>(
      store_, who, req.name(), req.etag(), "feedback", kFeedback, "feedback", ClerkMay::kNo,
      [&](ClientsTx&, const v1::Account&, Feedback& f) -> absl::Status {
        if (auto s = RequireManagerForMajor(who, f, "closes"); !s.ok()) return s;
        if (auto s = RequireState(f, {Feedback::ANSWERED}, "only an answered entry can be closed"); !s.ok()) return s;
        f.set_state(Feedback::CLOSED);
        *f.mutable_close_time() = ToProto(now);
        Touch(f.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

}  // namespace atrium::clients
