// Sales (Sales): the price list and discount authority, the versions of a
// meeting's agreement (drafted, revised, signed, discarded) and the
// approvals of discounts beyond their author's authority.
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/names.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/validate.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"

namespace atrium::meetings {
namespace internal {

absl::StatusOr<v1::Agreement> MustGetAgreement(MeetingsTx& tx, const std::string& name) {
  auto a = GetAs<v1::Agreement>(tx, name);
  if (!a.ok()) return a.status();
  if (!*a) return NotFound("agreement", name);
  return std::move(**a);
}

}  // namespace internal

namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Agreement;
using v1::ApprovalRequest;
using v1::Meeting;

constexpr char kPriceListName[] = "priceList";
constexpr char kAgreementKind[] = "agreement";
constexpr char kApprovalKind[] = "approval";
// Versions of one meeting's agreement (signed, superseded and discarded).
constexpr size_t kMaxVersions = 100;

std::string Percent(int basis_points) { return absl::StrFormat("%.2f", basis_points / 100.0); }

std::string Yuan(const type::v1::Money& m) {
  return absl::StrFormat("%lld.%02lld", static_cast<long long>(m.amount_minor() / 100),
                         static_cast<long long>(m.amount_minor() % 100));
}

// meetings/{m}/agreements/{v} -> (meeting id, version)
absl::StatusOr<std::pair<std::string, int>> AgreementIdOf(const std::string& name, const std::string& field) {
  auto n = ParseResourceName(name, "meetings/{meeting}/agreements/{agreement:number}", field);
  if (!n.ok()) return n.status();
  return std::make_pair(n->Id("meeting"), static_cast<int>(n->Number("agreement")));
}

absl::Status PutAgreement(MeetingsTx& tx, const Agreement& a) {
  return tx.PutRecord(Record{a.name(), kAgreementKind, a.name().substr(0, a.name().find("/agreements/")), "",
                             a.version(), a.SerializeAsString()});
}

absl::Status PutApproval(MeetingsTx& tx, const ApprovalRequest& r) {
  const std::string tag = r.state() == ApprovalRequest::PENDING ? absl::StrCat("pending/", r.approver_role()) : "";
  return tx.PutRecord(Record{r.name(), kApprovalKind, r.name().substr(0, r.name().find("/approvals/")), tag,
                             ToUnixMicros(r.audit().create_time()), r.SerializeAsString()});
}

// Before an agreement is signed, a meeting is worth its latest draft
// (`draft`; none once discarded), and takes the draft's dates as its
// planned ones. The meeting's etag stays: these are derived, and a caller's
// next move with the etag it holds still applies.
absl::Status ValueAtDraft(const Context& ctx, MeetingsTx& tx, Meeting& m, const Agreement* draft, absl::Time now) {
  if (m.agreement_version() != 0) return absl::OkStatus();
  if (draft) {
    *m.mutable_revenue() = RevenueOf(*draft);
    // The draft's dates are the best known: the business is forecast there.
    if (draft->has_start_time() && draft->has_end_time()) {
      *m.mutable_start_time() = draft->start_time();
      *m.mutable_end_time() = draft->end_time();
    }
  } else {
    m.clear_revenue();
  }
  return SaveMeeting(ctx, tx, m, now);
}

absl::StatusOr<std::vector<Agreement>> Versions(MeetingsTx& tx, const std::string& meeting_name) {
  return AllAs<Agreement>(tx, kAgreementKind, meeting_name);
}

absl::StatusOr<v1::PriceList> LoadPriceList(MeetingsTx& tx) {
  auto list = GetAs<v1::PriceList>(tx, kPriceListName);
  if (!list.ok()) return list.status();
  if (*list) return std::move(**list);
  v1::PriceList empty;
  empty.set_name(kPriceListName);
  return empty;
}

// Meeting states in which the agreement may be drafted or changed.
bool AgreementOpen(const Meeting& m) {
  switch (m.state()) {
    case Meeting::NEGOTIATING:
    case Meeting::INTENT:
    case Meeting::CONTRACTED:
    case Meeting::NOTICE_ISSUED:
    case Meeting::PREPARED:
    case Meeting::IN_PROGRESS: return true;
    default: return false;
  }
}

std::string OfferSummary(const Agreement& a) {
  return absl::StrCat("total ", Yuan(a.total()), " CNY (list ", Yuan(a.list_total()), ", largest discount ",
                      Percent(a.discount_basis_points()), "%)");
}

}  // namespace

