// Cooperation agreements (合作协议): negotiated rates with validity dates.
// DRAFT -> ACTIVE -> (EXPIRED by date | TERMINATED). Two ACTIVE agreements of
// one account never overlap; a VIP or key account's agreement is activated
// only by the manager.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Agreement;

constexpr std::initializer_list<Role> kWriters = {Role::kManager, Role::kKeyAccountManager};
constexpr ChildSpec kSpec{"CreateAgreement", "agreements", kAgreement, "agreement", ClerkMay::kNo, true};

absl::Status ValidateMoney(const type::v1::Money& m, const std::string& field) {
  const std::string& c = m.currency_code();
  if (!(c.empty() || (c.size() == 3 && std::all_of(c.begin(), c.end(), [](char x) { return x >= 'A' && x <= 'Z'; })))) {
    return InvalidArgument(field + ".currency_code", "must be an ISO 4217 code such as CNY");
  }
  if (m.amount_minor() <= 0) return InvalidArgument(field + ".amount_minor", "must be positive");
  return CheckAmount(m.amount_minor(), field + ".amount_minor");
}

absl::Status ValidateAgreement(const Agreement& g) {
  RETURN_IF_ERROR(CheckText(g.title(), "agreement.title", 200, true));
  if (g.rates_size() == 0) return InvalidArgument("agreement.rates", "must list at least one room rate");
  if (g.rates_size() > 50) return InvalidArgument("agreement.rates", "must list at most 50 room rates");
  std::set<std::string> seen;
  for (int i = 0; i < g.rates_size(); ++i) {
    const std::string field = absl::StrCat("agreement.rates[", i, "]");
    RETURN_IF_ERROR(CheckText(g.rates(i).room_type(), field + ".room_type", 50, true));
    if (!seen.insert(g.rates(i).room_type()).second) return InvalidArgument(field + ".room_type", "is listed twice");
    if (!g.rates(i).has_nightly_rate()) return InvalidArgument(field + ".nightly_rate", "is required");
    RETURN_IF_ERROR(ValidateMoney(g.rates(i).nightly_rate(), field + ".nightly_rate"));
  }
  if (!g.has_start_date()) return InvalidArgument("agreement.start_date", "is required");
  RETURN_IF_ERROR(CheckDate(g.start_date(), "agreement.start_date"));
  if (!g.has_end_date()) return InvalidArgument("agreement.end_date", "is required");
  RETURN_IF_ERROR(CheckDate(g.end_date(), "agreement.end_date"));
  if (DateKey(g.end_date()) < DateKey(g.start_date())) {
    return InvalidArgument("agreement.end_date", "must not be before start_date");
  }
  RETURN_IF_ERROR(CheckText(g.terms(), "agreement.terms", 2000, false, true));
  return absl::OkStatus();
}

void Normalize(Agreement& g) {
  for (auto& r : *g.mutable_rates()) {
    if (r.nightly_rate().currency_code().empty()) r.mutable_nightly_rate()->set_currency_code("CNY");
  }
}

ChildRecord ToRecord(const Agreement& g, const std::string& account_id) {
  ChildRecord r;
  r.name = g.name();
  r.kind = kAgreement;
  r.account_id = account_id;
  r.state = g.state();
  r.sort_key = ToUnixMicros(g.audit().create_time());
  r.data = g.SerializeAsString();
  return r;
}

// What callers see: an ACTIVE agreement past its end date reads as EXPIRED.
Agreement View(Agreement g, const type::v1::Date& today) {
  if (g.state() == Agreement::ACTIVE && DateKey(g.end_date()) < DateKey(today)) g.set_state(Agreement::EXPIRED);
  return g;
}

bool Overlaps(const Agreement& a, const Agreement& b) {
  return DateKey(a.start_date()) <= DateKey(b.end_date()) && DateKey(b.start_date()) <= DateKey(a.end_date());
}

absl::StatusOr<std::vector<Agreement>> AllAgreements(ClientsTx& tx, const std::string& account_id) {
  ChildQuery q;
  q.kind = kAgreement;
  q.account_id = account_id;
  q.limit = 100000;
  ASSIGN_OR_RETURN(auto rows, tx.ListChildren(q));
  std::vector<Agreement> out;
  for (const auto& r : rows) {
    ASSIGN_OR_RETURN(auto g, Unpack<Agreement>(r));
    out.push_back(std::move(g));
  }
  return out;
}

