#include "common/auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <fstream>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/server.h"
#include "common/testing.h"

namespace atrium {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Principal Kam() { return Principal{"kam-li", "Li Na", Role::kKeyAccountManager, ""}; }

TEST(AuthTest, VerifiesWhatItMinted) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  auto token = MintToken(TokenAlgorithm::kHs256, "secret-key", Kam(), kNow + absl::Hours(1), kNow);
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
  auto token = MintToken(TokenAlgorithm::kHs256, "k", Principal{"chef", "", Role::kDepartment, "fnb"},
                         kNow + absl::Hours(1), kNow);
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
  auto expired = MintToken(TokenAlgorithm::kHs256, "secret-key", Kam(), kNow - absl::Seconds(1), kNow - absl::Hours(1));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(verifier.Verify(*expired).status().code(), absl::StatusCode::kUnauthenticated);
  auto forged = MintToken(TokenAlgorithm::kHs256, "other-key", Kam(), kNow + absl::Hours(1), kNow);
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
                         Principal{"kam-li", "Li Na", Role::kKeyAccountManager, ""}, now + absl::Minutes(5), now);
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
    auto token = MintToken(alg, read(dir + priv), who, now + absl::Hours(1), now);
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

namespace atrium {
namespace {

// A token signed as an identity provider might sign it: `header` and
// `payload` are the JSON texts exactly as they travel.
std::string SignHs256(absl::string_view header, absl::string_view payload, absl::string_view key) {
  const std::string input = absl::WebSafeBase64Escape(header) + "." + absl::WebSafeBase64Escape(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &len);
  return input + "." + absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(mac), len));
}

constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";

// {"sub":..,"role":..,"iat":now,"exp":now+1h} with `extra` claims before the closing brace.
std::string Payload(absl::string_view role, absl::string_view extra = "", absl::Duration ttl = absl::Hours(1)) {
  return absl::StrCat(R"({"sub":"kam-li","role":")", role, R"(","iat":)", absl::ToUnixSeconds(kNow), R"(,"exp":)",
                      absl::ToUnixSeconds(kNow + ttl), extra, "}");
}

void ExpectRefused(const absl::StatusOr<Principal>& who, absl::string_view mentions) {
  ASSERT_FALSE(who.ok()) << "accepted as " << who->subject << " " << RoleName(who->role);
  EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated) << who.status();
  EXPECT_NE(who.status().message().find(mentions), absl::string_view::npos) << who.status();
}

TEST(AuthTest, TheAlgorithmMustBeSpelledExactly) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  ASSERT_TRUE(verifier.Verify(SignHs256(kHeader, Payload("clerk"), "secret-key")).ok());
  for (const char* header : {R"({"alg":"hs256","typ":"JWT"})", R"({"alg":"Hs256"})", R"({"typ":"JWT"})"}) {
    ExpectRefused(verifier.Verify(SignHs256(header, Payload("clerk"), "secret-key")), "alg");
  }
}

TEST(AuthTest, AClaimGivenTwiceIsRefused) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  // The last value would win: a clerk acting as the manager.
  ExpectRefused(verifier.Verify(SignHs256(kHeader, Payload("clerk", R"(,"role":"manager")"), "secret-key")),
                "twice (duplicate object key near '\"role\"')");
  // Spelled with an escape, it is still the same claim.
  ExpectRefused(verifier.Verify(SignHs256(kHeader, Payload("clerk", R"(,"rol\u0065":"manager")"), "secret-key")),
                "twice");
  ExpectRefused(verifier.Verify(SignHs256(R"({"alg":"none","alg":"HS256"})", Payload("clerk"), "secret-key")),
                "twice (duplicate object key near '\"alg\"')");
  // Not JSON at all, yet correctly signed.
  ExpectRefused(verifier.Verify(SignHs256(kHeader, R"({"sub":"x",)", "secret-key")), "JSON");
}