absl::StatusOr<v1::PriceList> Sales::GetPriceList(const Principal& who, const v1::GetPriceListRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "the price list is read by staff and services"));
  if (!req.name().empty() && req.name() != kPriceListName) return InvalidArgument("name", "must be \"priceList\"");
  return ctx_.store->Read<v1::PriceList>([&](MeetingsTx& tx) -> absl::StatusOr<v1::PriceList> {
    ASSIGN_OR_RETURN(auto list, LoadPriceList(tx));
    return list;
  });
}

absl::StatusOr<v1::PriceList> Sales::UpdatePriceList(const Principal& who, const v1::UpdatePriceListRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the price list is kept by the manager"));
  for (const auto& path : req.update_mask().paths()) {
    if (path != "items") return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" cannot be updated"));
  }
  if (!req.price_list().name().empty() && req.price_list().name() != kPriceListName) {
    return InvalidArgument("price_list.name", "must be \"priceList\"");
  }
  RETURN_IF_ERROR(ValidatePriceList(req.price_list()));
  const absl::Time now = ctx_.clock->Now();
  v1::PriceList out;
  absl::Status status = ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
    auto list = LoadPriceList(tx);
    if (!list.ok()) return list.status();
    if (!req.price_list().etag().empty() && req.price_list().etag() != list->etag()) return StaleEtag(kPriceListName);
    *list->mutable_items() = req.price_list().items();
    for (auto& item : *list->mutable_items()) item.mutable_unit_price()->set_currency_code("CNY");
    if (list->has_audit()) {
      Touch(list->mutable_audit(), who, now);
    } else {
      *list->mutable_audit() = NewAudit(who, now);
    }
    list->set_etag(NewEtag());
    out = *list;
    return tx.PutRecord(Record{kPriceListName, "pricelist", "", "", 0, list->SerializeAsString()});
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Agreement> Sales::CreateAgreement(const Principal& who, const v1::CreateAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kHandlers, "agreements are drafted by the manager and the key account manager"));
  ASSIGN_OR_RETURN(auto meeting_id, MeetingIdOf(req.parent(), "parent"));
  Agreement draft = req.agreement();
  const bool copy = draft.ByteSizeLong() == 0;
  KeepContent(&draft);
  RETURN_IF_ERROR(ValidateAgreementContent(draft, "agreement"));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Agreement>([&](MeetingsTx& tx) -> absl::StatusOr<Agreement> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, meeting_id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    if (!AgreementOpen(m)) return WrongState(m, "an agreement is drafted from NEGOTIATING to IN_PROGRESS");
    auto versions = Versions(tx, m.name());
    if (!versions.ok()) return versions.status();
    if (!versions->empty() && versions->back().state() == Agreement::DRAFT) {
      return FailedPrecondition("DRAFT_EXISTS", absl::StrCat(versions->back().name(), " is a draft: change that one"),
                                {{"draft", versions->back().name()}});
    }
    if (versions->size() >= kMaxVersions) {
      return FailedPrecondition("TOO_MANY_VERSIONS",
                                absl::StrCat(m.name(), " has ", kMaxVersions, " agreement versions, the most it may"));
    }
    Agreement a = draft;
    if (copy) {  // a copy of the version in force (not of a discarded draft)
      for (const Agreement& v : *versions) {
        if (v.version() == m.agreement_version()) {
          a = v;
          KeepContent(&a);
        }
      }
    }
    const int version = versions->empty() ? 1 : versions->back().version() + 1;
    ASSIGN_OR_RETURN(auto list, LoadPriceList(tx));
    RETURN_IF_ERROR(PriceAgreement(&a, list, ctx_.policy.authority, "agreement"));
    a.set_name(absl::StrCat(m.name(), "/agreements/", version));
    a.set_version(version);
    a.set_state(Agreement::DRAFT);
    a.set_author(who.subject);
    a.set_author_role(std::string(RoleName(who.role)));
    *a.mutable_audit() = NewAudit(who, now);
    a.set_etag(NewEtag());
    RETURN_IF_ERROR(PutAgreement(tx, a));
    RETURN_IF_ERROR(ValueAtDraft(ctx_, tx, m, &a, now));
    RETURN_IF_ERROR(RecordActivity(tx, m, absl::StrCat(a.name(), "/drafted"),
                                   absl::StrCat("agreement version ", version, " drafted"), OfferSummary(a), who, now));
    return a;
  });
}