absl::Status RequireState(const Agreement& g, Agreement::State want, const std::string& action) {
  if (g.state() == want) return absl::OkStatus();
  return FailedPrecondition(absl::StrCat("AGREEMENT_NOT_", Agreement::State_Name(want)),
                            absl::StrCat(g.name(), " is ", Agreement::State_Name(g.state()), "; only a ",
                                         Agreement::State_Name(want), " agreement can be ", action),
                            {{"state", Agreement::State_Name(g.state())}});
}

}  // namespace

absl::StatusOr<Agreement> Archive::CreateAgreement(const Principal& who, const v1::CreateAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "CreateAgreement is for the manager and key account managers"));
  Agreement g = req.agreement();
  RETURN_IF_ERROR(ValidateAgreement(g));
  Normalize(g);
  const absl::Time now = Now();
  return CreateChild<Agreement>(
      store_, who, req.parent(), RequestKeyOf(kSpec.method, who, req, req.request_id()), kSpec, std::move(g), now,
      [&](ClientsTx&, const v1::Account&, Agreement& a) {
        a.set_state(Agreement::DRAFT);
        a.clear_activated_by();
        a.clear_activate_time();
        a.clear_termination_reason();
        *a.mutable_audit() = NewAudit(who, now);
        a.set_etag(NewEtag());
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Agreement> Archive::GetAgreement(const Principal& who, const v1::GetAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "GetAgreement is for staff, departments and services"));
  auto g = ReadChild<Agreement>(store_, req.name(), "agreements", kAgreement, "agreement");
  if (!g.ok()) return g.status();
  return View(std::move(*g), Today(Now(), zone_));
}

absl::StatusOr<v1::ListAgreementsResponse> Archive::ListAgreements(const Principal& who,
                                                                   const v1::ListAgreementsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "ListAgreements is for staff, departments and services"));
  auto account_id = AccountIdOf(req.parent(), "parent");
  if (!account_id.ok()) return account_id.status();
  const auto today = Today(Now(), zone_);
  v1::ListAgreementsResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    if (auto a = MustGetAccount(tx, *account_id); !a.ok()) return a.status();
    ChildQuery q;
    q.kind = kAgreement;
    q.account_id = *account_id;
    auto page = ListPage<Agreement>(tx, tokens_, q, req.page_size(), req.page_token(), "agreements|" + req.parent());
    if (!page.ok()) return page.status();
    for (auto& g : page->first) *resp.add_agreements() = View(std::move(g), today);
    resp.set_next_page_token(page->second);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

