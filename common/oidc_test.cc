// The identity provider's tokens: keys from its JWKS (real RSA and EC keys
// made here with OpenSSL, tokens signed with libjwt), fetched again for an
// unknown kid at most once per interval, and its claims mapped to roles.
// tests/oidc_process_test runs the same against a real provider.
#include "common/oidc.h"

#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/auth.h"

namespace atrium {
namespace {

const char kIssuer[] = "https://idp.hotel.example/realms/staff";
const char kJwksUrl[] = "https://idp.hotel.example/realms/staff/certs";

// A key pair: the private key as PEM (to sign), the public one as a JWK.
struct KeyPair {
  std::string private_pem;
  std::string jwk;  // JSON object
};

std::string B64(const unsigned char* data, size_t n) {
  return absl::WebSafeBase64Escape(std::string(reinterpret_cast<const char*>(data), n));
}

std::string PrivatePem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free_all(bio);
  return out;
}

std::string Bn(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return absl::WebSafeBase64Escape(bytes);
}

KeyPair Rsa(const std::string& kid, unsigned bits = 2048) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  KeyPair out{PrivatePem(key),
              absl::StrCat(R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")", kid, R"(","n":")",
                           Bn(key, OSSL_PKEY_PARAM_RSA_N), R"(","e":")", Bn(key, OSSL_PKEY_PARAM_RSA_E), R"("})")};
  EVP_PKEY_free(key);
  return out;
}

KeyPair Ec(const std::string& kid) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  unsigned char point[65];
  size_t n = 0;
  EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &n);
  KeyPair out{PrivatePem(key), absl::StrCat(R"({"kty":"EC","crv":"P-256","kid":")", kid, R"(","x":")",
                                            B64(point + 1, 32), R"(","y":")", B64(point + 33, 32), R"("})")};
  EVP_PKEY_free(key);
  return out;
}

std::string Sign(const KeyPair& k, jwt_alg_t alg, const std::string& kid, const std::string& claims) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(k.private_pem.data()),
              static_cast<int>(k.private_pem.size()));
  if (!kid.empty()) jwt_add_header(jwt, "kid", kid.c_str());
  jwt_add_grants_json(jwt, claims.c_str());
  char* out = jwt_encode_str(jwt);
  std::string token(out);
  free(out);
  jwt_free(jwt);
  return token;
}

class OidcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_.departments = DefaultDepartments();
    rules_.oidc.issuer = kIssuer;
    rules_.oidc.audience = "atrium";
    rules_.oidc.roles_claim = "realm_access.roles";
    rules_.oidc.role_map = *ParseRoleMap("sales-managers=manager, sales=key_account_manager, fnb-staff=fnb");
    rules_.oidc_keys = std::make_shared<OidcKeys>(
        kIssuer, kJwksUrl,
        [this](const std::string& url) -> absl::StatusOr<std::string> {
          ++fetches_;
          if (down_) return absl::UnavailableError("connection refused");
          if (url != kJwksUrl) return absl::UnavailableError("HTTP 404");
          return jwks_;
        },
        &clock_, absl::Seconds(30));
    verifier_ = std::make_unique<TokenVerifier>(TokenAlgorithm::kHs256, "local-secret", &clock_, rules_);
    Publish({&k1_});
  }

  void Publish(const std::vector<const KeyPair*>& keys) {
    jwks_ = R"({"keys":[)";
    for (size_t i = 0; i < keys.size(); ++i) absl::StrAppend(&jwks_, i ? "," : "", keys[i]->jwk);
    jwks_ += "]}";
  }

  // Claims of a person in `groups` (JSON array), for `aud`, expiring in `ttl`.
  std::string Claims(const std::string& groups, const std::string& aud = R"("atrium")",
                     absl::Duration ttl = absl::Minutes(5), const std::string& iss = kIssuer) {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return absl::StrCat(R"({"iss":")", iss, R"(","sub":"f2c8-41","aud":)", aud, R"(,"iat":)", now, R"(,"exp":)",
                        now + absl::ToInt64Seconds(ttl), R"(,"name":"王敏","realm_access":{"roles":)", groups, "}}");
  }

  FakeClock clock_{absl::FromUnixSeconds(1796000000)};
  KeyPair k1_ = Rsa("k1"), k2_ = Rsa("k2"), ec_ = Ec("e1");
  std::string jwks_;
  bool down_ = false;
  int fetches_ = 0;
  TokenRules rules_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(OidcTest, AProvidersTokenMapsItsGroupsToARole) {
  auto who = verifier_->Verify(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["offline_access","sales-managers"])")));
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "f2c8-41");
  EXPECT_EQ(who->display_name, "王敏");
  EXPECT_EQ(who->role, Role::kManager);
  // A department, and the first value of the map deciding.
  auto fnb = verifier_->Verify(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["fnb-staff"])", R"(["other","atrium"])")));
  ASSERT_TRUE(fnb.ok()) << fnb.status();
  EXPECT_TRUE(fnb->IsDepartment("fnb"));
  auto both = verifier_->Verify(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales","sales-managers"])")));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->role, Role::kManager) << "the map's order, not the token's";
  EXPECT_EQ(fetches_, 1) << "the keys are fetched once";
}