absl::StatusOr<Agreement> Sales::GetAgreement(const Principal& who, const v1::GetAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "agreements are read by staff and services"));
  if (auto id = AgreementIdOf(req.name(), "name"); !id.ok()) return id.status();
  return ctx_.store->Read<Agreement>([&](MeetingsTx& tx) -> absl::StatusOr<Agreement> {
    ASSIGN_OR_RETURN(auto a, MustGetAgreement(tx, req.name()));
    return a;
  });
}

absl::StatusOr<v1::ListAgreementsResponse> Sales::ListAgreements(const Principal& who,
                                                                 const v1::ListAgreementsRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "agreements are read by staff and services"));
  v1::ListAgreementsResponse out;
  auto next =
      ListMeetingRecords(*ctx_.store, ctx_.page_tokens, kAgreementKind, req.parent(), req.page_size(), req.page_token(),
                         [&](const std::string& data) { return out.add_agreements()->ParseFromString(data); });
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<Agreement> Sales::UpdateAgreement(const Principal& who, const v1::UpdateAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kHandlers, "agreements are changed by the manager and the key account manager"));
  ASSIGN_OR_RETURN(auto id, AgreementIdOf(req.agreement().name(), "agreement.name"));
  for (const auto& path : req.update_mask().paths()) {
    if (!IsContentField(path)) {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not an agreement field that can change"));
    }
  }
  Agreement changes = req.agreement();
  KeepContent(&changes);
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Agreement>([&](MeetingsTx& tx) -> absl::StatusOr<Agreement> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id.first));
    RETURN_IF_ERROR(CheckHandles(who, m));
    if (!AgreementOpen(m)) return WrongState(m, "its agreement can no longer change");
    auto a = MustGetAgreement(tx, req.agreement().name());
    if (!a.ok()) return a.status();
    if (a->state() != Agreement::DRAFT) {
      return FailedPrecondition("AGREEMENT_SIGNED",
                                absl::StrCat(a->name(), " is signed; a change needs a new version (CreateAgreement)"));
    }
    if (!req.agreement().etag().empty() && req.agreement().etag() != a->etag()) return StaleEtag(a->name());
    Agreement content = *a;
    KeepContent(&content);
    if (req.update_mask().paths_size() == 0) {
      content = changes;
    } else {
      ApplyFieldMask(changes, req.update_mask(), &content);
    }
    RETURN_IF_ERROR(ValidateAgreementContent(content, "agreement"));
    ASSIGN_OR_RETURN(auto list, LoadPriceList(tx));
    RETURN_IF_ERROR(PriceAgreement(&content, list, ctx_.policy.authority, "agreement"));
    content.set_name(a->name());
    content.set_version(a->version());
    content.set_state(Agreement::DRAFT);
    content.set_author(who.subject);
    content.set_author_role(std::string(RoleName(who.role)));
    *content.mutable_audit() = a->audit();
    Touch(content.mutable_audit(), who, now);
    content.set_etag(NewEtag());
    RETURN_IF_ERROR(PutAgreement(tx, content));
    RETURN_IF_ERROR(ValueAtDraft(ctx_, tx, m, &content, now));
    RETURN_IF_ERROR(RecordActivity(tx, m, absl::StrCat(content.name(), "/revised/", content.etag()),
                                   absl::StrCat("offer revised (agreement version ", content.version(), ")"),
                                   OfferSummary(content), who, now));
    return content;
  });
}