absl::StatusOr<Agreement> Archive::UpdateAgreement(const Principal& who, const v1::UpdateAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "UpdateAgreement is for the manager and key account managers"));
  static const std::set<std::string> kPaths = {"title", "rates", "start_date", "end_date", "terms"};
  if (auto id = ChildAccountIdOf(req.agreement().name(), "agreements", "agreement.name"); !id.ok()) return id.status();
  if (req.update_mask().paths_size() == 0) return InvalidArgument("update_mask", "must name at least one field");
  for (const auto& p : req.update_mask().paths()) {
    if (!kPaths.count(p)) {
      return InvalidArgument("update_mask", absl::StrCat("path \"", p, "\" is not an updatable agreement field"));
    }
  }
  const absl::Time now = Now();
  return ChangeChild<Agreement>(
      store_, who, req.agreement().name(), req.agreement().etag(), "agreements", kAgreement, "agreement", ClerkMay::kNo,
      [&](ClientsTx&, const v1::Account&, Agreement& g) -> absl::Status {
        RETURN_IF_ERROR(RequireState(g, Agreement::DRAFT, "edited"));
        ApplyFieldMask(req.agreement(), req.update_mask(), &g);
        RETURN_IF_ERROR(ValidateAgreement(g));
        Normalize(g);
        Touch(g.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Agreement> Archive::ActivateAgreement(const Principal& who, const v1::ActivateAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "ActivateAgreement is for the manager and key account managers"));
  const absl::Time now = Now();
  const auto today = Today(now, zone_);
  return ChangeChild<Agreement>(
      store_, who, req.name(), req.etag(), "agreements", kAgreement, "agreement", ClerkMay::kNo,
      [&](ClientsTx& tx, const v1::Account& account, Agreement& g) -> absl::Status {
        if ((account.vip_level() > 0 || account.key_account()) && !who.Is(Role::kManager)) {
          return PermissionDenied(absl::StrCat("the agreement of a VIP or key account is activated by the manager (",
                                               account.name(), " is VIP level ", account.vip_level(),
                                               account.key_account() ? ", key account" : "", ")"));
        }
        RETURN_IF_ERROR(RequireState(g, Agreement::DRAFT, "activated"));
        if (DateKey(g.end_date()) < DateKey(today)) {
          return FailedPrecondition("AGREEMENT_ENDED", absl::StrCat(g.name(), " ended before today"));
        }
        ASSIGN_OR_RETURN(auto all, AllAgreements(tx, account.name().substr(9)));
        for (const auto& other : all) {
          if (other.state() == Agreement::ACTIVE && Overlaps(other, g)) {
            return FailedPrecondition("AGREEMENT_OVERLAP",
                                      absl::StrCat(g.name(), " overlaps the active agreement ", other.name()),
                                      {{"conflicting_agreement", other.name()}});
          }
        }
        g.set_state(Agreement::ACTIVE);
        g.set_activated_by(who.subject);
        *g.mutable_activate_time() = ToProto(now);
        Touch(g.mutable_audit(), who, now);
        return AppendActivity(tx, who, account.name().substr(9), v1::Activity::NOTE,
                              absl::StrCat("agreement activated: ", g.title()), "", g.name(), now);
      },
      ToRecord);
}

absl::StatusOr<Agreement> Archive::TerminateAgreement(const Principal& who, const v1::TerminateAgreementRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "TerminateAgreement is for the manager and key account managers"));
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true, true));
  const absl::Time now = Now();
  const auto today = Today(now, zone_);
  return ChangeChild<Agreement>(
      store_, who, req.name(), req.etag(), "agreements", kAgreement, "agreement", ClerkMay::kNo,
      [&](ClientsTx& tx, const v1::Account& account, Agreement& g) -> absl::Status {
        if (View(g, today).state() != Agreement::ACTIVE) {
          return RequireState(View(g, today), Agreement::ACTIVE, "terminated");
        }
        g.set_state(Agreement::TERMINATED);
        g.set_termination_reason(req.reason());
        Touch(g.mutable_audit(), who, now);
        return AppendActivity(tx, who, account.name().substr(9), v1::Activity::NOTE,
                              absl::StrCat("agreement terminated: ", g.title()), req.reason(), g.name(), now);
      },
      ToRecord);
}

absl::StatusOr<Agreement> Archive::GetAgreementInForce(const Principal& who,
                                                       const v1::GetAgreementInForceRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "GetAgreementInForce is for staff, departments and services"));
  ASSIGN_OR_RETURN(auto account_id, AccountIdOf(req.account(), "account"));
  if (!req.has_date()) return InvalidArgument("date", "is required");
  RETURN_IF_ERROR(CheckDate(req.date(), "date"));
  const auto today = Today(Now(), zone_);
  return store_->Read<Agreement>([&](ClientsTx& tx) -> absl::StatusOr<Agreement> {
    if (auto a = MustGetAccount(tx, account_id); !a.ok()) return a.status();
    ASSIGN_OR_RETURN(auto all, AllAgreements(tx, account_id));
    const int64_t d = DateKey(req.date());
    for (auto& g : all) {
      if (g.state() == Agreement::ACTIVE && DateKey(g.start_date()) <= d && d <= DateKey(g.end_date())) {
        return View(std::move(g), today);
      }
    }
    return WithReason(
        absl::NotFoundError(absl::StrCat("no agreement of ", req.account(), " is in force on ", req.date().year(), "-",
                                         req.date().month(), "-", req.date().day())),
        "NO_AGREEMENT_IN_FORCE", {{"account", req.account()}});
  });
}

}  // namespace atrium::clients
