// The targets of a year (经营指标): the manager sets them with the Rooms and
// F&B directors, for the department, each KAM and each segment, split by
// month; every change is a new version with who and why, and the old ones
// are kept.
#include "absl/strings/str_cat.h"
#include "common/audit.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/request_ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/validate.h"
#include "services/sales/management.h"
#include "services/sales/measures.h"
#include "services/sales/split.h"

namespace atrium::sales {
namespace {

using v1::Target;

const std::initializer_list<Role> kReaders = {Role::kManager, Role::kKeyAccountManager, Role::kGmOffice,
                                              Role::kDepartment};
constexpr char kReadRule[] =
    "targets are read by the manager, the GM office, the Rooms and F&B directors and KAMs (their own)";

absl::StatusOr<std::string> TargetIdOf(const std::string& name, const std::string& field) {
  ASSIGN_OR_RETURN(auto ids, ParseName(name, {"targets"}, field));
  return ids[0];
}

// Rooms and F&B of the departments; a KAM their own targets only.
absl::Status CheckReader(const Principal& who) {
  RETURN_IF_ERROR(who.Require(kReaders, kReadRule));
  if (who.Is(Role::kDepartment) && !who.IsDepartment("rooms") && !who.IsDepartment("fnb")) {
    return PermissionDenied(kReadRule);
  }
  return absl::OkStatus();
}

absl::Status CheckReads(const Principal& who, const Target& t) {
  if (who.Is(Role::kKeyAccountManager) && (t.scope() != Target::KAM || t.kam() != who.subject)) {
    return PermissionDenied("a key account manager reads their own targets");
  }
  return absl::OkStatus();
}

TargetKey KeyOf(const Target& t) { return {t.year(), t.scope(), t.kam(), t.segment(), t.metric()}; }

// The fields a caller sets, checked (months only for MANUAL).
absl::Status Validate(const Target& t) {
  if (t.year() < kFirstYear || t.year() > kLastYear) return InvalidArgument("target.year", "must be 1900..2200");
  if (t.scope() == Target::SCOPE_UNSPECIFIED || !Target::Scope_IsValid(t.scope())) {
    return InvalidArgument("target.scope", "must be DEPARTMENT, KAM or SEGMENT");
  }
  if (t.scope() == Target::KAM) {
    RETURN_IF_ERROR(CheckStaffId(t.kam(), "target.kam", true));
  } else if (!t.kam().empty()) {
    return InvalidArgument("target.kam", "is given for scope KAM only");
  }
  if (t.scope() == Target::SEGMENT) {
    RETURN_IF_ERROR(CheckText(t.segment(), "target.segment", 100, true));
  } else if (!t.segment().empty()) {
    return InvalidArgument("target.segment", "is given for scope SEGMENT only");
  }
  if (t.metric() == v1::METRIC_UNSPECIFIED || !v1::Metric_IsValid(t.metric())) {
    return InvalidArgument("target.metric", "is not a metric");
  }
  if (t.annual() < 0 || t.annual() > kMaxAmountMinor) return InvalidArgument("target.annual", "must be 0..10^15");
  if (t.split() == Target::SPLIT_UNSPECIFIED || !Target::Split_IsValid(t.split())) {
    return InvalidArgument("target.split", "must be EVEN, LAST_YEAR or MANUAL");
  }
  if (t.split() == Target::LAST_YEAR && t.year() == kFirstYear) {
    return InvalidArgument("target.year", "a split by last year needs a year after 1900");
  }
  if (t.split() == Target::MANUAL) {
    if (t.months_size() != 12) return InvalidArgument("target.months", "a split by hand gives the 12 months");
    int64_t sum = 0;
    for (int i = 0; i < 12; ++i) {
      if (t.months(i) < 0 || t.months(i) > kMaxAmountMinor) {
        return InvalidArgument(absl::StrCat("target.months[", i, "]"), "must be 0..10^15");
      }
      sum += t.months(i);  // 12 x 10^15 fits
    }
    if (sum != t.annual()) {
      return InvalidArgument("target.months",
                             absl::StrCat("the months add up to ", sum, ", not the year's ", t.annual()));
    }
  } else if (t.months_size() != 0) {
    return InvalidArgument("target.months", "are computed unless the split is MANUAL");
  }
  return CheckText(t.reason(), "target.reason", 500);
}

// The content fields of a target as a caller gives them.
Target Content(const Target& t) {
  Target c;
  c.set_year(t.year());
  c.set_scope(t.scope());
  c.set_kam(t.kam());
  c.set_segment(t.segment());
  c.set_metric(t.metric());
  c.set_annual(t.annual());
  c.set_split(t.split());
  *c.mutable_months() = t.months();
  c.set_reason(t.reason());
  return c;
}

}  // namespace

absl::Status Management::SplitMonths(const Principal& who, Target& t) {
  if (t.split() == Target::MANUAL) return absl::OkStatus();
  Months months = SplitEvenly(t.annual());
  if (t.split() == Target::LAST_YEAR) {
    // What was settled (or the accounts and visits recorded) each month of
    // last year, for the target's scope.
    const int year = t.year() - 1;
    meetings::v1::SalesSummary sales;
    clients::v1::BookSummary book;
    if (FromMeetings(t.metric())) {
      ASSIGN_OR_RETURN(sales, figures_->Sales(who, SalesRequest(t, year)));
    } else {
      ASSIGN_OR_RETURN(book, figures_->Book(who, BookRequest(t, year)));
    }
    ASSIGN_OR_RETURN(const Months last, MonthsOf(t, year, sales, book, /*settled=*/true));
    auto split = SplitByWeights(t.annual(), last);
    if (!split) {
      return FailedPrecondition("NO_LAST_YEAR",
                                absl::StrCat(t.year() - 1, " has nothing of ", v1::Metric_Name(t.metric()),
                                             " for this scope to split by; split EVEN or MANUAL"));
    }
    months = *split;
  }
  t.clear_months();
  for (int64_t m : months) t.add_months(m);
  return absl::OkStatus();
}

absl::StatusOr<Target> Management::CreateTarget(const Principal& who, const v1::CreateTargetRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "targets are set by the manager"));
  ASSIGN_OR_RETURN(auto key, RequestKeyOf("CreateTarget", who, req, req.request_id()));
  Target t = Content(req.target());
  RETURN_IF_ERROR(Validate(t));
  // Last year's figures are asked before the transaction: if a peer is down
  // nothing is written.
  RETURN_IF_ERROR(SplitMonths(who, t));
  const absl::Time now = clock_->Now();
  const std::string id = NewId(now);
  t.set_name(absl::StrCat("targets/", id));
  t.set_version(1);
  *t.mutable_audit() = NewAudit(who, now);
  t.set_etag(NewEtag());
  return store_->Write<Target>([&](SalesTx& tx) -> absl::StatusOr<Target> {
    ASSIGN_OR_RETURN(auto prior, OriginalOf(tx, key));
    if (prior) {
      ASSIGN_OR_RETURN(auto existing, tx.GetTarget(prior->substr(sizeof("targets/") - 1)));
      if (!existing) return NotFound("target", *prior);
      return std::move(*existing);
    }
    ASSIGN_OR_RETURN(auto same, tx.FindTarget(KeyOf(t)));
    if (same) {
      const std::string existing = absl::StrCat("targets/", *same);
      return AlreadyExists("TARGET_EXISTS",
                           absl::StrCat(existing, " is the target of this year, scope and metric: change that one"),
                           {{"existing_target", existing}});
    }
    RETURN_IF_ERROR(tx.PutTarget(id, KeyOf(t), t));
    RETURN_IF_ERROR(RememberOriginal(tx, key, t.name(), now));
    return t;
  });
}

