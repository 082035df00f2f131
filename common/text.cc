#include "common/text.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"

#include <cstdint>
#include <cstdio>
#include <vector>

namespace atrium {
namespace {

// Decodes one code point at s[i]; returns its byte length or 0 if malformed.
size_t Decode(std::string_view s, size_t i, uint32_t* cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t len = 0;
  uint32_t v = 0;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    v = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    v = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

void Encode(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsDropped(uint32_t cp) {
  if (cp < 0x80) {
    return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
  }
  // CJK symbols and punctuation, general punctuation, middle dot, NBSP.
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x00B7 || cp == 0x00A0 ||
         cp == 0xFF08 || cp == 0xFF09 || cp == 0xFF0C || cp == 0xFF0E || cp == 0xFF1A || cp == 0xFF1B || cp == 0xFF01 ||
         cp == 0xFF1F || cp == 0xFF0F || cp == 0xFF06 || cp == 0xFF0D || cp == 0xFE30;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    size_t n = Decode(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

size_t Utf8Length(std::string_view s) {
  size_t count = 0;
  for (unsigned char c : s) count += (c & 0xC0) != 0x80;
  return count;
}

std::string Utf8Prefix(std::string_view s, size_t max) {
  if (Utf8Length(s) <= max || max == 0) return std::string(max == 0 ? "" : s);
  size_t count = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++count == max) break;  // the "…" takes this place
  }
  return std::string(s.substr(0, i)) + "\u2026";
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    size_t n = Decode(s, i, &cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string NormalizeName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    size_t n = Decode(s, i, &cp);
    if (n == 0) {  // Malformed byte: skip it rather than fail; callers validate separately.
      ++i;
      continue;
    }
    i += n;
    if (cp >= 0xFF01 && cp <= 0xFF5E && !IsDropped(cp)) cp -= 0xFEE0;  // full-width ASCII
    if (cp == 0x3000) cp = ' ';
    if (IsDropped(cp)) continue;
    if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
    Encode(cp, &out);
  }
  return out;
}

absl::Status CheckText(std::string_view value, std::string_view field, size_t max, bool required, bool multiline) {
  if (required && value.empty()) return InvalidArgument(field, "is required");
  if (!IsValidUtf8(value)) return InvalidArgument(field, "must be valid UTF-8");
  if (Utf8Length(value) > max) return InvalidArgument(field, absl::StrCat("must be at most ", max, " characters"));
  for (unsigned char c : value) {
    if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7F) {
      return InvalidArgument(field, "must not contain control characters");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStaffId(std::string_view value, std::string_view field, bool required) {
  if (value.empty()) return required ? InvalidArgument(field, "is required") : absl::OkStatus();
  if (value.size() > 100) return InvalidArgument(field, "must be at most 100 characters");
  for (char c : value) {
    if (c < 0x21 || c > 0x7E) return InvalidArgument(field, "must be a staff id (printable ASCII, no spaces)");
  }
  return absl::OkStatus();
}

}  // namespace atrium