absl::StatusOr<Agreement> Sales::SignAgreement(const Principal& who, const v1::SignAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kHandlers, "agreements are signed by the manager and the key account manager"));
  ASSIGN_OR_RETURN(auto id, AgreementIdOf(req.name(), "name"));
  RETURN_IF_ERROR(CheckText(req.client_signatory(), "client_signatory", 100, true));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Agreement>([&](MeetingsTx& tx) -> absl::StatusOr<Agreement> {
    auto m = MustGetMeeting(tx, id.first);
    if (!m.ok()) return m.status();
    RETURN_IF_ERROR(CheckHandles(who, *m));
    if (!AgreementOpen(*m) || m->state() == Meeting::NEGOTIATING) {
      return WrongState(*m, "an agreement is signed from INTENT (the client's stated intention) on");
    }
    auto a = MustGetAgreement(tx, req.name());
    if (!a.ok()) return a.status();
    if (!req.etag().empty() && req.etag() != a->etag()) return StaleEtag(a->name());
    if (a->state() != Agreement::DRAFT) {
      return FailedPrecondition("NOT_A_DRAFT", absl::StrCat(a->name(), " is ", Agreement::State_Name(a->state())));
    }
    if (const std::string missing = MissingForSignature(*a); !missing.empty()) {
      return FailedPrecondition("AGREEMENT_INCOMPLETE", absl::StrCat(a->name(), " lacks ", missing),
                                {{"missing", missing}});
    }
    // Prices as of now: the list may have changed since the draft.
    auto list = LoadPriceList(tx);
    if (!list.ok()) return list.status();
    RETURN_IF_ERROR(PriceAgreement(&*a, *list, ctx_.policy.authority, "agreement"));
    const int discount = a->discount_basis_points();
    if (discount > ctx_.policy.authority.Of(a->author_role())) {
      // Beyond the author's authority: an approval of this very draft is needed.
      std::string approval;
      std::optional<std::pair<int64_t, std::string>> after;
      for (bool more = true; more && approval.empty();) {
        ASSIGN_OR_RETURN(auto rows, tx.ListRecords(kApprovalKind, m->name(), false, after, 200));
        for (const auto& r : rows) {
          ApprovalRequest ar;
          if (!ar.ParseFromString(r.data)) return absl::DataLossError(r.name + " cannot be read");
          if (ar.state() == ApprovalRequest::APPROVED && ar.agreement() == a->name() &&
              ar.agreement_etag() == a->etag() && ar.discount_basis_points() >= discount) {
            approval = ar.name();
          }
        }
        more = rows.size() == 200;
        if (more) after = std::make_pair(rows.back().seq, rows.back().name);
      }
      if (approval.empty()) {
        const std::string approver = ctx_.policy.authority.ApproverFor(discount);
        return FailedPrecondition(
            "APPROVAL_REQUIRED",
            absl::StrCat(a->name(), " is ", Percent(discount), "% below list, beyond the authority of its author (",
                         a->author_role(), "); it needs an approval by ", approver.empty() ? "nobody can" : approver),
            {{"discount_percent", Percent(discount)}, {"required_role", approver}});
      }
      a->set_approval(approval);
    }
    // The previous signed version is superseded and kept.
    if (m->agreement_version() > 0) {
      ASSIGN_OR_RETURN(auto previous,
                       MustGetAgreement(tx, absl::StrCat(m->name(), "/agreements/", m->agreement_version())));
      previous.set_state(Agreement::SUPERSEDED);
      RETURN_IF_ERROR(PutAgreement(tx, previous));
    }
    a->set_state(Agreement::SIGNED);
    a->set_client_signatory(req.client_signatory());
    a->set_hotel_signatory(who.subject);
    *a->mutable_sign_time() = ToProto(now);
    Touch(a->mutable_audit(), who, now);
    a->set_etag(NewEtag());
    RETURN_IF_ERROR(PutAgreement(tx, *a));

    m->set_agreement_version(a->version());
    *m->mutable_revenue() = RevenueOf(*a);
    *m->mutable_start_time() = a->start_time();
    *m->mutable_end_time() = a->end_time();
    m->set_expected_attendees(a->attendees());
    const std::string note = absl::StrCat("agreement version ", a->version(), " signed by ", req.client_signatory(),
                                          " and ", who.display_name, "; ", OfferSummary(*a));
    const Meeting::State was = m->state();
    if (m->state() == Meeting::INTENT) {
      AddChange(*m, Meeting::CONTRACTED, who, now, note);
    } else if (m->notice_revision() > 0) {
      // The departments get the change and sign again.
      RETURN_IF_ERROR(IssueRevision(ctx_, tx, *m, who));
      if (m->state() == Meeting::PREPARED) {
        m->clear_prepared_override();
        AddChange(*m, Meeting::NOTICE_ISSUED, who, now,
                  absl::StrCat(note, "; notice revision ", m->notice_revision(), " must be signed again"));
      }
    }
    Touch(m->mutable_audit(), who, now);
    m->set_etag(NewEtag());
    RETURN_IF_ERROR(SaveMeeting(ctx_, tx, *m, now));
    RETURN_IF_ERROR(RefreshBlock(ctx_, tx, *m, *a, who, now));
    RETURN_IF_ERROR(PlanReminders(ctx_, tx, *m, nullptr, now));
    RETURN_IF_ERROR(RecordActivity(
        tx, *m, absl::StrCat(a->name(), "/signed"),
        absl::StrCat(was == m->state() ? "" : "INTENT -> CONTRACTED: ", "agreement version ", a->version(), " signed"),
        note, who, now));
    return std::move(*a);
  });
}