absl::StatusOr<Target> Management::GetTarget(const Principal& who, const v1::GetTargetRequest& req) {
  RETURN_IF_ERROR(CheckReader(who));
  ASSIGN_OR_RETURN(auto id, TargetIdOf(req.name(), "name"));
  return store_->Read<Target>([&](SalesTx& tx) -> absl::StatusOr<Target> {
    ASSIGN_OR_RETURN(auto t, tx.GetTarget(id));
    if (!t) return NotFound("target", req.name());
    RETURN_IF_ERROR(CheckReads(who, *t));
    return std::move(*t);
  });
}

absl::StatusOr<v1::ListTargetsResponse> Management::ListTargets(const Principal& who,
                                                                const v1::ListTargetsRequest& req) {
  RETURN_IF_ERROR(CheckReader(who));
  if (req.year() < kFirstYear || req.year() > kLastYear) return InvalidArgument("year", "must be 1900..2200");
  if (!Target::Scope_IsValid(req.scope())) return InvalidArgument("scope", "is not a scope");
  if (!v1::Metric_IsValid(req.metric())) return InvalidArgument("metric", "is not a metric");
  RETURN_IF_ERROR(CheckStaffId(req.kam(), "kam", false));
  RETURN_IF_ERROR(CheckText(req.segment(), "segment", 100));
  if (who.Is(Role::kKeyAccountManager) && req.kam() != who.subject) {
    return PermissionDenied("a key account manager lists their own targets (kam must be the caller)");
  }
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query =
      absl::StrCat("targets|", req.year(), "|", req.scope(), "|", req.kam(), "|", req.segment(), "|", req.metric());
  TargetFilter f;
  ASSIGN_OR_RETURN(f.after_id, page_tokens_.DecodeAfterKey(req.page_token(), query));
  f.year = req.year();
  f.scope = req.scope();
  f.kam = req.kam();
  f.segment = req.segment();
  f.metric = req.metric();
  f.limit = size + 1;
  v1::ListTargetsResponse out;
  absl::Status status = store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListTargets(f));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& t : rows) *out.add_targets() = std::move(t);
    if (more) {
      out.set_next_page_token(page_tokens_.EncodeAfterKey(
          query, out.targets(out.targets_size() - 1).name().substr(sizeof("targets/") - 1)));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Target> Management::UpdateTarget(const Principal& who, const v1::UpdateTargetRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "targets are set by the manager"));
  ASSIGN_OR_RETURN(auto id, TargetIdOf(req.target().name(), "target.name"));
  if (req.update_mask().paths_size() == 0) return InvalidArgument("update_mask", "is required (annual, split, months)");
  for (const auto& path : req.update_mask().paths()) {
    if (path != "annual" && path != "split" && path != "months") {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not a field that can change"));
    }
  }
  RETURN_IF_ERROR(CheckText(req.target().reason(), "target.reason", 500, true));
  // The current target is read first for the split (which may ask the
  // peers, outside any transaction), then written if it has not changed.
  ASSIGN_OR_RETURN(Target current, store_->Read<Target>([&](SalesTx& tx) -> absl::StatusOr<Target> {
    ASSIGN_OR_RETURN(auto t, tx.GetTarget(id));
    if (!t) return NotFound("target", req.target().name());
    return std::move(*t);
  }));
  if (!req.target().etag().empty() && req.target().etag() != current.etag()) return StaleEtag(current.name());
  Target content = Content(current);
  ApplyFieldMask(Content(req.target()), req.update_mask(), &content);
  // A split no longer by hand computes its months again.
  if (content.split() != Target::MANUAL) content.clear_months();
  content.set_reason(req.target().reason());
  RETURN_IF_ERROR(Validate(content));
  RETURN_IF_ERROR(SplitMonths(who, content));
  const absl::Time now = clock_->Now();
  return store_->Write<Target>([&](SalesTx& tx) -> absl::StatusOr<Target> {
    ASSIGN_OR_RETURN(auto again, tx.GetTarget(id));
    if (!again) return NotFound("target", req.target().name());
    if (again->etag() != current.etag()) return StaleEtag(current.name());  // changed meanwhile
    Target updated = content;
    updated.set_name(current.name());
    updated.set_version(current.version() + 1);
    *updated.mutable_audit() = current.audit();
    Touch(updated.mutable_audit(), who, now);
    updated.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutTarget(id, KeyOf(updated), updated));
    return updated;
  });
}

absl::StatusOr<v1::ListTargetVersionsResponse> Management::ListTargetVersions(
    const Principal& who, const v1::ListTargetVersionsRequest& req) {
  RETURN_IF_ERROR(CheckReader(who));
  ASSIGN_OR_RETURN(auto id, TargetIdOf(req.parent(), "parent"));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat("versions|", req.parent());
  ASSIGN_OR_RETURN(auto after, page_tokens_.DecodeAfter(req.page_token(), query));
  v1::ListTargetVersionsResponse out;
  absl::Status status = store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto t, tx.GetTarget(id));
    if (!t) return NotFound("target", req.parent());
    RETURN_IF_ERROR(CheckReads(who, *t));
    ASSIGN_OR_RETURN(auto rows, tx.ListVersions(id, after ? static_cast<int>(after->first) : 0, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& v : rows) {
      auto* version = out.add_versions();
      version->set_name(absl::StrCat(req.parent(), "/versions/", v.version()));
      *version->mutable_target() = std::move(v);
    }
    if (more) {
      out.set_next_page_token(
          page_tokens_.EncodeAfter(query, out.versions(out.versions_size() - 1).target().version(), ""));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace atrium::sales
