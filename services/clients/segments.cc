// Market division (市场划分): which KAM each industry segment's new accounts
// go to, as the sales management service records it, and moving a
// segment's accounts to its KAM.
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Account;

// Accounts moved per batch of the move (one transaction either way).
constexpr int kMoveBatch = 500;

}  // namespace

namespace internal {

absl::StatusOr<std::string> SegmentOwnerOf(ClientsTx& tx, const std::string& segment, int kind) {
  if (segment.empty()) return std::string();
  ASSIGN_OR_RETURN(auto own, tx.GetSegmentOwner(segment, kind));
  if (own && !own->first.empty()) return own->first;  // a kind given to no one falls back
  ASSIGN_OR_RETURN(auto any, tx.GetSegmentOwner(segment, 0));
  return any ? any->first : std::string();
}

}  // namespace internal

absl::StatusOr<v1::SegmentOwner> Archive::AssignSegment(const Principal& who, const v1::AssignSegmentRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kService}, "segments are assigned by the sales management service"));
  RETURN_IF_ERROR(CheckText(req.segment(), "segment", 100, true));
  std::vector<int> kinds;
  std::set<int> seen;
  for (int i = 0; i < req.kinds_size(); ++i) {
    const int k = req.kinds(i);
    if (k == v1::ACCOUNT_KIND_UNSPECIFIED || !v1::AccountKind_IsValid(k)) {
      return InvalidArgument(absl::StrCat("kinds[", i, "]"), "is not an account kind");
    }
    if (!seen.insert(k).second) return InvalidArgument(absl::StrCat("kinds[", i, "]"), "appears twice");
    kinds.push_back(k);
  }
  RETURN_IF_ERROR(CheckStaffId(req.owner(), "owner", false));
  if (req.version() < 1) return InvalidArgument("version", "must be 1 or more");
  if (req.move_accounts() && req.owner().empty()) {
    return InvalidArgument("move_accounts", "accounts move to an owner; none is given");
  }
  RETURN_IF_ERROR(CheckText(req.assignment(), "assignment", 200));
  const absl::Time now = Now();
  v1::SegmentOwner out;
  out.set_segment(req.segment());
  *out.mutable_kinds() = req.kinds();
  out.set_owner(req.owner());
  out.set_version(req.version());
  absl::Status status = store_->Write([&](ClientsTx& tx) -> absl::Status {
    out.set_accounts_moved(0);  // PostgreSQL may run the transaction again
    const std::vector<int> rows = kinds.empty() ? std::vector<int>{0} : kinds;
    ASSIGN_OR_RETURN(const int64_t recorded, tx.SegmentVersion(req.segment(), rows));
    if (recorded > req.version()) return absl::OkStatus();  // a late retry of an older assignment
    RETURN_IF_ERROR(tx.PutSegmentOwners(req.segment(), rows, req.owner(), req.version()));
    if (!req.move_accounts()) return absl::OkStatus();
    // Without kinds, the kinds the segment gives to someone of their own stay.
    std::vector<int> except;
    if (kinds.empty()) {
      ASSIGN_OR_RETURN(except, tx.KindsOwnedApart(req.segment()));
    }
    const std::string why = absl::StrCat("segment ", req.segment(), " assigned to ", req.owner(),
                                         req.assignment().empty() ? "" : absl::StrCat(" (", req.assignment(), ")"));
    for (std::string after;;) {
      ASSIGN_OR_RETURN(auto ids, tx.AccountsToMove(req.segment(), kinds, except, req.owner(), after, kMoveBatch));
      for (const std::string& id : ids) {
        ASSIGN_OR_RETURN(Account a, MustGetAccount(tx, id));
        const std::string before = a.owner();
        a.set_owner(req.owner());
        Touch(a.mutable_audit(), who, now);
        a.set_etag(NewEtag());
        RETURN_IF_ERROR(tx.PutAccount(id, a));
        RETURN_IF_ERROR(AppendActivity(tx, who, id, v1::Activity::ACCOUNT_CHANGE, "account reassigned",
                                       absl::StrCat("owner: ", before, " -> ", req.owner(), "\n", why), a.name(), now));
        out.set_accounts_moved(out.accounts_moved() + 1);
      }
      if (static_cast<int>(ids.size()) < kMoveBatch) break;
      after = ids.back();
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace atrium::clients
