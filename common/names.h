// Resource names (AIP-122): the one parser of names and parents that every
// service uses, so that a malformed name is INVALID_ARGUMENT naming the
// request field, and only a well-formed name of something absent is NOT_FOUND.
//
// A pattern alternates collections and variables:
//   "meetings/{meeting}/agreements/{agreement:number}"
//   "accounts/{account|-}/receivables"
// A variable's segment is one of:
//   {x}             an id: 1 to 63 of a-z, 0-9 and '-', beginning and ending
//                   with a letter or a digit (the ids NewId generates, 20 hex
//                   digits, and the ids a client chooses: room_id, point_id,
//                   notice_id, checklist item ids)
//   {x|-}           an id, or the wildcard "-" where the method reads across
//                   parents (a List, the receivables of all accounts)
//   {x:number}      a decimal integer from 1 to 2^31-1, without sign, leading
//                   zeros or spaces (revision and version numbers)
//   {x:department}  a department name, [a-z][a-z0-9_]*, up to 32 characters
//
//   auto n = ParseResourceName(req.name(), "notices/{notice}/revisions/{revision:number}", "name");
//   if (!n.ok()) return n.status();      // INVALID_ARGUMENT, field violation on "name"
//   Lookup(n->Id("notice"), n->Number("revision"));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace atrium {

// The values of a name's variables, in the pattern's order.
class ResourceName final {
 public:
  // The value of variable `var` ("" if the pattern has none of that name).
  const std::string& Id(std::string_view var) const;
  // The value of a {var:number} variable (0 if the pattern has none).
  int64_t Number(std::string_view var) const;
  // True when variable `var` is the wildcard "-".
  bool IsWildcard(std::string_view var) const { return Id(var) == "-"; }

 private:
  friend absl::StatusOr<ResourceName> ParseResourceName(std::string_view, std::string_view, std::string_view);
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::pair<std::string, int64_t>> numbers_;
};

// Parses `name` against `pattern` (see above); INVALID_ARGUMENT with a
// BadRequest field violation on `field` ("is required" when empty, else the
// shape it must have and which segment is wrong).
absl::StatusOr<ResourceName> ParseResourceName(std::string_view name, std::string_view pattern, std::string_view field);

// A positive decimal number as a name segment: 1..2^31-1, digits only, no
// leading zero. False for anything else.
bool ParseNameNumber(std::string_view text, int64_t* value);

}  // namespace atrium