absl::StatusOr<ApprovalRequest> Sales::CreateApprovalRequest(const Principal& who,
                                                             const v1::CreateApprovalRequestRequest& req) {
  RETURN_IF_ERROR(who.Require(kHandlers, "approvals are asked for by the manager and the key account manager"));
  ASSIGN_OR_RETURN(auto meeting_id, MeetingIdOf(req.parent(), "parent"));
  const ApprovalRequest& in = req.approval_request();
  ASSIGN_OR_RETURN(auto agreement_id, AgreementIdOf(in.agreement(), "approval_request.agreement"));
  if (agreement_id.first != meeting_id) {
    return InvalidArgument("approval_request.agreement", "must be an agreement of the parent meeting");
  }
  RETURN_IF_ERROR(CheckText(in.justification(), "approval_request.justification", 1000, false, true));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<ApprovalRequest>([&](MeetingsTx& tx) -> absl::StatusOr<ApprovalRequest> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, meeting_id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    ASSIGN_OR_RETURN(auto a, MustGetAgreement(tx, in.agreement()));
    if (a.state() != Agreement::DRAFT) {
      return FailedPrecondition("NOT_A_DRAFT", absl::StrCat(a.name(), " is ", Agreement::State_Name(a.state())));
    }
    const int discount = a.discount_basis_points();
    if (discount <= ctx_.policy.authority.Of(a.author_role())) {
      return FailedPrecondition("WITHIN_AUTHORITY", absl::StrCat(a.name(), " is ", Percent(discount),
                                                                 "% below list, within its author's authority"));
    }
    const std::string approver = ctx_.policy.authority.ApproverFor(discount);
    if (approver.empty()) {
      return FailedPrecondition("BEYOND_AUTHORITY",
                                absl::StrCat("no role may grant ", Percent(discount), "% below list"));
    }
    ASSIGN_OR_RETURN(auto rows, tx.ListRecords(kApprovalKind, m.name(), false, std::nullopt, 1000));
    for (const auto& r : rows) {
      ApprovalRequest ar;
      if (!ar.ParseFromString(r.data)) return absl::DataLossError(r.name + " cannot be read");
      if (ar.state() == ApprovalRequest::PENDING && ar.agreement() == a.name() && ar.agreement_etag() == a.etag()) {
        return FailedPrecondition("APPROVAL_PENDING", absl::StrCat(ar.name(), " is pending for this draft"),
                                  {{"pending", ar.name()}});
      }
    }
    ApprovalRequest r;
    r.set_name(absl::StrCat(m.name(), "/approvals/", NewId(now)));
    r.set_agreement(a.name());
    r.set_agreement_etag(a.etag());
    r.set_discount_basis_points(discount);
    r.set_approver_role(approver);
    r.set_justification(in.justification());
    r.set_state(ApprovalRequest::PENDING);
    r.set_requester(who.subject);
    *r.mutable_audit() = NewAudit(who, now);
    RETURN_IF_ERROR(PutApproval(tx, r));
    if (auto s =
            RecordActivity(tx, m, absl::StrCat(r.name(), "/asked"),
                           absl::StrCat("approval asked of ", approver, " for ", Percent(discount), "% below list"),
                           in.justification(), who, now);
        !s.ok()) {
      return s;
    }
    return r;
  });
}

