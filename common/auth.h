// Identity and roles: who is calling, verified from a JWT bearer token.
//
// Every call carries `authorization: Bearer <JWT>`. The token's header names
// exactly the configured algorithm ("alg":"HS256", not "hs256"); header and
// claims are strict JSON objects, no key given twice. The claims:
//   sub        staff id or "service:<name>": 1 to 64 of A-Z a-z 0-9 . _ @ : -
//                                                        (required)
//   name       display name: UTF-8, at most 64 characters, no control
//              characters (C0, DEL, C1) nor line separators (optional)
//   role       manager | key_account_manager | clerk | gm_office | inspector |
//              service, or a department: its name (fnb, rooms, housekeeping,
//              … every configured department) or "department" with the
//              department claim; both mean the same        (required)
//   department the department, with role "department"; with a department's
//              own name as role it may only repeat it; never with another role
//   iat, exp   issued at, expiry: integer seconds since the epoch (required);
//              exp - iat at most TokenRules::max_lifetime (1 hour for service)
//   nbf        not before (optional)
// Anything else refused is UNAUTHENTICATED with a message naming the claim.
//
//   TokenVerifier verifier(TokenAlgorithm::kHs256, key, &clock);
//   absl::StatusOr<Principal> who = verifier.Verify(token);
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/oidc.h"
#include "common/time_util.h"
#include "grpcpp/server_context.h"

// jansson's value (auth.cc parses tokens with it).
struct json_t;

namespace atrium {

enum class Role { kManager, kKeyAccountManager, kClerk, kGmOffice, kInspector, kDepartment, kService };

// The departments of a deployment unless configured otherwise (the
// `departments` setting every service shares).
inline constexpr std::string_view kDefaultDepartments =
    "fnb,rooms,front_office,engineering,housekeeping,security,finance";
const std::vector<std::string>& DefaultDepartments();
// [a-z][a-z0-9_]*, up to 32 characters.
bool IsDepartmentName(std::string_view name);
// Parses a comma-separated list of department names (the `departments`
// setting); INVALID_ARGUMENT naming `setting` for a bad, repeated or reserved
// name (a staff role, "department") or an empty list.
absl::StatusOr<std::vector<std::string>> ParseDepartments(std::string_view list, std::string_view setting);

std::string_view RoleName(Role role);

struct Principal {
  std::string subject;
  std::string display_name;
  Role role = Role::kClerk;
  // Set for Role::kDepartment, e.g. "fnb".
  std::string department;
  // The bearer token the call came with: a call made on this person's behalf
  // to another service carries it (set by TokenVerifier::Authenticate).
  std::string token = {};

  bool Is(Role r) const { return role == r; }
  bool IsDepartment(std::string_view d) const { return role == Role::kDepartment && department == d; }
  // Returns OK when the role is one of `roles`, else PERMISSION_DENIED naming `rule`.
  absl::Status Require(std::initializer_list<Role> roles, std::string_view rule) const;
};

enum class TokenAlgorithm { kHs256, kRs256, kEs256 };

absl::StatusOr<TokenAlgorithm> ParseAlgorithm(std::string_view name);
// "HS256", "RS256", "ES256": the exact spelling a token's header must use.
std::string_view AlgorithmName(TokenAlgorithm alg);

// What a token must be besides well signed (configuration).
struct TokenRules {
  // Longest exp - iat of a person's token (staff and departments).
  absl::Duration max_lifetime = absl::Hours(12);
  // The departments a token may name (role or department claim).
  std::vector<std::string> departments = DefaultDepartments();
  // The hotel's identity provider, when configured: a token whose `iss` is
  // its issuer is verified with its keys and mapped to a role by `oidc`;
  // the tokens signed with jwt-key-file are then the services' own only
  // (people sign in with the provider).
  std::shared_ptr<OidcKeys> oidc_keys;
  OidcRules oidc;
};

// Longest exp - iat of a token with role service: services sign their own
// for an hour (ServiceTokenSource), nobody needs more.
inline constexpr absl::Duration kServiceTokenLifetime = absl::Hours(1);
// How far a token's iat or nbf may be ahead of this service's clock.
inline constexpr absl::Duration kClockSkew = absl::Seconds(30);

class TokenVerifier final {
 public:
  // `key`: the HMAC secret for HS256, the PEM public key for RS256/ES256.
  TokenVerifier(TokenAlgorithm alg, std::string key, const Clock* clock, TokenRules rules = {});

  // Verified tokens are remembered (up to kCacheSize) until they expire.
  absl::StatusOr<Principal> Verify(std::string_view token) const;
  // Reads and verifies the `authorization` metadata of a call.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const;

  static constexpr size_t kCacheSize = 10000;

 private:
  // `generation`: of the provider's keys that verified it, or 0 for a
  // locally signed token.
  absl::StatusOr<Principal> VerifyUncached(std::string_view token, absl::Time* expires, uint64_t* generation) const;
  // A token of the identity provider (its claims parsed).
  absl::StatusOr<Principal> VerifyFromProvider(std::string_view token, json_t* claims, absl::Time* expires,
                                               uint64_t* generation) const;
  absl::Status CheckLifetime(const Principal& who, int64_t iat, int64_t exp) const;

  struct Verified {
    Principal principal;
    absl::Time expires;
    uint64_t generation = 0;
  };
  TokenAlgorithm alg_;
  std::string key_;
  const Clock* clock_;
  TokenRules rules_;
  mutable absl::Mutex cache_mu_;
  mutable std::unordered_map<std::string, Verified> cache_ ABSL_GUARDED_BY(cache_mu_);
};

// Signs a token (development tokens, a service's own identity), issued at
// `issued` (its iat). `key` is the HMAC secret for HS256 or the PEM private
// key for RS256/ES256.
absl::StatusOr<std::string> MintToken(TokenAlgorithm alg, std::string_view key, const Principal& who,
                                      absl::Time expires, absl::Time issued = absl::Now());

// The token of a service acting on its own (`service:<name>`, role
// service), for the work it does after a person's call returned (outboxes,
// schedules). Minted with the service's signing key, valid an hour, renewed
// five minutes before it expires. Thread-safe.
class ServiceTokenSource final {
 public:
  ServiceTokenSource(TokenAlgorithm alg, std::string signing_key, std::string service_name);
  // "" if the key cannot sign (logged).
  std::string Token();

 private:
  TokenAlgorithm alg_;
  std::string key_;
  Principal who_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time expires_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// Checks the identity claims and parses the role ("housekeeping", like
// "department" with department "housekeeping", becomes kDepartment with
// department "housekeeping"); UNAUTHENTICATED naming the claim at fault.
absl::StatusOr<Principal> PrincipalFromClaims(std::string_view sub, std::string_view name, std::string_view role,
                                              std::string_view department,
                                              const std::vector<std::string>& departments = DefaultDepartments());

}  // namespace atrium
