#include "common/auth.h"

#include <jansson.h>
#include <jwt.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "spdlog/spdlog.h"

namespace atrium {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct JsonDeleter {
  void operator()(json_t* j) const { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

jwt_alg_t ToLib(TokenAlgorithm alg) {
  switch (alg) {
    case TokenAlgorithm::kHs256: return JWT_ALG_HS256;
    case TokenAlgorithm::kRs256: return JWT_ALG_RS256;
    case TokenAlgorithm::kEs256: return JWT_ALG_ES256;
  }
  return JWT_ALG_INVAL;
}

constexpr std::pair<std::string_view, Role> kStaffRoles[] = {
    {"manager", Role::kManager},     {"key_account_manager", Role::kKeyAccountManager},
    {"clerk", Role::kClerk},         {"gm_office", Role::kGmOffice},
    {"inspector", Role::kInspector}, {"service", Role::kService},
};

// One part ("header" or "claims") of a token, decoded and parsed strictly:
// a JSON object with no key given twice (libjwt keeps the last of two equal
// keys; nothing may depend on which one it kept).
// jansson's error text quotes the token; only printable ASCII of it is shown.
std::string Quoted(const char* text) {
  std::string out(text);
  for (char& c : out) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  return out;
}

absl::StatusOr<JsonPtr> StrictJsonPart(absl::string_view encoded, const char* part) {
  std::string text;
  if (!absl::WebSafeBase64Unescape(encoded, &text)) {
    return Unauthenticated(absl::StrCat("token ", part, ": not base64url"));
  }
  json_error_t error;
  JsonPtr root(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &error));
  if (root == nullptr) {
    if (json_error_code(&error) == json_error_duplicate_key) {
      return Unauthenticated(absl::StrCat("token ", part, ": a key is given twice (", Quoted(error.text), ")"));
    }
    return Unauthenticated(absl::StrCat("token ", part, ": not JSON (", Quoted(error.text), ")"));
  }
  if (!json_is_object(root.get())) return Unauthenticated(absl::StrCat("token ", part, ": not a JSON object"));
  return root;
}

// A string claim; "" when absent, an error when of another JSON type.
absl::StatusOr<std::string> StringClaim(json_t* claims, const char* name) {
  json_t* v = json_object_get(claims, name);
  if (v == nullptr) return std::string();
  if (!json_is_string(v)) return Unauthenticated(absl::StrCat("token claim ", name, " must be a string"));
  return std::string(json_string_value(v), json_string_length(v));
}

// A time claim (integer seconds since the epoch); 0 when absent and optional.
absl::StatusOr<int64_t> TimeClaim(json_t* claims, const char* name, bool required) {
  json_t* v = json_object_get(claims, name);
  if (v == nullptr) {
    if (required) return Unauthenticated(absl::StrCat("token has no ", name, " claim"));
    return int64_t{0};
  }
  if (!json_is_integer(v) || json_integer_value(v) <= 0) {
    return Unauthenticated(absl::StrCat("token claim ", name, " must be a positive integer (seconds since the epoch)"));
  }
  return static_cast<int64_t>(json_integer_value(v));
}

// libjwt checks the signature over the token with `key`; the token's own
// algorithm must be `alg`.
absl::Status CheckSignature(std::string_view token, const std::string& key, jwt_alg_t alg) {
  jwt_t* raw = nullptr;
  std::string t(token);
  int rc =
      jwt_decode(&raw, t.c_str(), reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) return Unauthenticated("token signature or format is invalid");
  if (jwt_get_alg(jwt.get()) != alg) return Unauthenticated("token header alg is not the key's");
  return absl::OkStatus();
}

// The value at a dotted path of objects ("realm_access.roles"), or null.
json_t* At(json_t* claims, const std::string& path) {
  json_t* v = claims;
  for (absl::string_view step : absl::StrSplit(path, '.')) {
    v = json_is_object(v) ? json_object_get(v, std::string(step).c_str()) : nullptr;
  }
  return v;
}

absl::StatusOr<std::string> StringAt(json_t* claims, const std::string& path) {
  json_t* v = At(claims, path);
  if (v == nullptr) return std::string();
  if (!json_is_string(v)) return Unauthenticated(absl::StrCat("token claim ", path, " must be a string"));
  return std::string(json_string_value(v), json_string_length(v));
}

// A string or an array of strings (other entries ignored); empty when absent.
absl::StatusOr<std::vector<std::string>> StringsAt(json_t* claims, const std::string& path) {
  json_t* v = At(claims, path);
  std::vector<std::string> out;
  if (json_is_string(v)) out.emplace_back(json_string_value(v), json_string_length(v));
  size_t i = 0;
  json_t* e = nullptr;
  json_array_foreach(v, i, e) {
    if (json_is_string(e)) out.emplace_back(json_string_value(e), json_string_length(e));
  }
  if (v != nullptr && out.empty() && !json_is_array(v)) {
    return Unauthenticated(absl::StrCat("token claim ", path, " must be a string or an array of strings"));
  }
  return out;
}

absl::Status CheckSubject(std::string_view sub) {
  bool ok = !sub.empty() && sub.size() <= 64;
  for (char c : sub) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '@' || c == ':' || c == '-');
  }
  if (ok) return absl::OkStatus();
  if (sub.empty()) return Unauthenticated("token has no sub claim");
  return Unauthenticated("token claim sub must be 1 to 64 characters of A-Z a-z 0-9 . _ @ : -");
}