TEST_F(OidcTest, EcKeysVerifyToo) {
  Publish({&k1_, &ec_});
  auto who = verifier_->Verify(Sign(ec_, JWT_ALG_ES256, "e1", Claims(R"(["sales"])")));
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->role, Role::kKeyAccountManager);
  // A key's algorithm is the key's: an RS256 token naming the EC key fails.
  auto wrong = verifier_->Verify(Sign(k1_, JWT_ALG_RS256, "e1", Claims(R"(["sales"])")));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(OidcTest, AnotherIssuerAudienceAnExpiredTokenOrAnUnmappedGroupIsUnauthenticated) {
  auto refused = [&](const std::string& token, const std::string& why) {
    auto r = verifier_->Verify(token);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated) << why;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status();
  };
  refused(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])", R"("billing")")), "aud");
  refused(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])", R"(["billing"])")), "aud");
  refused(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])", R"("atrium")", absl::Minutes(5), "https://evil")),
          "alg must be HS256");
  refused(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])", R"("atrium")", -absl::Seconds(1))), "expired");
  refused(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["guests"])")), "maps to a role");
  refused(Sign(k2_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])")), "signature");
  refused(Sign(k1_, JWT_ALG_HS256, "k1", Claims(R"(["sales"])")), "RS256 or ES256");
  // A person's token signed with the local key is no longer accepted; a
  // service's own still is.
  Principal kam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
  refused(*MintToken(TokenAlgorithm::kHs256, "local-secret", kam, clock_.Now() + absl::Hours(1), clock_.Now()),
          "identity provider");
  Principal outbox{"service:meetings", "meetings", Role::kService, ""};
  EXPECT_TRUE(verifier_
                  ->Verify(*MintToken(TokenAlgorithm::kHs256, "local-secret", outbox, clock_.Now() + absl::Hours(1),
                                      clock_.Now()))
                  .ok());
}

TEST_F(OidcTest, ARotatedKeyIsPickedUpAndARemovedKeysTokensStopWorking) {
  const std::string old_token = Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])"));
  ASSERT_TRUE(verifier_->Verify(old_token).ok());
  // The provider rotates: k2 signs, k1 is withdrawn.
  Publish({&k2_});
  const std::string new_token = Sign(k2_, JWT_ALG_RS256, "k2", Claims(R"(["sales"])"));
  auto early = verifier_->Verify(new_token);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnauthenticated) << "fetched at most once per interval";
  EXPECT_EQ(fetches_, 1);
  clock_.Advance(absl::Seconds(31));
  auto rotated = verifier_->Verify(new_token);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(fetches_, 2);
  auto withdrawn = verifier_->Verify(old_token);
  EXPECT_EQ(withdrawn.status().code(), absl::StatusCode::kUnauthenticated) << "verified before, checked again";
  // A flood of unknown kids asks the provider nothing more.
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(verifier_->Verify(Sign(k2_, JWT_ALG_RS256, absl::StrCat("x", i), Claims(R"(["sales"])"))).ok());
  }
  EXPECT_EQ(fetches_, 2);
}

TEST_F(OidcTest, AProviderThatCannotBeReachedIsUnavailableNotAnInvalidToken) {
  down_ = true;
  auto r = verifier_->Verify(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])")));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  down_ = false;
  clock_.Advance(absl::Seconds(31));
  EXPECT_TRUE(verifier_->Verify(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])"))).ok());
}

TEST_F(OidcTest, TheKeysUrlComesFromTheDiscoveryDocument) {
  int asked = 0;
  OidcKeys keys(
      kIssuer, "",
      [&](const std::string& url) -> absl::StatusOr<std::string> {
        ++asked;
        if (url == absl::StrCat(kIssuer, "/.well-known/openid-configuration")) {
          return absl::StrCat(R"({"issuer":")", kIssuer, R"(","jwks_uri":")", kJwksUrl, R"("})");
        }
        if (url == kJwksUrl) return jwks_;
        return absl::UnavailableError("HTTP 404");
      },
      &clock_, absl::Seconds(30));
  auto verified = keys.Verify(Sign(k1_, JWT_ALG_RS256, "k1", Claims(R"(["sales"])")));
  ASSERT_TRUE(verified.ok()) << verified;
  EXPECT_EQ(asked, 2);
}

TEST_F(OidcTest, OnlyRsaOfAtLeast2048BitsAndEcP256KeysAreTaken) {
  const KeyPair small = Rsa("small", 1024);
  Publish({&small, &ec_});
  jwks_.insert(jwks_.size() - 2, R"(,{"kty":"oct","kid":"shared","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"})");
  auto weak = verifier_->Verify(Sign(small, JWT_ALG_RS256, "small", Claims(R"(["sales"])")));
  EXPECT_EQ(weak.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(weak.status().message().find("not one the identity provider publishes"), std::string::npos)
      << weak.status();
  EXPECT_TRUE(verifier_->Verify(Sign(ec_, JWT_ALG_ES256, "e1", Claims(R"(["sales"])"))).ok());
  auto hmac = verifier_->Verify(
      Sign(KeyPair{"secret-secret-secret-secret", ""}, JWT_ALG_HS256, "shared", Claims(R"(["sales"])")));
  EXPECT_EQ(hmac.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(ParseRoleMap("sales").ok());
  EXPECT_FALSE(ParseRoleMap("=manager").ok());
  EXPECT_EQ(ParseRoleMap("a=manager,b=fnb")->size(), 2u);
}

}  // namespace
}  // namespace atrium
