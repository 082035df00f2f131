// Text helpers shared by the services: UTF-8 checks and lengths, JSON string
// escaping, and the name normalisation used to spot duplicate accounts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace atrium {

// True when `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

// Number of code points in valid UTF-8 text.
size_t Utf8Length(std::string_view s);

// The first `max` code points of valid UTF-8 text, "…" in place of the rest.
std::string Utf8Prefix(std::string_view s, size_t max);

// `s` with each byte that is not part of well-formed UTF-8 replaced by
// U+FFFD (a log line stays valid UTF-8 whatever it quotes).
std::string ToValidUtf8(std::string_view s);

// Escapes `s` for use inside a JSON string literal (quotes, backslashes and
// every control character, so one log record stays one line).
std::string JsonEscape(std::string_view s);

// Normalises a name for duplicate detection and search: full-width ASCII and
// the ideographic space become half-width, ASCII letters lower case, and
// whitespace and punctuation (ASCII and common Chinese) are dropped.
// "上海（浦东）Ｆｏｏ  Co., Ltd." -> "上海浦东foocoltd".
std::string NormalizeName(std::string_view s);

// A staff id (JWT sub): 1..100 printable ASCII characters, no spaces;
// INVALID_ARGUMENT naming `field` otherwise (or when empty and required).
absl::Status CheckStaffId(std::string_view value, std::string_view field, bool required);

// INVALID_ARGUMENT naming `field` unless `value` is valid UTF-8 of at most
// `max` characters without control characters (newlines and tabs allowed
// when `multiline`), and not empty when `required`.
absl::Status CheckText(std::string_view value, std::string_view field, size_t max, bool required = false,
                       bool multiline = false);

}  // namespace atrium
