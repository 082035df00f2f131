// The coded reasons lost and cancelled business is marked with (Pipeline):
// the manager keeps the list; a meeting marked lost or cancelled may name
// one, which must be active then.
#include <set>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/validate.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"

namespace atrium::meetings {
namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::LostReason;

constexpr char kListQuery[] = "lostReasons|";

absl::StatusOr<std::string> CodeOf(const std::string& name, const std::string& field) {
  ASSIGN_OR_RETURN(auto ids, ParseName(name, {"lostReasons"}, field));
  return ids[0];
}

absl::StatusOr<LostReason> MustGetLostReason(MeetingsTx& tx, const std::string& code) {
  ASSIGN_OR_RETURN(auto r, tx.GetLostReason(code));
  if (!r) return NotFound("lost reason", absl::StrCat("lostReasons/", code));
  return std::move(*r);
}

absl::Status CheckFields(const LostReason& r) {
  RETURN_IF_ERROR(CheckText(r.display_name(), "lost_reason.display_name", 100, true));
  return CheckText(r.description(), "lost_reason.description", 500);
}

absl::Status Retired(const LostReason& r) {
  return FailedPrecondition("LOST_REASON_RETIRED", absl::StrCat(r.name(), " is retired"), {{"lost_reason", r.name()}});
}

}  // namespace

namespace internal {

absl::StatusOr<std::string> LostReasonCodeOf(const std::string& name, const std::string& field) {
  if (name.empty()) return std::string();
  return CodeOf(name, field);
}

absl::Status MarkLostReason(MeetingsTx& tx, const std::string& code, v1::Meeting& m) {
  if (code.empty()) return absl::OkStatus();
  const std::string name = absl::StrCat("lostReasons/", code);
  ASSIGN_OR_RETURN(auto r, tx.GetLostReason(code));
  if (!r) {
    return FailedPrecondition("LOST_REASON_NOT_FOUND", absl::StrCat(name, " does not exist"), {{"lost_reason", name}});
  }
  if (r->state() == LostReason::RETIRED) return Retired(*r);
  m.set_lost_reason(name);
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<LostReason> Pipeline::CreateLostReason(const Principal& who, const v1::CreateLostReasonRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the list of lost reasons is kept by the manager"));
  if (!IsValidId(req.lost_reason_id())) {
    return InvalidArgument("lost_reason_id", "must be 1 to 63 of a-z, 0-9 and '-'");
  }
  LostReason r = req.lost_reason();
  RETURN_IF_ERROR(CheckFields(r));
  const absl::Time now = ctx_.clock->Now();
  r.set_name(absl::StrCat("lostReasons/", req.lost_reason_id()));
  r.set_state(LostReason::ACTIVE);
  r.set_etag(NewEtag());
  *r.mutable_audit() = NewAudit(who, now);
  RETURN_IF_ERROR(ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing, tx.GetLostReason(req.lost_reason_id()));
    if (existing) {
      return AlreadyExists("LOST_REASON_EXISTS", absl::StrCat(r.name(), " exists already"),
                           {{"existing_lost_reason", r.name()}});
    }
    return tx.InsertLostReason(req.lost_reason_id(), r);
  }));
  return r;
}

absl::StatusOr<LostReason> Pipeline::GetLostReason(const Principal& who, const v1::GetLostReasonRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "lost reasons are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto code, CodeOf(req.name(), "name"));
  return ctx_.store->Read<LostReason>([&](MeetingsTx& tx) { return MustGetLostReason(tx, code); });
}

absl::StatusOr<v1::ListLostReasonsResponse> Pipeline::ListLostReasons(const Principal& who,
                                                                      const v1::ListLostReasonsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "lost reasons are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size(), 100, 1000));
  const std::string query = absl::StrCat(kListQuery, req.show_retired());
  ASSIGN_OR_RETURN(const std::string after, ctx_.page_tokens.DecodeAfterKey(req.page_token(), query));
  v1::ListLostReasonsResponse out;
  RETURN_IF_ERROR(ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListLostReasons(after, req.show_retired(), size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& r : rows) *out.add_lost_reasons() = std::move(r);
    if (more) {
      const std::string& last = out.lost_reasons(out.lost_reasons_size() - 1).name();
      out.set_next_page_token(ctx_.page_tokens.EncodeAfterKey(query, last.substr(sizeof("lostReasons/") - 1)));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<LostReason> Pipeline::UpdateLostReason(const Principal& who, const v1::UpdateLostReasonRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the list of lost reasons is kept by the manager"));
  ASSIGN_OR_RETURN(auto code, CodeOf(req.lost_reason().name(), "lost_reason.name"));
  static const std::set<std::string, std::less<>> kChangeable = {"display_name", "description"};
  for (const auto& path : req.update_mask().paths()) {
    if (kChangeable.count(path) == 0) {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not a lost reason field that can change"));
    }
  }
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<LostReason>([&](MeetingsTx& tx) -> absl::StatusOr<LostReason> {
    ASSIGN_OR_RETURN(auto r, MustGetLostReason(tx, code));
    if (!req.lost_reason().etag().empty() && req.lost_reason().etag() != r.etag()) return StaleEtag(r.name());
    if (r.state() == LostReason::RETIRED) return Retired(r);
    if (req.update_mask().paths_size() == 0) {
      r.set_display_name(req.lost_reason().display_name());
      r.set_description(req.lost_reason().description());
    } else {
      ApplyFieldMask(req.lost_reason(), req.update_mask(), &r);
    }
    RETURN_IF_ERROR(CheckFields(r));
    Touch(r.mutable_audit(), who, now);
    r.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutLostReason(code, r));
    return r;
  });
}

absl::StatusOr<LostReason> Pipeline::RetireLostReason(const Principal& who, const v1::RetireLostReasonRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the list of lost reasons is kept by the manager"));
  ASSIGN_OR_RETURN(auto code, CodeOf(req.name(), "name"));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<LostReason>([&](MeetingsTx& tx) -> absl::StatusOr<LostReason> {
    ASSIGN_OR_RETURN(auto r, MustGetLostReason(tx, code));
    if (r.state() == LostReason::RETIRED) return r;  // harmless again
    if (!req.etag().empty() && req.etag() != r.etag()) return StaleEtag(r.name());
    r.set_state(LostReason::RETIRED);
    Touch(r.mutable_audit(), who, now);
    r.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutLostReason(code, r));
    return r;
  });
}

}  // namespace atrium::meetings
