#include "common/names.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"

namespace atrium {
namespace {

enum class Kind { kLiteral, kId, kIdOrWildcard, kNumber, kDepartment };

struct Segment {
  Kind kind = Kind::kLiteral;
  std::string text;  // the literal, or the variable's name
};

// Patterns are constants in the code: a malformed one is a programming error.
std::vector<Segment> Compile(std::string_view pattern_text) {
  const absl::string_view pattern(pattern_text.data(), pattern_text.size());
  std::vector<Segment> out;
  for (absl::string_view part : absl::StrSplit(pattern, '/')) {
    Segment seg;
    if (part.size() < 3 || part.front() != '{' || part.back() != '}') {
      seg.text = std::string(part);
      out.push_back(std::move(seg));
      continue;
    }
    absl::string_view inner = part.substr(1, part.size() - 2);
    seg.kind = Kind::kId;
    if (absl::ConsumeSuffix(&inner, "|-")) {
      seg.kind = Kind::kIdOrWildcard;
    } else if (absl::ConsumeSuffix(&inner, ":number")) {
      seg.kind = Kind::kNumber;
    } else if (absl::ConsumeSuffix(&inner, ":department")) {
      seg.kind = Kind::kDepartment;
    }
    if (inner.empty() || inner.find_first_of("{}:|") != absl::string_view::npos) std::abort();
    seg.text = std::string(inner);
    out.push_back(std::move(seg));
  }
  return out;
}

// The shape for messages: "meetings/{meeting}/agreements/{agreement}".
std::string Shape(const std::vector<Segment>& segments) {
  std::string out;
  for (const auto& s : segments) {
    if (!out.empty()) out += '/';
    out += s.kind == Kind::kLiteral ? s.text : absl::StrCat("{", s.text, "}");
  }
  return out;
}

std::string_view RuleOf(Kind kind) {
  switch (kind) {
    case Kind::kId: return "an id of 1 to 63 of a-z, 0-9 and '-', beginning and ending with a letter or digit";
    case Kind::kIdOrWildcard: return "an id of 1 to 63 of a-z, 0-9 and '-', or '-' for all";
    case Kind::kNumber: return "a number from 1 without sign, leading zeros or spaces";
    case Kind::kDepartment: return "a department name, [a-z][a-z0-9_]* up to 32 characters";
    case Kind::kLiteral: break;
  }
  return "";
}

}  // namespace

bool ParseNameNumber(std::string_view text, int64_t* value) {
  if (text.empty() || text.size() > 10 || text[0] == '0') return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > std::numeric_limits<int32_t>::max()) return false;
  *value = v;
  return true;
}

const std::string& ResourceName::Id(std::string_view var) const {
  static const std::string kNone;
  for (const auto& [k, v] : values_) {
    if (k == var) return v;
  }
  return kNone;
}

int64_t ResourceName::Number(std::string_view var) const {
  for (const auto& [k, v] : numbers_) {
    if (k == var) return v;
  }
  return 0;
}

absl::StatusOr<ResourceName> ParseResourceName(std::string_view name, std::string_view pattern,
                                               std::string_view field) {
  const std::vector<Segment> segments = Compile(pattern);
  if (name.empty()) return InvalidArgument(field, "is required");
  const std::vector<absl::string_view> parts = absl::StrSplit(absl::string_view(name.data(), name.size()), '/');
  if (parts.size() != segments.size()) {
    return InvalidArgument(field, absl::StrCat("must look like ", Shape(segments)));
  }
  ResourceName out;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    const std::string_view part(parts[i].data(), parts[i].size());
    bool ok = false;
    int64_t number = 0;
    switch (seg.kind) {
      case Kind::kLiteral: ok = part == seg.text; break;
      case Kind::kId: ok = IsValidId(part); break;
      case Kind::kIdOrWildcard: ok = part == "-" || IsValidId(part); break;
      case Kind::kNumber: ok = ParseNameNumber(part, &number); break;
      case Kind::kDepartment: ok = IsDepartmentName(part); break;
    }
    if (!ok && seg.kind == Kind::kLiteral) {
      return InvalidArgument(field, absl::StrCat("must look like ", Shape(segments)));
    }
    if (!ok) {
      return InvalidArgument(field, absl::StrCat("must look like ", Shape(segments), ", where {", seg.text, "} is ",
                                                 std::string(RuleOf(seg.kind))));
    }
    if (seg.kind == Kind::kLiteral) continue;
    out.values_.emplace_back(seg.text, std::string(part));
    if (seg.kind == Kind::kNumber) out.numbers_.emplace_back(seg.text, number);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseName(std::string_view name, const std::vector<std::string>& collections,
                                                   std::string_view field, bool allow_wildcard) {
  std::string pattern;
  for (const auto& c : collections)
    absl::StrAppend(&pattern, pattern.empty() ? "" : "/", c, "/{", c, allow_wildcard ? "|-}" : "}");
  ASSIGN_OR_RETURN(auto parsed, ParseResourceName(name, pattern, field));
  std::vector<std::string> ids;
  for (const auto& c : collections) ids.push_back(parsed.Id(c));
  return ids;
}

}  // namespace atrium
