// The division of the market (市场划分): which KAM each industry segment (or
// some account kinds of it) goes to. Every change tells the clients service
// through the outbox (AssignSegment), with the division's version, so that
// its new accounts go to the KAM and, when asked, its accounts move.
#include <set>

#include "absl/strings/str_cat.h"
#include "atrium/clients/v1/clients.pb.h"
#include "common/audit.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/request_ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/trace.h"
#include "common/validate.h"
#include "services/sales/management.h"

namespace atrium::sales {
namespace {

using v1::SegmentAssignment;

constexpr char kAssignMethod[] = "/atrium.clients.v1.ClientsService/AssignSegment";
const std::initializer_list<Role> kReaders = {Role::kManager, Role::kKeyAccountManager, Role::kClerk, Role::kGmOffice,
                                              Role::kService};

absl::StatusOr<std::string> AssignmentIdOf(const std::string& name, const std::string& field) {
  ASSIGN_OR_RETURN(auto ids, ParseName(name, {"segmentAssignments"}, field));
  return ids[0];
}

absl::Status Validate(const SegmentAssignment& a, const std::string& prefix) {
  RETURN_IF_ERROR(CheckText(a.segment(), prefix + ".segment", 100, true));
  RETURN_IF_ERROR(CheckStaffId(a.kam(), prefix + ".kam", true));
  std::set<int> seen;
  for (int i = 0; i < a.kinds_size(); ++i) {
    const int k = a.kinds(i);
    const std::string f = absl::StrCat(prefix, ".kinds[", i, "]");
    if (k == clients::v1::ACCOUNT_KIND_UNSPECIFIED || !clients::v1::AccountKind_IsValid(k)) {
      return InvalidArgument(f, "is not an account kind");
    }
    if (!seen.insert(k).second) return InvalidArgument(f, "appears twice");
  }
  return absl::OkStatus();
}

// Another assignment of the segment covering one of `a`'s kinds (two
// kind-less ones overlap too), if any.
absl::StatusOr<std::optional<std::string>> Overlapping(SalesTx& tx, const SegmentAssignment& a) {
  ASSIGN_OR_RETURN(auto others, tx.AssignmentsOf(a.segment()));
  const std::set<int> mine(a.kinds().begin(), a.kinds().end());
  for (const auto& o : others) {
    if (o.name() == a.name()) continue;
    bool overlaps = o.kinds().empty() && mine.empty();
    for (int k : o.kinds()) overlaps = overlaps || mine.count(k) > 0;
    if (overlaps) return std::optional<std::string>(o.name());
  }
  return std::optional<std::string>();
}

absl::Status OverlapError(const SegmentAssignment& a, const std::string& existing) {
  return AlreadyExists("ASSIGNMENT_OVERLAPS",
                       absl::StrCat(existing, " already covers segment \"", a.segment(), "\" for one of these kinds"),
                       {{"existing_assignment", existing}});
}

// Tells the clients service: the kinds of `a` go to `owner` ("" = to no one).
absl::Status Tell(SalesTx& tx, const SegmentAssignment& a, const std::string& owner, bool move, absl::Time now) {
  ASSIGN_OR_RETURN(const int64_t version, tx.NextDivisionVersion());
  clients::v1::AssignSegmentRequest req;
  req.set_segment(a.segment());
  *req.mutable_kinds() = a.kinds();
  req.set_owner(owner);
  req.set_move_accounts(move);
  req.set_version(version);
  req.set_assignment(a.name());
  OutboxMessage m;
  m.peer = "clients";
  m.method = kAssignMethod;
  m.body = req.SerializeAsString();
  m.label = absl::StrCat(a.name(), " v", version);
  m.key = a.segment();
  m.traceparent = CurrentTraceparent();
  return tx.AddOutbox(m, absl::ToUnixMicros(now));
}

}  // namespace

Management::Management(SalesStore* store, Figures* figures, const Clock* clock, PageTokens page_tokens,
                       absl::TimeZone zone)
    : store_(store), figures_(figures), clock_(clock), page_tokens_(std::move(page_tokens)), zone_(zone) {}

absl::StatusOr<SegmentAssignment> Management::CreateSegmentAssignment(const Principal& who,
                                                                      const v1::CreateSegmentAssignmentRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the market is divided by the manager"));
  ASSIGN_OR_RETURN(auto key, RequestKeyOf("CreateSegmentAssignment", who, req, req.request_id()));
  SegmentAssignment a;
  a.set_segment(req.segment_assignment().segment());
  *a.mutable_kinds() = req.segment_assignment().kinds();
  a.set_kam(req.segment_assignment().kam());
  RETURN_IF_ERROR(Validate(a, "segment_assignment"));
  const absl::Time now = clock_->Now();
  const std::string id = NewId(now);
  a.set_name(absl::StrCat("segmentAssignments/", id));
  a.set_version(1);
  *a.mutable_audit() = NewAudit(who, now);
  a.set_etag(NewEtag());
  return store_->Write<SegmentAssignment>([&](SalesTx& tx) -> absl::StatusOr<SegmentAssignment> {
    ASSIGN_OR_RETURN(auto prior, OriginalOf(tx, key));
    if (prior) {
      ASSIGN_OR_RETURN(auto existing, tx.GetAssignment(prior->substr(sizeof("segmentAssignments/") - 1)));
      if (!existing) return NotFound("segment assignment", *prior);  // deleted since
      return std::move(*existing);
    }
    ASSIGN_OR_RETURN(auto overlap, Overlapping(tx, a));
    if (overlap) return OverlapError(a, *overlap);
    RETURN_IF_ERROR(tx.PutAssignment(id, a));
    RETURN_IF_ERROR(RememberOriginal(tx, key, a.name(), now));
    RETURN_IF_ERROR(Tell(tx, a, a.kam(), req.move_accounts(), now));
    return a;
  });
}

absl::StatusOr<SegmentAssignment> Management::GetSegmentAssignment(const Principal& who,
                                                                   const v1::GetSegmentAssignmentRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "the division of the market is read by staff and services"));
  ASSIGN_OR_RETURN(auto id, AssignmentIdOf(req.name(), "name"));
  return store_->Read<SegmentAssignment>([&](SalesTx& tx) -> absl::StatusOr<SegmentAssignment> {
    ASSIGN_OR_RETURN(auto a, tx.GetAssignment(id));
    if (!a) return NotFound("segment assignment", req.name());
    return std::move(*a);
  });
}

