#include "common/auth.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <tuple>

#include "common/config.h"
#include "common/testing.h"

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

namespace atrium {
namespace {

TEST(AuthTest, ARememberedTokenStillExpires) {
  const absl::Time now = absl::FromUnixSeconds(1795744800);
  FakeClock clock(now);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  auto token = MintToken(TokenAlgorithm::kHs256, "secret-key",
                         Principal{"kam-li", "Li Na", Role::kKeyAccountManager, ""}, now + absl::Minutes(5));
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(verifier.Verify(*token).ok());
  EXPECT_TRUE(verifier.Verify(*token).ok());  // from the cache
  clock.Advance(absl::Minutes(6));
  EXPECT_EQ(verifier.Verify(*token).status().code(), absl::StatusCode::kUnauthenticated);
  // A token with one byte changed is not the remembered one.
  std::string forged = *token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier.Verify(forged).status().code(), absl::StatusCode::kUnauthenticated);
}

// RS256 and ES256, as deployments use them: verified with the public key,
// refused with another algorithm's key.
TEST(AuthTest, VerifiesRs256AndEs256WithThePublicKey) {
  const absl::Time now = absl::FromUnixSeconds(1795744800);
  FakeClock clock(now);
  const std::string dir = testing::TempDir("auth-keys");
  ASSERT_EQ(
      std::system(("openssl genrsa -out " + dir + "/rsa.pem 2048 2>/dev/null && openssl rsa -in " + dir +
                   "/rsa.pem -pubout -out " + dir +
                   "/rsa.pub 2>/dev/null && openssl ecparam -name prime256v1 "
                   "-genkey -noout -out " +
                   dir + "/ec.pem && openssl ec -in " + dir + "/ec.pem -pubout -out " + dir + "/ec.pub 2>/dev/null")
                      .c_str()),
      0);
  auto read = [](const std::string& path) { return *ReadSettingFile("test", path); };
  const Principal who{"mgr-wang", "Wang Min", Role::kManager, ""};
  for (auto [alg, priv, pub] : {std::tuple{TokenAlgorithm::kRs256, "/rsa.pem", "/rsa.pub"},
                                std::tuple{TokenAlgorithm::kEs256, "/ec.pem", "/ec.pub"}}) {
    auto token = MintToken(alg, read(dir + priv), who, now + absl::Hours(1));
    ASSERT_TRUE(token.ok()) << token.status();
    TokenVerifier verifier(alg, read(dir + pub), &clock);
    auto got = verifier.Verify(*token);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->subject, "mgr-wang");
    TokenVerifier hs(TokenAlgorithm::kHs256, read(dir + pub), &clock);  // alg confusion is refused
    EXPECT_EQ(hs.Verify(*token).status().code(), absl::StatusCode::kUnauthenticated);
  }
}

}  // namespace
}  // namespace atrium
