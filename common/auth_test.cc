#include "common/auth.h"

#include <gtest/gtest.h>

namespace atrium {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Principal Kam() { return Principal{"kam-li", "Li Na", Role::kKeyAccountManager, ""}; }

TEST(AuthTest, VerifiesWhatItMinted) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  auto token = MintToken(TokenAlgorithm::kHs256, "secret-key", Kam(), kNow + absl::Hours(1));
  ASSERT_TRUE(token.ok());
  auto who = verifier.Verify(*token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "kam-li");
  EXPECT_EQ(who->display_name, "Li Na");
  EXPECT_EQ(who->role, Role::kKeyAccountManager);
}

TEST(AuthTest, DepartmentRoleCarriesTheDepartment) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "k", &clock);
  auto token =
      MintToken(TokenAlgorithm::kHs256, "k", Principal{"chef", "", Role::kDepartment, "fnb"}, kNow + absl::Hours(1));
  ASSERT_TRUE(token.ok());
  auto who = verifier.Verify(*token);
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->IsDepartment("fnb"));
  auto direct = PrincipalFromClaims("x", "", "rooms", "");
  ASSERT_TRUE(direct.ok());
  EXPECT_TRUE(direct->IsDepartment("rooms"));
}

TEST(AuthTest, RejectsExpiredForgedAndMissingTokens) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  auto expired = MintToken(TokenAlgorithm::kHs256, "secret-key", Kam(), kNow - absl::Seconds(1));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(verifier.Verify(*expired).status().code(), absl::StatusCode::kUnauthenticated);
  auto forged = MintToken(TokenAlgorithm::kHs256, "other-key", Kam(), kNow + absl::Hours(1));
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(verifier.Verify(*forged).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier.Verify("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier.Verify("not.a.token").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, RejectsUnsignedToken) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  // {"alg":"none"} . {"sub":"x","role":"manager","exp":9999999999} . (no signature)
  const std::string none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6Im1hbmFnZXIiLCJleHAiOjk5OTk5OTk5OTl9.";
  EXPECT_EQ(verifier.Verify(none).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, RejectsUnknownRole) {
  EXPECT_EQ(PrincipalFromClaims("x", "", "janitor", "").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, RequireNamesTheRule) {
  absl::Status s = Kam().Require({Role::kManager}, "only the manager does this");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "only the manager does this");
  EXPECT_TRUE(Kam().Require({Role::kManager, Role::kKeyAccountManager}, "x").ok());
}

}  // namespace
}  // namespace atrium