// Printable UTF-8: no C0 or C1 control, no DEL, no line or paragraph
// separator (a display name is written into logs and records as one line).
absl::Status CheckDisplayName(std::string_view name) {
  constexpr std::string_view kRule =
      "token claim name must be UTF-8 of at most 64 characters without control characters";
  if (!IsValidUtf8(name) || Utf8Length(name) > 64) return Unauthenticated(kRule);
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const auto next = [&](size_t k) { return i + k < name.size() ? static_cast<unsigned char>(name[i + k]) : 0; };
    if (c < 0x20 || c == 0x7F) return Unauthenticated(kRule);
    if (c == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) return Unauthenticated(kRule);  // U+0080..U+009F
    if (c == 0xE2 && next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9)) {          // U+2028, U+2029
      return Unauthenticated(kRule);
    }
  }
  return absl::OkStatus();
}

bool Contains(const std::vector<std::string>& list, std::string_view name) {
  for (const auto& d : list) {
    if (d == name) return true;
  }
  return false;
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

std::string_view AlgorithmName(TokenAlgorithm alg) {
  switch (alg) {
    case TokenAlgorithm::kHs256: return "HS256";
    case TokenAlgorithm::kRs256: return "RS256";
    case TokenAlgorithm::kEs256: return "ES256";
  }
  return "";
}

bool IsDepartmentName(std::string_view name) {
  if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

const std::vector<std::string>& DefaultDepartments() {
  static const auto* departments = new std::vector<std::string>(*ParseDepartments(kDefaultDepartments, ""));
  return *departments;
}

absl::StatusOr<std::vector<std::string>> ParseDepartments(std::string_view list, std::string_view setting) {
  std::vector<std::string> out;
  for (absl::string_view d : absl::StrSplit(absl::string_view(list.data(), list.size()), ',', absl::SkipWhitespace())) {
    std::string name(absl::StripAsciiWhitespace(d));
    auto bad = [&](std::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration ", std::string(setting), ": \"", name, "\" ", std::string(why)));
    };
    if (!IsDepartmentName(name)) return bad("is not a department name ([a-z][a-z0-9_], up to 32 characters)");
    if (name == "department") return bad("is reserved (role department names its department in a claim)");
    for (const auto& [role, r] : kStaffRoles) {
      if (role == name) return bad("is a staff role");
    }
    if (Contains(out, name)) return bad("is listed twice");
    out.push_back(std::move(name));
  }
  if (out.empty())
    return absl::InvalidArgumentError(absl::StrCat("configuration ", std::string(setting), ": no department"));
  return out;
}

