// Rendering responses for people: one "field: value" per line, nested with
// indentation; dates, money and timestamps in their usual written forms. And
// for scripts, one line of JSON, or an error when the message has no JSON
// form: never a line cut short.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace atrium::cli {

// Every line complete whatever the message holds: control characters in
// strings are escaped (a value cannot start a line of its own or drive the
// terminal), and a timestamp outside what RFC 3339 can write shows its raw
// seconds and nanos with a note.
std::string Render(const google::protobuf::Message& message, int indent = 0);

// The message in protobuf's JSON mapping (proto field names) on one line,
// without the newline; FAILED_PRECONDITION naming the first field that has
// no JSON form (a Timestamp outside years 1-9999 or with nanos outside
// 0..999999999, a Duration beyond 10000 years, ...).
absl::StatusOr<std::string> JsonLine(const google::protobuf::Message& message);

// A timestamp in `format` (absl::FormatTime) in the local time zone, or, when
// it is not a valid protobuf Timestamp, its raw value with a note.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts, const char* format);

// `s` with every control character (C0, DEL) written as \n, \t, \r or \xNN,
// and a backslash as \\; other text (Chinese included) unchanged.
std::string EscapeControl(const std::string& s);

}  // namespace atrium::cli