absl::StatusOr<ApprovalRequest> Sales::GetApprovalRequest(const Principal& who,
                                                          const v1::GetApprovalRequestRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaff, "approval requests are read by staff"));
  if (auto ids = ParseName(req.name(), {"meetings", "approvals"}, "name"); !ids.ok()) return ids.status();
  return ctx_.store->Read<ApprovalRequest>([&](MeetingsTx& tx) -> absl::StatusOr<ApprovalRequest> {
    auto r = GetAs<ApprovalRequest>(tx, req.name());
    if (!r.ok()) return r.status();
    if (!*r) return NotFound("approval request", req.name());
    return std::move(**r);
  });
}

absl::StatusOr<v1::ListApprovalRequestsResponse> Sales::ListApprovalRequests(
    const Principal& who, const v1::ListApprovalRequestsRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaff, "approval requests are read by staff"));
  auto ids = ParseName(req.parent(), {"meetings"}, "parent", /*allow_wildcard=*/true);
  if (!ids.ok()) return ids.status();
  const bool all = (*ids)[0] == "-";
  if (all && !req.pending_for_me()) {
    return InvalidArgument("parent", "meetings/- lists the caller's queue: set pending_for_me");
  }
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string tag = absl::StrCat("pending/", std::string(RoleName(who.role)));
  const std::string query = absl::StrCat("approvals|", req.parent(), "|", req.pending_for_me() ? tag : "");
  ASSIGN_OR_RETURN(auto after, ctx_.page_tokens.DecodeAfter(req.page_token(), query));
  v1::ListApprovalRequestsResponse out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    std::optional<std::pair<int64_t, std::string>> position = after;
    for (;;) {
      ASSIGN_OR_RETURN(auto rows, all ? tx.ListRecords(kApprovalKind, tag, true, position, size + 1)
                                      : tx.ListRecords(kApprovalKind, req.parent(), false, position, size + 1));
      for (const auto& r : rows) {
        if (out.approval_requests_size() == size) {
          const auto& last = out.approval_requests(out.approval_requests_size() - 1);
          out.set_next_page_token(
              ctx_.page_tokens.EncodeAfter(query, ToUnixMicros(last.audit().create_time()), last.name()));
          return absl::OkStatus();
        }
        if (req.pending_for_me() && r.tag != tag) continue;
        if (!out.add_approval_requests()->ParseFromString(r.data)) {
          return absl::DataLossError(r.name + " cannot be read");
        }
      }
      if (static_cast<int>(rows.size()) <= size) return absl::OkStatus();
      position = std::make_pair(rows.back().seq, rows.back().name);
    }
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<ApprovalRequest> Sales::ApproveRequest(const Principal& who, const v1::ApproveRequestRequest& req) {
  return Decide(who, req.name(), req.reason(), true);
}

absl::StatusOr<ApprovalRequest> Sales::RejectRequest(const Principal& who, const v1::RejectRequestRequest& req) {
  return Decide(who, req.name(), req.reason(), false);
}