absl::StatusOr<Principal> PrincipalFromClaims(std::string_view sub, std::string_view name, std::string_view role,
                                              std::string_view department,
                                              const std::vector<std::string>& departments) {
  RETURN_IF_ERROR(CheckSubject(sub));
  RETURN_IF_ERROR(CheckDisplayName(name));
  Principal p;
  p.subject = std::string(sub);
  p.display_name = name.empty() ? p.subject : std::string(name);
  for (const auto& [n, r] : kStaffRoles) {
    if (n == role) {
      if (!department.empty()) {
        return Unauthenticated("token claim department goes only with a department's role");
      }
      p.role = r;
      return p;
    }
  }
  if (role.empty()) return Unauthenticated("token has no role claim");
  // One rule for departments: role "housekeeping" and role "department" with
  // department "housekeeping" are the same token, for every configured one.
  const std::string_view named = role == "department" ? department : role;
  if (role == "department" && department.empty()) {
    return Unauthenticated("token claim department is required with role department");
  }
  if (role != "department" && !department.empty() && department != role) {
    return Unauthenticated("token claim department contradicts its role");
  }
  if (!Contains(departments, named)) {
    const std::string shown = IsDepartmentName(named) ? absl::StrCat(" \"", std::string(named), "\"") : "";
    if (role == "department") {
      return Unauthenticated(absl::StrCat("token claim department", shown, " is not a configured department"));
    }
    return Unauthenticated(
        absl::StrCat("token claim role", shown, " is neither a staff role nor a configured department"));
  }
  p.role = Role::kDepartment;
  p.department = std::string(named);
  return p;
}

TokenVerifier::TokenVerifier(TokenAlgorithm alg, std::string key, const Clock* clock, TokenRules rules)
    : alg_(alg), key_(std::move(key)), clock_(clock), rules_(std::move(rules)) {}

absl::StatusOr<Principal> TokenVerifier::Verify(std::string_view token) const {
  if (token.empty()) return Unauthenticated("missing bearer token");
  std::string key(token);
  {
    // A token verified before is not verified again (signature checks cost
    // more than the rest of a small call); its expiry is still checked.
    // A provider's token is verified again once its keys changed: a removed
    // key's tokens stop working.
    const uint64_t generation = rules_.oidc_keys ? rules_.oidc_keys->generation() : 0;
    absl::MutexLock lock(&cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && (it->second.generation == 0 || it->second.generation == generation)) {
      if (it->second.expires <= clock_->Now()) return Unauthenticated("token has expired");
      return it->second.principal;
    }
  }
  absl::Time expires;
  uint64_t generation = 0;
  auto who = VerifyUncached(token, &expires, &generation);
  if (!who.ok()) return who.status();
  absl::MutexLock lock(&cache_mu_);
  if (cache_.size() >= kCacheSize) cache_.clear();
  cache_.insert_or_assign(std::move(key), Verified{*who, expires, generation});
  return who;
}

absl::StatusOr<Principal> TokenVerifier::VerifyUncached(std::string_view token, absl::Time* expires,
                                                        uint64_t* generation) const {
  // Header and claims are read strictly, and the signature checked over
  // them: libjwt compares the algorithm ignoring case and keeps the last of
  // a key given twice.
  std::vector<absl::string_view> parts = absl::StrSplit(absl::string_view(token.data(), token.size()), '.');
  if (parts.size() != 3) return Unauthenticated("token is not three base64url parts (header.claims.signature)");
  auto header = StrictJsonPart(parts[0], "header");
  if (!header.ok()) return header.status();
  ASSIGN_OR_RETURN(auto claims, StrictJsonPart(parts[1], "claims"));
  json_t* c = claims.get();
  const char* iss = json_string_value(json_object_get(c, "iss"));
  if (rules_.oidc_keys && iss != nullptr && rules_.oidc.issuer == iss) {
    return VerifyFromProvider(token, c, expires, generation);
  }
  // The algorithm is fixed by configuration, never chosen by the token.
  const char* alg = json_string_value(json_object_get(header->get(), "alg"));
  if (alg == nullptr || alg != AlgorithmName(alg_)) {
    return Unauthenticated(absl::StrCat("token header alg must be ", std::string(AlgorithmName(alg_)), " exactly"));
  }
  RETURN_IF_ERROR(CheckSignature(token, key_, ToLib(alg_)));
  auto exp = TimeClaim(c, "exp", true);
  if (!exp.ok()) return exp.status();
  auto iat = TimeClaim(c, "iat", true);
  if (!iat.ok()) return iat.status();
  ASSIGN_OR_RETURN(auto nbf, TimeClaim(c, "nbf", false));
  const absl::Time now = clock_->Now();
  if (absl::FromUnixSeconds(*exp) <= now) return Unauthenticated("token has expired");
  // Not cached: both become valid later.
  if (absl::FromUnixSeconds(*iat) > now + kClockSkew) return Unauthenticated("token claim iat is in the future");
  if (nbf > 0 && absl::FromUnixSeconds(nbf) > now + kClockSkew) return Unauthenticated("token is not valid yet");
  ASSIGN_OR_RETURN(auto sub, StringClaim(c, "sub"));
  ASSIGN_OR_RETURN(auto name, StringClaim(c, "name"));
  ASSIGN_OR_RETURN(auto role, StringClaim(c, "role"));
  ASSIGN_OR_RETURN(auto department, StringClaim(c, "department"));
  auto who = PrincipalFromClaims(sub, name, role, department, rules_.departments);
  if (!who.ok()) return who.status();
  if (rules_.oidc_keys && !who->Is(Role::kService)) {
    return Unauthenticated("people sign in with the hotel's identity provider: this token is not its");
  }
  RETURN_IF_ERROR(CheckLifetime(*who, *iat, *exp));
  *expires = absl::FromUnixSeconds(*exp);
  *generation = 0;
  return who;
}