absl::StatusOr<v1::ListSegmentAssignmentsResponse> Management::ListSegmentAssignments(
    const Principal& who, const v1::ListSegmentAssignmentsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "the division of the market is read by staff and services"));
  RETURN_IF_ERROR(CheckStaffId(req.kam(), "kam", false));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat("assignments|", req.kam());
  ASSIGN_OR_RETURN(auto position, page_tokens_.Decode(req.page_token(), query));
  std::pair<std::string, std::string> after;
  if (position.size() == 2) {
    after = {position[0], position[1]};
  } else if (!position.empty()) {
    return InvalidArgument("page_token", "is not a token of this list");
  }
  v1::ListSegmentAssignmentsResponse out;
  absl::Status status = store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListAssignments(req.kam(), after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& a : rows) *out.add_segment_assignments() = std::move(a);
    if (more) {
      const auto& last = out.segment_assignments(out.segment_assignments_size() - 1);
      out.set_next_page_token(
          page_tokens_.Encode(query, {last.segment(), last.name().substr(sizeof("segmentAssignments/") - 1)}));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<SegmentAssignment> Management::UpdateSegmentAssignment(const Principal& who,
                                                                      const v1::UpdateSegmentAssignmentRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the market is divided by the manager"));
  ASSIGN_OR_RETURN(auto id, AssignmentIdOf(req.segment_assignment().name(), "segment_assignment.name"));
  if (req.update_mask().paths_size() == 0) return InvalidArgument("update_mask", "is required (kam, kinds)");
  for (const auto& path : req.update_mask().paths()) {
    if (path != "kam" && path != "kinds") {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not a field that can change"));
    }
  }
  const absl::Time now = clock_->Now();
  return store_->Write<SegmentAssignment>([&](SalesTx& tx) -> absl::StatusOr<SegmentAssignment> {
    ASSIGN_OR_RETURN(auto current, tx.GetAssignment(id));
    if (!current) return NotFound("segment assignment", req.segment_assignment().name());
    if (!req.segment_assignment().etag().empty() && req.segment_assignment().etag() != current->etag()) {
      return StaleEtag(current->name());
    }
    SegmentAssignment updated = *current;
    ApplyFieldMask(req.segment_assignment(), req.update_mask(), &updated);
    RETURN_IF_ERROR(Validate(updated, "segment_assignment"));
    ASSIGN_OR_RETURN(auto overlap, Overlapping(tx, updated));
    if (overlap) return OverlapError(updated, *overlap);
    updated.set_version(current->version() + 1);
    Touch(updated.mutable_audit(), who, now);
    updated.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutAssignment(id, updated));
    // Kinds it no longer covers go to no one; then its kinds go to its KAM.
    SegmentAssignment dropped = *current;
    dropped.clear_kinds();
    const std::set<int> kept(updated.kinds().begin(), updated.kinds().end());
    for (int k : current->kinds()) {
      if (!kept.count(k)) dropped.add_kinds(static_cast<clients::v1::AccountKind>(k));
    }
    const bool was_every_kind = current->kinds().empty() && !updated.kinds().empty();
    if (dropped.kinds_size() > 0 || was_every_kind) RETURN_IF_ERROR(Tell(tx, dropped, "", false, now));
    RETURN_IF_ERROR(Tell(tx, updated, updated.kam(), req.move_accounts(), now));
    return updated;
  });
}

absl::StatusOr<google::protobuf::Empty> Management::DeleteSegmentAssignment(
    const Principal& who, const v1::DeleteSegmentAssignmentRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "the market is divided by the manager"));
  ASSIGN_OR_RETURN(auto id, AssignmentIdOf(req.name(), "name"));
  const absl::Time now = clock_->Now();
  absl::Status status = store_->Write([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto current, tx.GetAssignment(id));
    if (!current) return NotFound("segment assignment", req.name());
    if (!req.etag().empty() && req.etag() != current->etag()) return StaleEtag(current->name());
    RETURN_IF_ERROR(tx.DeleteAssignment(id));
    return Tell(tx, *current, "", false, now);
  });
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

}  // namespace atrium::sales
