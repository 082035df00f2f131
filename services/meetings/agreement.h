// The meeting agreement's rules, without storage: what a draft may contain,
// its prices measured against the manager's price list, and the discount
// authority (权限) of each role.
//
//   auto authority = DiscountAuthority::Parse("key_account_manager=10,manager=20,gm_office=100");
//   if (auto s = PriceAgreement(&draft, price_list); !s.ok()) return s;   // fills list prices, discount
//   if (draft.discount_basis_points() > authority->Of(author_role)) ... // needs an approval
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/auth.h"

namespace atrium::meetings {

// The largest discount below list price each role may grant on its own, in
// basis points (hundredths of a percent).
class DiscountAuthority final {
 public:
  // "role=percent,...", e.g. "key_account_manager=10,manager=20,gm_office=100";
  // roles among key_account_manager, manager, gm_office; 0..100 percent,
  // not decreasing in that order of seniority.
  static absl::StatusOr<DiscountAuthority> Parse(std::string_view spec);
  DiscountAuthority();

  int Of(std::string_view role) const;
  // The least senior role whose authority covers `basis_points`
  // ("key_account_manager", "manager", "gm_office"), or empty if none does.
  std::string RequiredRole(int basis_points) const;
  // As RequiredRole, but an approver: never a key account manager.
  std::string ApproverFor(int basis_points) const;

 private:
  std::map<std::string, int, std::less<>> basis_points_;
};

absl::Status ValidatePriceList(const v1::PriceList& list);

// Checks a draft's content; the field names start with `prefix` ("agreement").
absl::Status ValidateAgreementContent(const v1::Agreement& a, const std::string& prefix);

// Fills each line's list price and amount, the totals, the largest discount
// and the role it requires. Every line is measured: a line off the list
// (no item) against the lowest list price of its category. A line naming an
// item not on the price list, or off the list in a category without list
// prices, gets INVALID_ARGUMENT.
absl::Status PriceAgreement(v1::Agreement* a, const v1::PriceList& list, const DiscountAuthority& authority,
                            const std::string& prefix);

// What a draft still lacks to be signed, or empty.
std::string MissingForSignature(const v1::Agreement& a);

// Keeps only the content fields (what a caller writes), dropping output-only
// fields.
void KeepContent(v1::Agreement* a);

// Content field names (top-level) that an update mask may name.
bool IsContentField(std::string_view path);

// Money in CNY minor units.
type::v1::Money Cny(int64_t minor);
absl::Status ValidateAmount(const type::v1::Money& m, const std::string& field, bool allow_zero);
// Fen as yuan with the thousands separated: "12,345.60".
std::string YuanText(int64_t minor);

}  // namespace atrium::meetings