absl::Status TokenVerifier::CheckLifetime(const Principal& who, int64_t iat, int64_t exp) const {
  // Both are positive int64 values: the difference cannot overflow.
  const absl::Duration lifetime = absl::Seconds(exp - iat);
  const absl::Duration longest = who.Is(Role::kService) ? kServiceTokenLifetime : rules_.max_lifetime;
  if (lifetime > longest) {
    return Unauthenticated(
        absl::StrCat("token lifetime (exp - iat) is longer than the longest allowed, ", absl::FormatDuration(longest)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Principal> TokenVerifier::VerifyFromProvider(std::string_view token, json_t* c, absl::Time* expires,
                                                            uint64_t* generation) const {
  const OidcRules& r = rules_.oidc;
  RETURN_IF_ERROR(rules_.oidc_keys->Verify(token, generation));
  json_t* aud = json_object_get(c, "aud");
  bool for_us = json_is_string(aud) && r.audience == json_string_value(aud);
  size_t i = 0;
  json_t* a = nullptr;
  json_array_foreach(aud, i, a) for_us = for_us || (json_is_string(a) && r.audience == json_string_value(a));
  if (!for_us) return Unauthenticated("token claim aud does not name this service's audience");
  ASSIGN_OR_RETURN(auto exp, TimeClaim(c, "exp", true));
  ASSIGN_OR_RETURN(auto iat, TimeClaim(c, "iat", false));
  ASSIGN_OR_RETURN(auto nbf, TimeClaim(c, "nbf", false));
  const absl::Time now = clock_->Now();
  if (absl::FromUnixSeconds(exp) <= now) return Unauthenticated("token has expired");
  if (iat > 0 && absl::FromUnixSeconds(iat) > now + kClockSkew) {
    return Unauthenticated("token claim iat is in the future");
  }
  if (nbf > 0 && absl::FromUnixSeconds(nbf) > now + kClockSkew) return Unauthenticated("token is not valid yet");
  ASSIGN_OR_RETURN(auto sub, StringClaim(c, "sub"));
  ASSIGN_OR_RETURN(auto name, StringAt(c, r.name_claim));
  // The first value of the mapping the token holds decides the role.
  ASSIGN_OR_RETURN(const auto held, StringsAt(c, r.roles_claim));
  std::string role;
  for (const auto& [value, mapped] : r.role_map) {
    if (role.empty() && std::find(held.begin(), held.end(), value) != held.end()) role = mapped;
  }
  if (role.empty()) {
    return Unauthenticated(absl::StrCat("token claim ", r.roles_claim, " holds nothing oidc-role-map maps to a role"));
  }
  std::string department;
  if (role == "department" && !r.department_claim.empty()) {
    ASSIGN_OR_RETURN(department, StringAt(c, r.department_claim));
  }
  auto who = PrincipalFromClaims(sub, name, role, department, rules_.departments);
  if (!who.ok()) return who.status();
  if (iat > 0) RETURN_IF_ERROR(CheckLifetime(*who, iat, exp));
  *expires = absl::FromUnixSeconds(exp);
  return who;
}

absl::StatusOr<Principal> TokenVerifier::Authenticate(const grpc::ServerContextBase& context) const {
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
                                      absl::Time expires, absl::Time issued) {
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
  jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(absl::ToUnixSeconds(issued)));
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
    auto t = MintToken(alg_, key_, who_, now + kServiceTokenLifetime, now);
    if (!t.ok()) {
      spdlog::error("cannot sign the {} token: {}", who_.subject, std::string(t.status().message()));
      return "";
    }
    token_ = *t;
    expires_ = now + kServiceTokenLifetime;
  }
  return token_;
}

}  // namespace atrium
