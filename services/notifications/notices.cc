#include "services/notifications/notices.h"

#include "common/trace.h"
#include "common/validate.h"
#include "spdlog/spdlog.h"

#include <openssl/sha.h>

#include <algorithm>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/names.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "services/notifications/changes.h"

namespace atrium::notifications {
namespace {

using v1::Dispatch;
using v1::Notice;
using v1::NoticeRevision;

constexpr size_t kMaxText = 200;
constexpr size_t kMaxValue = 4000;
constexpr size_t kMaxRemark = 500;
constexpr int kMaxSections = 50;
constexpr int kMaxFields = 500;

const std::initializer_list<Role> kSenders = {Role::kService, Role::kManager, Role::kKeyAccountManager};
const std::initializer_list<Role> kReaders = {Role::kManager,  Role::kKeyAccountManager, Role::kClerk,
                                              Role::kGmOffice, Role::kService,           Role::kDepartment};
const std::initializer_list<Role> kStaffAndService = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                      Role::kGmOffice, Role::kService};

// SHA-256 of what the caller sent (its output-only fields cleared first).
std::string Digest(const NoticeRevision& r) {
  std::string bytes;
  r.SerializeToString(&bytes);
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

std::string RevisionName(const std::string& notice_id, int revision) {
  return absl::StrCat("notices/", notice_id, "/revisions/", revision);
}

absl::StatusOr<std::string> ParseNoticeName(const std::string& name, const std::string& field) {
  auto ids = ParseName(name, {"notices"}, field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

// What a department reads of a revision: its own section and its own changes.
void KeepDepartment(NoticeRevision* r, const std::string& department) {
  auto* sections = r->mutable_sections();
  sections->erase(std::remove_if(sections->begin(), sections->end(),
                                 [&](const v1::NoticeSection& s) { return s.department() != department; }),
                  sections->end());
  auto* changes = r->mutable_changes();
  changes->erase(std::remove_if(changes->begin(), changes->end(),
                                [&](const v1::FieldChange& c) { return c.department() != department; }),
                 changes->end());
}

bool IsOverdue(const Dispatch& d, absl::Time now) {
  return d.state() == Dispatch::AWAITING_SIGNATURE && FromProto(d.sign_deadline()) < now;
}

}  // namespace

std::string DispatchName(const std::string& notice_id, int revision, const std::string& department) {
  return absl::StrCat(RevisionName(notice_id, revision), "/dispatches/", department);
}

absl::StatusOr<DispatchKey> ParseDispatchName(const std::string& name, const std::string& field) {
  auto n =
      ParseResourceName(name, "notices/{notice}/revisions/{revision:number}/dispatches/{department:department}", field);
  if (!n.ok()) return n.status();
  DispatchKey key;
  key.notice_id = n->Id("notice");
  key.revision = static_cast<int>(n->Number("revision"));
  key.department = n->Id("department");
  return key;
}

Notices::Notices(NotificationsStore* store, const Clock* clock, PageTokens page_tokens, NoticesOptions options)
    : store_(store), clock_(clock), page_tokens_(std::move(page_tokens)), options_(std::move(options)) {}

void Notices::AddSink(DispatchSink* sink) {
  absl::MutexLock lock(&sinks_mu_);
  sinks_.push_back(sink);
}

bool Notices::IsDepartment(const std::string& d) const {
  for (const auto& known : options_.departments) {
    if (known == d) return true;
  }
  return false;
}

absl::Status Notices::ValidateRevision(const NoticeRevision& r) const {
  if (!IsValidId(r.notice_id())) {
    return InvalidArgument("revision.notice_id", "must be 1 to 63 of a-z, 0-9 and '-'");
  }
  if (r.revision() < 1) return InvalidArgument("revision.revision", "must be 1 or more");
  if (!r.meeting().empty()) {
    if (auto ids = ParseName(r.meeting(), {"meetings"}, "revision.meeting"); !ids.ok()) return ids.status();
  }
  RETURN_IF_ERROR(CheckText(r.title(), "revision.title", kMaxText, true));
  RETURN_IF_ERROR(CheckText(r.owner(), "revision.owner", 128, true));
  if (!r.has_meeting_start_time()) return InvalidArgument("revision.meeting_start_time", "is required");
  RETURN_IF_ERROR(CheckTimestamp(r.meeting_start_time(), "revision.meeting_start_time"));
  if (r.sections_size() == 0 && r.revision() == 1) {
    return InvalidArgument("revision.sections", "the first revision must concern at least one department");
  }
  if (r.sections_size() > kMaxSections) {
    return InvalidArgument("revision.sections", absl::StrCat("at most ", kMaxSections, " sections"));
  }
  std::set<std::string> departments;
  for (int i = 0; i < r.sections_size(); ++i) {
    const auto& s = r.sections(i);
    const std::string at = absl::StrCat("revision.sections[", i, "]");
    if (!IsDepartment(s.department())) {
      return InvalidArgument(at + ".department",
                             absl::StrCat("\"", s.department(), "\" is not a configured department"));
    }
    if (!departments.insert(s.department()).second) {
      return InvalidArgument(at + ".department", "appears in more than one section");
    }
    RETURN_IF_ERROR(CheckText(s.heading(), at + ".heading", kMaxText, false));
    if (s.fields_size() > kMaxFields) return InvalidArgument(at + ".fields", absl::StrCat("at most ", kMaxFields));
    std::set<std::string> paths;
    for (int j = 0; j < s.fields_size(); ++j) {
      const auto& f = s.fields(j);
      const std::string fat = absl::StrCat(at, ".fields[", j, "]");
      RETURN_IF_ERROR(CheckText(f.path(), fat + ".path", kMaxText, true));
      if (!paths.insert(f.path()).second) return InvalidArgument(fat + ".path", "appears twice in the section");
      RETURN_IF_ERROR(CheckText(f.label(), fat + ".label", kMaxText, false));
      RETURN_IF_ERROR(CheckText(f.value(), fat + ".value", kMaxValue, false));
    }
  }
  for (int i = 0; i < r.changes_size(); ++i) {
    const auto& c = r.changes(i);
    const std::string at = absl::StrCat("revision.changes[", i, "]");
    if (r.revision() == 1) return InvalidArgument("revision.changes", "the first revision has no changes");
    if (!IsDepartment(c.department())) return InvalidArgument(at + ".department", "is not a configured department");
    if (c.kind() == v1::FieldChange::KIND_UNSPECIFIED || !v1::FieldChange::Kind_IsValid(c.kind())) {
      return InvalidArgument(at + ".kind", "must be ADDED, REMOVED or MODIFIED");
    }
    RETURN_IF_ERROR(CheckText(c.path(), at + ".path", kMaxText, true));
    RETURN_IF_ERROR(CheckText(c.label(), at + ".label", kMaxText, false));
    RETURN_IF_ERROR(CheckText(c.old_value(), at + ".old_value", kMaxValue, false));
    RETURN_IF_ERROR(CheckText(c.new_value(), at + ".new_value", kMaxValue, false));
  }
  return absl::OkStatus();
}

Dispatch Notices::NewDispatch(const NoticeRevision& rev, const std::string& department, absl::Time now) const {
  Dispatch d;
  d.set_name(DispatchName(rev.notice_id(), rev.revision(), department));
  d.set_notice(absl::StrCat("notices/", rev.notice_id()));
  d.set_revision(rev.revision());
  d.set_department(department);
  d.set_meeting(rev.meeting());
  d.set_title(rev.title());
  d.set_owner(rev.owner());
  *d.mutable_meeting_start_time() = rev.meeting_start_time();
  d.set_state(Dispatch::AWAITING_SIGNATURE);
  *d.mutable_dispatch_time() = ToProto(now);
  const absl::Time start = FromProto(rev.meeting_start_time());
  absl::Time deadline =
      now + (start - now < options_.urgent_window ? options_.urgent_sign_within : options_.sign_within);
  if (start > now && start < deadline) deadline = start;
  *d.mutable_sign_deadline() = ToProto(deadline);
  for (const auto& s : rev.sections()) {
    if (s.department() == department) *d.mutable_section() = s;
  }
  if (!d.has_section()) d.mutable_section()->set_department(department);
  for (const auto& c : rev.changes()) {
    if (c.department() == department) *d.add_changes() = c;
  }
  d.set_event_id(d.name());
  d.set_traceparent(CurrentTraceparent());
  return d;
}

absl::StatusOr<Notice> Notices::View(NotificationsTx& tx, Notice notice, const std::vector<Dispatch>* current) const {
  const std::string id = notice.name().substr(sizeof("notices/") - 1);
  absl::StatusOr<std::vector<Dispatch>> dispatches =
      current ? *current : tx.RevisionDispatches(id, notice.current_revision());
  if (!dispatches.ok()) return dispatches.status();
  const absl::Time now = clock_->Now();
  notice.clear_departments();
  for (const Dispatch& d : *dispatches) {
    auto* st = notice.add_departments();
    st->set_department(d.department());
    st->set_dispatch(d.name());
    st->set_state(d.state());
    if (d.has_sign_time()) *st->mutable_sign_time() = d.sign_time();
    st->set_signer(d.signer());
    st->set_overdue(IsOverdue(d, now));
    if (d.state() == Dispatch::SIGNED) {
      st->set_last_signed_revision(d.revision());
    } else if (d.revision() > 1) {
      ASSIGN_OR_RETURN(auto last, tx.LastSignedRevision(id, d.department()));
      st->set_last_signed_revision(last);
    }
  }
  return notice;
}

Notices::Prepared Notices::Prepare(NoticeRevision rev, const NoticeRevision* previous, absl::Time now) const {
  Prepared p;
  p.against = previous ? previous->revision() : 0;
  // The departments of the previous revision: each either gets the new
  // revision or is told its part was withdrawn.
  std::vector<std::string> departments;
  for (const auto& s : rev.sections()) departments.push_back(s.department());
  if (previous != nullptr) {
    if (rev.changes_size() == 0) {
      for (auto& c : DiffSections(previous->sections(), rev.sections())) *rev.add_changes() = std::move(c);
    }
    for (const auto& s : previous->sections()) {
      if (std::find(departments.begin(), departments.end(), s.department()) == departments.end()) {
        departments.push_back(s.department());
      }
    }
  }
  for (const auto& department : departments) {
    p.dispatches.push_back(NewDispatch(rev, department, now));
    p.dispatch_blobs.push_back(p.dispatches.back().SerializeAsString());
  }
  // A change of owner (by the manager or the meetings service: DispatchNotice
  // refuses anyone else's) is recorded in the revision that makes it.
  if (previous != nullptr && previous->owner() != rev.owner()) rev.set_previous_owner(previous->owner());
  p.revision_blob = rev.SerializeAsString();
  p.revision = std::move(rev);
  return p;
}

absl::StatusOr<Notice> Notices::DispatchNotice(const Principal& who, const v1::DispatchNoticeRequest& req) {
  RETURN_IF_ERROR(who.Require(kSenders, "notices are dispatched by the meetings service, a manager or a KAM"));
  RETURN_IF_ERROR(ValidateRevision(req.revision()));
  // Only the meetings service knows that a meeting exists and what its notice
  // says; a notice sent by hand names no meeting (and cannot get in the way
  // of the revisions the meetings service numbers).
  if (!req.revision().meeting().empty() && !who.Is(Role::kService)) {
    return PermissionDenied(
        "a notice for a meeting is issued by the meetings service (IssueNotice); a notice sent by hand names no "
        "meeting");
  }
  const bool may_reassign = who.Is(Role::kService) || who.Is(Role::kManager);
  if (!may_reassign && req.revision().owner() != who.subject) {
    return PermissionDenied(
        "a KAM sends notices they own (revision.owner is their subject); the manager hands a notice "
        "over to another owner");
  }
  NoticeRevision rev = req.revision();
  rev.clear_name();
  rev.clear_sender();
  rev.clear_create_time();
  rev.clear_previous_owner();
  const std::string digest = Digest(rev);
  const absl::Time now = clock_->Now();
  rev.set_name(RevisionName(rev.notice_id(), rev.revision()));
  rev.set_sender(who.subject);
  *rev.mutable_create_time() = ToProto(now);
  const std::string id = rev.notice_id();
  const int number = rev.revision();

  // Revisions never change once stored, so the previous one is read, and
  // everything this one creates is built and serialized, before the write
  // transaction: the single writer then only checks and stores.
  std::optional<StoredRevision> previous;
  if (number > 1) {
    absl::Status s = store_->Read([&](NotificationsTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto r, tx.GetRevision(id, number - 1));
      previous = std::move(r);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  Prepared prepared = Prepare(rev, previous ? &previous->revision : nullptr, now);

  Notice result;
  // New dispatches are handed to the sinks (the Redis publisher, the watch
  // streams) once committed: stored, so a crash cannot lose what was
  // published, and published while the disk makes the commit durable.
  // The hook runs in commit order, before the next commit: it only hands on.
  size_t handed_on = 0;
  const auto publish = [&] {
    if (prepared.dispatches.empty()) return;
    auto batch = std::make_shared<const std::vector<Dispatch>>(std::move(prepared.dispatches));
    handed_on = batch->size();
    absl::MutexLock lock(&sinks_mu_);
    for (DispatchSink* sink : sinks_) sink->Dispatched(batch);
  };
  absl::Status status = store_->Write(
      [&](NotificationsTx& tx) -> absl::Status {
        ASSIGN_OR_RETURN(auto existing, tx.GetNotice(id));
        ASSIGN_OR_RETURN(auto stored, tx.GetRevision(id, number));
        if (stored) {
          prepared.dispatches.clear();  // a retry: nothing new
          // A retry is its sender's: anyone else learns only that it exists.
          if ((stored)->revision.sender() != who.subject) {
            return AlreadyExists(
                "REVISION_EXISTS",
                absl::StrCat(rev.name(), " was accepted before from another sender; send it as revision ",
                             (existing)->current_revision() + 1),
                {{"revision", rev.name()}});
          }
          if ((stored)->digest != digest) {
            return AlreadyExists(
                "REVISION_CONTENT_DIFFERS",
                absl::StrCat(rev.name(), " was accepted before with different content; send it as revision ",
                             (existing)->current_revision() + 1),
                {{"revision", rev.name()}});
          }
          ASSIGN_OR_RETURN(auto view, View(tx, *existing));
          result = std::move(view);
          return absl::OkStatus();
        }
        if (existing && !may_reassign && (existing)->owner() != who.subject) {
          prepared.dispatches.clear();
          return PermissionDenied(
              absl::StrCat("notices/", id, " is owned by ", (existing)->owner(),
                           ": a revision comes from its owner, the manager or the meetings service"));
        }
        const int current = existing ? (existing)->current_revision() : 0;
        if (number != current + 1) {
          prepared.dispatches.clear();
          return FailedPrecondition(
              "REVISION_OUT_OF_ORDER",
              absl::StrCat("notice ", id, " is at revision ", current, "; the next one is ", current + 1),
              {{"current_revision", absl::StrCat(current)}});
        }
        if (prepared.against != current) {
          // The previous revision arrived after the read above: build again on it.
          ASSIGN_OR_RETURN(auto before, tx.GetRevision(id, current));
          if (!before) return absl::DataLossError(absl::StrCat("revision ", current, " is missing"));
          prepared = Prepare(rev, &(before)->revision, now);
        }
        Notice notice;
        if (existing) {
          notice = *existing;
          if (notice.meeting() != rev.meeting()) {
            prepared.dispatches.clear();
            return InvalidArgument("revision.meeting", absl::StrCat("the notice belongs to ", notice.meeting()));
          }
        } else {
          notice.set_name(absl::StrCat("notices/", id));
          notice.set_meeting(rev.meeting());
          *notice.mutable_create_time() = ToProto(now);
        }
        notice.set_title(rev.title());
        notice.set_owner(rev.owner());
        notice.set_current_revision(number);
        *notice.mutable_update_time() = ToProto(now);
        RETURN_IF_ERROR(tx.PutNotice(id, notice));
        if (current > 0) {
          ASSIGN_OR_RETURN(auto old, tx.RevisionDispatches(id, current));
          for (Dispatch d : old) {
            d.set_superseded_by(number);
            if (d.state() == Dispatch::AWAITING_SIGNATURE) d.set_state(Dispatch::SUPERSEDED);
            RETURN_IF_ERROR(tx.PutDispatch(d, std::nullopt));
          }
        }
        RETURN_IF_ERROR(tx.PutRevision(id, number, digest, prepared.revision_blob));
        const int64_t first_schedule = ToUnixMicros(now + options_.fresh_grace);
        for (size_t i = 0; i < prepared.dispatches.size(); ++i) {
          RETURN_IF_ERROR(tx.InsertDispatch(prepared.dispatches[i], prepared.dispatch_blobs[i], first_schedule));
        }
        ASSIGN_OR_RETURN(auto view, View(tx, notice, &prepared.dispatches));
        result = std::move(view);
        return absl::OkStatus();
      },
      publish);
  if (handed_on > 0) {
    spdlog::info("notices/{} revision {} accepted from {}: {} dispatch(es)", id, number, who.subject, handed_on);
    if (!prepared.revision.previous_owner().empty()) {
      spdlog::info("notices/{} handed over from {} to {} by {}", id, prepared.revision.previous_owner(),
                   prepared.revision.owner(), who.subject);
    }
  }
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Notice> Notices::GetNotice(const Principal& who, const v1::GetNoticeRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "notices are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto id, ParseNoticeName(req.name(), "name"));
  return store_->Read<Notice>([&](NotificationsTx& tx) -> absl::StatusOr<Notice> {
    ASSIGN_OR_RETURN(auto n, tx.GetNotice(id));
    if (!n) return NotFound("notice", req.name());
    ASSIGN_OR_RETURN(auto view, View(tx, *n));
    return view;
  });
}

absl::StatusOr<v1::ListNoticesResponse> Notices::ListNotices(const Principal& who, const v1::ListNoticesRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "notices are listed by staff and services"));
  if (!req.meeting().empty()) {
    if (auto ids = ParseName(req.meeting(), {"meetings"}, "meeting"); !ids.ok()) return ids.status();
  }
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat("notices|", req.meeting());
  ASSIGN_OR_RETURN(auto after, page_tokens_.DecodeAfter(req.page_token(), query));
  v1::ListNoticesResponse out;
  absl::Status status = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListNotices(req.meeting(), after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& n : rows) {
      ASSIGN_OR_RETURN(auto view, View(tx, std::move(n)));
      *out.add_notices() = std::move(view);
    }
    if (more) {
      const Notice& last = out.notices(out.notices_size() - 1);
      out.set_next_page_token(page_tokens_.EncodeAfter(query, ToUnixMicros(last.create_time()),
                                                       last.name().substr(sizeof("notices/") - 1)));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<NoticeRevision> Notices::GetNoticeRevision(const Principal& who,
                                                          const v1::GetNoticeRevisionRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "notices are read by staff, departments and services"));
  auto n = ParseResourceName(req.name(), "notices/{notice}/revisions/{revision:number}", "name");
  if (!n.ok()) return n.status();
  NoticeRevision out;
  absl::Status status = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    auto r = tx.GetRevision(n->Id("notice"), static_cast<int>(n->Number("revision")));
    if (!r.ok()) return r.status();
    if (!*r) return NotFound("notice revision", req.name());
    out = std::move((*r)->revision);
    return absl::OkStatus();
  });
  if (status.ok() && who.Is(Role::kDepartment)) KeepDepartment(&out, who.department);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::ListNoticeRevisionsResponse> Notices::ListNoticeRevisions(
    const Principal& who, const v1::ListNoticeRevisionsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "notices are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto notice_id, ParseNoticeName(req.parent(), "parent"));
  const std::string& id = notice_id;
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size(), 10, 50));
  const std::string query = absl::StrCat("revisions|", req.parent());
  ASSIGN_OR_RETURN(auto pos, page_tokens_.Decode(req.page_token(), query));
  int after = 0;
  if (!pos.empty() && (!absl::SimpleAtoi((pos)[0], &after) || after < 0)) {
    return InvalidArgument("page_token", "is malformed");
  }
  v1::ListNoticeRevisionsResponse out;
  absl::Status status = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    auto notice = tx.GetNotice(id);
    if (!notice.ok()) return notice.status();
    if (!*notice) return NotFound("notice", req.parent());
    // Revisions are numbered 1, 2, ... without gaps, up to the current one.
    const int last = std::min((*notice)->current_revision(), after + size);
    for (int n = after + 1; n <= last; ++n) {
      ASSIGN_OR_RETURN(auto r, tx.GetRevision(id, n));
      if (!r) return absl::DataLossError(absl::StrCat(RevisionName(id, n), " is missing"));
      NoticeRevision* rev = out.add_revisions();
      *rev = std::move((r)->revision);
      if (who.Is(Role::kDepartment)) KeepDepartment(rev, who.department);
    }
    if (last < (*notice)->current_revision()) out.set_next_page_token(page_tokens_.Encode(query, {absl::StrCat(last)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Dispatch> Notices::GetDispatch(const Principal& who, const v1::GetDispatchRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "dispatches are read by staff, services and their department"));
  ASSIGN_OR_RETURN(auto key, ParseDispatchName(req.name(), "name"));
  if (who.Is(Role::kDepartment) && who.department != key.department) {
    return PermissionDenied("a department reads only its own dispatches");
  }
  return store_->Read<Dispatch>([&](NotificationsTx& tx) -> absl::StatusOr<Dispatch> {
    ASSIGN_OR_RETURN(auto d, tx.GetDispatch(req.name()));
    if (!d) return NotFound("dispatch", req.name());
    return std::move(*d);
  });
}

absl::StatusOr<v1::ListDispatchesResponse> Notices::ListDispatches(const Principal& who,
                                                                   const v1::ListDispatchesRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "dispatches are read by staff, services and their department"));
  DispatchQuery q;
  q.department = req.department();
  if (who.Is(Role::kDepartment)) {
    if (q.department.empty()) q.department = who.department;
    if (q.department != who.department) return PermissionDenied("a department lists only its own dispatches");
  }
  if (!q.department.empty() && !IsDepartment(q.department)) {
    return InvalidArgument("department", absl::StrCat("\"", q.department, "\" is not a configured department"));
  }
  if (!req.meeting().empty()) {
    if (auto ids = ParseName(req.meeting(), {"meetings"}, "meeting"); !ids.ok()) return ids.status();
    q.meeting = req.meeting();
  }
  if (!req.notice().empty()) {
    ASSIGN_OR_RETURN(auto id, ParseNoticeName(req.notice(), "notice"));
    q.notice_id = id;
  }
  q.unsigned_only = req.unsigned_only() || req.overdue_only();
  if (req.overdue_only()) q.deadline_before = ToUnixMicros(clock_->Now());
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  q.limit = size + 1;
  const std::string query = absl::StrCat("dispatches|", q.department, "|", q.meeting, "|", q.notice_id, "|",
                                         req.unsigned_only(), "|", req.overdue_only());
  ASSIGN_OR_RETURN(q.after, page_tokens_.DecodeAfter(req.page_token(), query));
  v1::ListDispatchesResponse out;
  absl::Status status = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListDispatches(q));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& d : rows) *out.add_dispatches() = std::move(d);
    if (more) {
      const Dispatch& last = out.dispatches(out.dispatches_size() - 1);
      out.set_next_page_token(page_tokens_.EncodeAfter(query, ToUnixMicros(last.dispatch_time()), last.name()));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Dispatch> Notices::SignDispatch(const Principal& who, const v1::SignDispatchRequest& req) {
  ASSIGN_OR_RETURN(auto key, ParseDispatchName(req.name(), "name"));
  if (!who.IsDepartment(key.department)) {
    return PermissionDenied(absl::StrCat("only staff of department ", key.department, " sign its dispatches"));
  }
  RETURN_IF_ERROR(CheckText(req.remark(), "remark", kMaxRemark, false));
  const absl::Time now = clock_->Now();
  Dispatch out;
  absl::Status status = store_->Write([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto d, tx.GetDispatch(req.name()));
    if (!d) return NotFound("dispatch", req.name());
    out = std::move(*d);
    if (out.state() == Dispatch::SIGNED) return absl::OkStatus();  // the first signature stands
    if (out.state() == Dispatch::SUPERSEDED) {
      ASSIGN_OR_RETURN(auto notice, tx.GetNotice(key.notice_id));
      const int current = notice ? (notice)->current_revision() : out.superseded_by();
      const std::string current_dispatch = DispatchName(key.notice_id, current, key.department);
      return FailedPrecondition("REVISION_SUPERSEDED",
                                absl::StrCat("revision ", out.revision(), " was superseded; the current revision is ",
                                             current, ": sign ", current_dispatch),
                                {{"current_revision", absl::StrCat(current)}, {"current_dispatch", current_dispatch}});
    }
    out.set_state(Dispatch::SIGNED);
    *out.mutable_sign_time() = ToProto(now);
    out.set_signer(who.subject);
    out.set_signer_name(who.display_name);
    out.set_remark(req.remark());
    return tx.PutDispatch(out, std::nullopt);
  });
  if (!status.ok()) return status;
  spdlog::info("{} signed by {} for {}", out.name(), out.signer(), out.department());
  return out;
}

absl::Status Notices::CheckWatch(const Principal& who, const v1::WatchDispatchesRequest& req) const {
  RETURN_IF_ERROR(
      who.Require({Role::kService, Role::kDepartment}, "dispatches are watched by departments and services"));
  if (!IsDepartment(req.department())) {
    return InvalidArgument("department", absl::StrCat("\"", req.department(), "\" is not a configured department"));
  }
  if (who.Is(Role::kDepartment) && who.department != req.department()) {
    return PermissionDenied("a department watches only its own dispatches");
  }
  return absl::OkStatus();
}

}  // namespace atrium::notifications
