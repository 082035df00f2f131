#include "common/auth.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "spdlog/spdlog.h"

namespace atrium {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

jwt_alg_t ToLib(TokenAlgorithm alg) {
  switch (alg) {
    case TokenAlgorithm::kHs256: return JWT_ALG_HS256;
    case TokenAlgorithm::kRs256: return JWT_ALG_RS256;
    case TokenAlgorithm::kEs256: return JWT_ALG_ES256;
  }
  return JWT_ALG_INVAL;
}

std::string Claim(jwt_t* jwt, const char* name) {
  const char* v = jwt_get_grant(jwt, name);
  return v ? v : "";
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kManager: return "manager";
    case Role::kKeyAccountManager: return "key_account_manager";
    case Role::kClerk: return "clerk";
    case Role::kGmOffice: return "gm_office";
    case Role::kInspector: return "inspector";
    case Role::kDepartment: return "department";
    case Role::kService: return "service";
  }
  return "unknown";
}

absl::Status Principal::Require(std::initializer_list<Role> roles, std::string_view rule) const {
  for (Role r : roles) {
    if (r == role) return absl::OkStatus();
  }
  return PermissionDenied(rule);
}

absl::StatusOr<TokenAlgorithm> ParseAlgorithm(std::string_view name) {
  if (name == "HS256") return TokenAlgorithm::kHs256;
  if (name == "RS256") return TokenAlgorithm::kRs256;
  if (name == "ES256") return TokenAlgorithm::kEs256;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown JWT algorithm ", std::string(name), " (HS256, RS256 or ES256)"));
}

bool IsDepartmentName(std::string_view name) {
  if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::StatusOr<Principal> PrincipalFromClaims(std::string_view sub, std::string_view name, std::string_view role,
                                              std::string_view department) {
  if (sub.empty()) return Unauthenticated("token has no sub claim");
  Principal p;
  p.subject = std::string(sub);
  p.display_name = name.empty() ? p.subject : std::string(name);
  static const std::pair<std::string_view, Role> kRoles[] = {
      {"manager", Role::kManager},     {"key_account_manager", Role::kKeyAccountManager},
      {"clerk", Role::kClerk},         {"gm_office", Role::kGmOffice},
      {"inspector", Role::kInspector}, {"service", Role::kService},
  };
  for (const auto& [n, r] : kRoles) {
    if (n == role) {
      p.role = r;
      return p;
    }
  }
  // role "department" names any department (the list is each service's
  // configuration); the well-known ones may also be the role itself.
  if (role == "department") {
    if (!IsDepartmentName(department)) {
      return Unauthenticated("a department token needs a department claim of [a-z0-9_], up to 32 characters");
    }
    p.role = Role::kDepartment;
    p.department = std::string(department);
    return p;
  }
  for (std::string_view d : kDepartments) {
    if (d == role) {
      p.role = Role::kDepartment;
      p.department = std::string(d);
      return p;
    }
  }
  return Unauthenticated(absl::StrCat("token has an unknown role \"", std::string(role), "\""));
}

TokenVerifier::TokenVerifier(TokenAlgorithm alg, std::string key, const Clock* clock)
    : alg_(alg), key_(std::move(key)), clock_(clock) {}

absl::StatusOr<Principal> TokenVerifier::Verify(std::string_view token) const {
  if (token.empty()) return Unauthenticated("missing bearer token");
  std::string key(token);
  {
    // A token verified before is not verified again (signature checks cost
    // more than the rest of a small call); its expiry is still checked.
    absl::MutexLock lock(&cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.expires <= clock_->Now()) return Unauthenticated("token has expired");
      return it->second.principal;
    }
  }
  absl::Time expires;
  auto who = VerifyUncached(token, &expires);
  if (!who.ok()) return who.status();
  absl::MutexLock lock(&cache_mu_);
  if (cache_.size() >= kCacheSize) cache_.clear();
  cache_.emplace(std::move(key), Verified{*who, expires});
  return who;
}

absl::StatusOr<Principal> TokenVerifier::VerifyUncached(std::string_view token, absl::Time* expires) const {
  jwt_t* raw = nullptr;
  std::string t(token);
  int rc =
      jwt_decode(&raw, t.c_str(), reinterpret_cast<const unsigned char*>(key_.data()), static_cast<int>(key_.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) return Unauthenticated("token signature or format is invalid");
  // The algorithm is fixed by configuration, never chosen by the token.
  if (jwt_get_alg(jwt.get()) != ToLib(alg_))
    return Unauthenticated("token uses an algorithm this service does not accept");
  const long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (exp <= 0) return Unauthenticated("token has no exp claim");
  const absl::Time now = clock_->Now();
  if (absl::FromUnixSeconds(exp) <= now) return Unauthenticated("token has expired");
  const long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (nbf > 0 && absl::FromUnixSeconds(nbf) > now + absl::Seconds(30)) {
    return Unauthenticated("token is not valid yet");  // not cached: it becomes valid later
  }
  *expires = absl::FromUnixSeconds(exp);
  return PrincipalFromClaims(Claim(jwt.get(), "sub"), Claim(jwt.get(), "name"), Claim(jwt.get(), "role"),
                             Claim(jwt.get(), "department"));
}

absl::StatusOr<Principal> TokenVerifier::Authenticate(const grpc::ServerContext& context) const {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return Unauthenticated("missing authorization metadata (Bearer token)");
  std::string_view value(it->second.data(), it->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.substr(0, kBearer.size()) != kBearer) return Unauthenticated("authorization is not a Bearer token");
  auto who = Verify(value.substr(kBearer.size()));
  if (who.ok()) who->token = std::string(value.substr(kBearer.size()));
  return who;
}

absl::StatusOr<std::string> MintToken(TokenAlgorithm alg, std::string_view key, const Principal& who,
                                      absl::Time expires) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  std::string k(key);
  if (jwt_set_alg(jwt.get(), ToLib(alg), reinterpret_cast<const unsigned char*>(k.data()),
                  static_cast<int>(k.size())) != 0) {
    return absl::InvalidArgumentError("signing key does not suit the algorithm");
  }
  jwt_add_grant(jwt.get(), "sub", who.subject.c_str());
  jwt_add_grant(jwt.get(), "name", who.display_name.c_str());
  if (who.role == Role::kDepartment) {
    jwt_add_grant(jwt.get(), "role", "department");
    jwt_add_grant(jwt.get(), "department", who.department.c_str());
  } else {
    jwt_add_grant(jwt.get(), "role", std::string(RoleName(who.role)).c_str());
  }
  jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(absl::ToUnixSeconds(expires)));
  char* out = jwt_encode_str(jwt.get());
  if (out == nullptr) return absl::InternalError("jwt_encode_str failed");
  std::string token(out);
  std::free(out);
  return token;
}

ServiceTokenSource::ServiceTokenSource(TokenAlgorithm alg, std::string signing_key, std::string service_name)
    : alg_(alg),
      key_(std::move(signing_key)),
      who_{absl::StrCat("service:", service_name), absl::StrCat(service_name, " service"), Role::kService, ""} {}

std::string ServiceTokenSource::Token() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (now + absl::Minutes(5) >= expires_) {
    auto t = MintToken(alg_, key_, who_, now + absl::Hours(1));
    if (!t.ok()) {
      spdlog::error("cannot sign the {} token: {}", who_.subject, std::string(t.status().message()));
      return "";
    }
    token_ = *t;
    expires_ = now + absl::Hours(1);
  }
  return token_;
}

}  // namespace atrium