TEST(AuthTest, AStaffTokenHasALongestLifetime) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  ASSERT_TRUE(verifier.Verify(SignHs256(kHeader, Payload("manager", "", absl::Hours(12)), "secret-key")).ok());
  ExpectRefused(verifier.Verify(SignHs256(kHeader, Payload("manager", "", absl::Hours(13)), "secret-key")), "lifetime");
  const std::string forever = absl::StrCat(R"({"sub":"mgr-wang","role":"manager","iat":)", absl::ToUnixSeconds(kNow),
                                           R"(,"exp":9223372036854775807})");
  ExpectRefused(verifier.Verify(SignHs256(kHeader, forever, "secret-key")), "lifetime");
  // Without iat the lifetime cannot be measured.
  const std::string no_iat =
      absl::StrCat(R"({"sub":"mgr-wang","role":"manager","exp":)", absl::ToUnixSeconds(kNow + absl::Hours(1)), "}");
  ExpectRefused(verifier.Verify(SignHs256(kHeader, no_iat, "secret-key")), "iat");
  // Issued in the future (beyond the clock skew allowed).
  const std::string later =
      absl::StrCat(R"({"sub":"mgr-wang","role":"manager","iat":)", absl::ToUnixSeconds(kNow + absl::Minutes(5)),
                   R"(,"exp":)", absl::ToUnixSeconds(kNow + absl::Hours(1)), "}");
  ExpectRefused(verifier.Verify(SignHs256(kHeader, later, "secret-key")), "iat");
}

TEST(AuthTest, IdentityClaimsAreCheckedNamingTheClaim) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  auto with = [&](absl::string_view sub, absl::string_view name) {
    return verifier.Verify(SignHs256(
        kHeader,
        absl::StrCat(R"({"sub":")", sub, R"(","name":")", name, R"(","role":"clerk","iat":)", absl::ToUnixSeconds(kNow),
                     R"(,"exp":)", absl::ToUnixSeconds(kNow + absl::Hours(1)), "}"),
        "secret-key"));
  };
  ASSERT_TRUE(with("clerk.zhao@hotel:1-2_3", "赵 \\\"小\\\" 明").ok());
  ExpectRefused(with(R"(kam-li\n2026-12-01T00:00:00.000000Z INFO  [clients] forged)", "x"), "sub");
  ExpectRefused(with("kam li", "x"), "sub");
  ExpectRefused(with(std::string(65, 'a'), "x"), "sub");
  ExpectRefused(with("kam-li", R"(Li\nNa)"), "name");
  ExpectRefused(with("kam-li", R"(Li\u0000Na)"), "JSON");  // jansson refuses NUL itself
  ExpectRefused(with("kam-li", R"(Li\u007fNa)"), "name");
  ExpectRefused(with("kam-li", R"(Li\u009bNa)"), "name");  // C1 control (CSI)
  ExpectRefused(with("kam-li", R"(Li\u2028Na)"), "name");  // line separator
  std::string long_name;
  for (int i = 0; i < 65; ++i) long_name += "李";
  ExpectRefused(with("kam-li", long_name), "name");
  long_name.resize(long_name.size() - 3);
  EXPECT_TRUE(with("kam-li", long_name).ok());
  // Claims of the wrong JSON type are not read as absent.
  ExpectRefused(
      verifier.Verify(SignHs256(kHeader,
                                absl::StrCat(R"({"sub":"x","name":7,"role":"clerk","iat":)", absl::ToUnixSeconds(kNow),
                                             R"(,"exp":)", absl::ToUnixSeconds(kNow + absl::Hours(1)), "}"),
                                "secret-key")),
      "name");
}

TEST(AuthTest, EveryDepartmentIsARole) {
  FakeClock clock(kNow);
  TokenVerifier verifier(TokenAlgorithm::kHs256, "secret-key", &clock);
  for (const char* d : {"fnb", "rooms", "front_office", "engineering", "housekeeping", "security", "finance"}) {
    auto as_role = verifier.Verify(SignHs256(kHeader, Payload(d), "secret-key"));
    ASSERT_TRUE(as_role.ok()) << d << ": " << as_role.status();
    EXPECT_TRUE(as_role->IsDepartment(d));
    auto as_claim = verifier.Verify(
        SignHs256(kHeader, Payload("department", absl::StrCat(R"(,"department":")", d, R"(")")), "secret-key"));
    ASSERT_TRUE(as_claim.ok()) << d << ": " << as_claim.status();
    EXPECT_TRUE(as_claim->IsDepartment(d));
  }
  // A department role naming another department contradicts itself.
  ExpectRefused(verifier.Verify(SignHs256(kHeader, Payload("fnb", R"(,"department":"rooms")"), "secret-key")),
                "department");
}

}  // namespace
}  // namespace atrium