absl::StatusOr<ApprovalRequest> Sales::Decide(const Principal& who, const std::string& name, const std::string& reason,
                                              bool approve) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kGmOffice}, "discounts are approved by the manager or the GM office"));
  auto ids = ParseName(name, {"meetings", "approvals"}, "name");
  if (!ids.ok()) return ids.status();
  RETURN_IF_ERROR(CheckText(reason, "reason", 1000, !approve, true));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<ApprovalRequest>([&](MeetingsTx& tx) -> absl::StatusOr<ApprovalRequest> {
    auto r = GetAs<ApprovalRequest>(tx, name);
    if (!r.ok()) return r.status();
    if (!*r) return NotFound("approval request", name);
    ApprovalRequest ar = std::move(**r);
    if (ar.state() != ApprovalRequest::PENDING) {
      return FailedPrecondition("ALREADY_DECIDED",
                                absl::StrCat(ar.name(), " is ", ApprovalRequest::State_Name(ar.state())));
    }
    const int mine = ctx_.policy.authority.Of(std::string(RoleName(who.role)));
    if (approve && mine < ar.discount_basis_points()) {
      return PermissionDenied(absl::StrCat("your authority covers ", Percent(mine), "% below list; this discount is ",
                                           Percent(ar.discount_basis_points()), "%"));
    }
    ASSIGN_OR_RETURN(auto a, MustGetAgreement(tx, ar.agreement()));
    if (approve && (a.state() != Agreement::DRAFT || a.etag() != ar.agreement_etag())) {
      return FailedPrecondition("AGREEMENT_CHANGED",
                                absl::StrCat(ar.agreement(), " changed since the approval was asked; ask again"));
    }
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, (*ids)[0]));
    ar.set_state(approve ? ApprovalRequest::APPROVED : ApprovalRequest::REJECTED);
    ar.set_decider(who.subject);
    *ar.mutable_decide_time() = ToProto(now);
    ar.set_decision_reason(reason);
    Touch(ar.mutable_audit(), who, now);
    RETURN_IF_ERROR(PutApproval(tx, ar));
    RETURN_IF_ERROR(RecordActivity(
        tx, m, absl::StrCat(ar.name(), approve ? "/approved" : "/rejected"),
        absl::StrCat(Percent(ar.discount_basis_points()), "% discount ", approve ? "approved" : "rejected"), reason,
        who, now));
    return ar;
  });
}

absl::StatusOr<Agreement> Sales::DiscardAgreement(const Principal& who, const v1::DiscardAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kHandlers, "agreements are discarded by the manager and the key account manager"));
  ASSIGN_OR_RETURN(auto id, AgreementIdOf(req.name(), "name"));
  const absl::Time now = ctx_.clock->Now();
  Agreement out;
  absl::Status status = ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id.first));
    RETURN_IF_ERROR(CheckHandles(who, m));
    auto a = MustGetAgreement(tx, req.name());
    if (!a.ok()) return a.status();
    if (a->state() == Agreement::DISCARDED) {  // harmless again
      out = std::move(*a);
      return absl::OkStatus();
    }
    if (!req.etag().empty() && req.etag() != a->etag()) return StaleEtag(a->name());
    if (a->state() != Agreement::DRAFT) {
      return FailedPrecondition("NOT_A_DRAFT", absl::StrCat(a->name(), " is ", Agreement::State_Name(a->state()),
                                                            "; only a draft is discarded"));
    }
    // Its pending approval requests are void: withdrawn, out of the queue.
    std::optional<std::pair<int64_t, std::string>> after;
    for (bool more = true; more;) {
      ASSIGN_OR_RETURN(auto rows, tx.ListRecords(kApprovalKind, m.name(), false, after, 200));
      for (const auto& r : rows) {
        ApprovalRequest ar;
        if (!ar.ParseFromString(r.data)) return absl::DataLossError(r.name + " cannot be read");
        if (ar.state() != ApprovalRequest::PENDING || ar.agreement() != a->name()) continue;
        ar.set_state(ApprovalRequest::WITHDRAWN);
        Touch(ar.mutable_audit(), who, now);
        RETURN_IF_ERROR(PutApproval(tx, ar));
      }
      more = rows.size() == 200;
      if (more) after = std::make_pair(rows.back().seq, rows.back().name);
    }
    a->set_state(Agreement::DISCARDED);
    Touch(a->mutable_audit(), who, now);
    a->set_etag(NewEtag());
    RETURN_IF_ERROR(PutAgreement(tx, *a));
    RETURN_IF_ERROR(ValueAtDraft(ctx_, tx, m, nullptr, now));
    RETURN_IF_ERROR(RecordActivity(tx, m, absl::StrCat(a->name(), "/discarded"),
                                   absl::StrCat("agreement version ", a->version(), " discarded"), "", who, now));
    out = std::move(*a);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace atrium::meetings