namespace atrium {
namespace {

// jwt-max-lifetime and departments, settings every service shares, are what
// its verifier enforces.
TEST(AuthTest, TheRulesAreTheSettings) {
  const std::string dir = testing::TempDir("auth-settings");
  std::ofstream(dir + "/jwt.key") << "secret-key";
  auto verifier_with = [&](std::vector<std::string> flags) -> absl::StatusOr<std::unique_ptr<TokenVerifier>> {
    static FakeClock clock(kNow);
    Config config(CommonSettings("127.0.0.1:0", dir + "/x.db"));
    flags.insert(flags.begin(), {"svc", "--jwt-key-file=" + dir + "/jwt.key"});
    std::vector<char*> argv;
    for (auto& f : flags) argv.push_back(f.data());
    auto parsed =
        config.Parse(static_cast<int>(argv.size()), argv.data(), [](const char*) -> const char* { return nullptr; });
    if (!parsed.ok()) return parsed;
    return VerifierFrom(config, &clock);
  };
  auto verifier = verifier_with({"--jwt-max-lifetime=24h", "--departments=fnb,rooms,spa"});
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_TRUE((*verifier)->Verify(SignHs256(kHeader, Payload("manager", "", absl::Hours(20)), "secret-key")).ok());
  ExpectRefused((*verifier)->Verify(SignHs256(kHeader, Payload("manager", "", absl::Hours(25)), "secret-key")),
                "lifetime");
  auto spa = (*verifier)->Verify(SignHs256(kHeader, Payload("spa"), "secret-key"));
  ASSERT_TRUE(spa.ok()) << spa.status();
  EXPECT_TRUE(spa->IsDepartment("spa"));
  ExpectRefused((*verifier)->Verify(SignHs256(kHeader, Payload("housekeeping"), "secret-key")),
                "neither a staff role nor a configured department");
  ExpectRefused(
      (*verifier)->Verify(SignHs256(kHeader, Payload("department", R"(,"department":"housekeeping")"), "secret-key")),
      "not a configured department");
  // A service token lives an hour at most, whatever jwt-max-lifetime says.
  ExpectRefused((*verifier)->Verify(SignHs256(kHeader, Payload("service", "", absl::Hours(2)), "secret-key")),
                "lifetime");
  // The identity provider's settings: checked when the service starts.
  const std::string provider = "--oidc-issuer=https://sso.hotel.example/realms/staff";
  EXPECT_TRUE(verifier_with({provider, "--oidc-audience=atrium", "--oidc-role-map=sales=key_account_manager,spa=spa",
                             "--departments=fnb,rooms,spa"})
                  .ok());
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {provider, "--oidc-role-map=sales=manager"},
           {provider, "--oidc-audience=atrium"},
           {provider, "--oidc-audience=atrium", "--oidc-role-map=sales"},
           {provider, "--oidc-audience=atrium", "--oidc-role-map=sales=owner"},
           {provider, "--oidc-audience=atrium", "--oidc-role-map=sales=housekeeping", "--departments=fnb,rooms"},
           {provider, "--oidc-audience=atrium", "--oidc-role-map=sales=manager", "--oidc-fetch-timeout=0s"}}) {
    EXPECT_EQ(verifier_with(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad.back();
  }
  for (const char* bad : {"--departments=fnb,manager", "--departments=fnb,department", "--departments=fnb,fnb",
                          "--departments=Fnb", "--departments= ,", "--jwt-max-lifetime=0s"}) {
    auto refused = verifier_with({bad});
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace atrium
