#include "cli/render.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace atrium::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::TimeUtil;

bool TimestampValid(const google::protobuf::Timestamp& ts) {
  return ts.seconds() >= TimeUtil::kTimestampMinSeconds && ts.seconds() <= TimeUtil::kTimestampMaxSeconds &&
         ts.nanos() >= 0 && ts.nanos() <= 999999999;
}

std::string RawTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::StrCat("seconds=", ts.seconds(), " nanos=", ts.nanos(), ": not a valid timestamp");
}

// The written form of well-known messages, or "" if not one of them.
std::string Inline(const Message& m) {
  const std::string& type = m.GetDescriptor()->full_name();
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  if (type == "google.protobuf.Timestamp") {
    google::protobuf::Timestamp ts;
    ts.CopyFrom(m);
    return TimestampValid(ts) ? TimeUtil::ToString(ts) : RawTimestamp(ts);
  }
  if (type == "atrium.type.v1.Date") {
    return absl::StrFormat("%04d-%02d-%02d", r->GetInt32(m, d->FindFieldByName("year")),
                           r->GetInt32(m, d->FindFieldByName("month")), r->GetInt32(m, d->FindFieldByName("day")));
  }
  if (type == "atrium.type.v1.Money") {
    const int64_t minor = r->GetInt64(m, d->FindFieldByName("amount_minor"));
    // Unsigned, so that the most negative amount has a magnitude too.
    const uint64_t abs = minor < 0 ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
    std::string cur = EscapeControl(r->GetString(m, d->FindFieldByName("currency_code")));
    return absl::StrFormat("%s%d.%02d %s", minor < 0 ? "-" : "", abs / 100, abs % 100, cur.empty() ? "CNY" : cur);
  }
  return "";
}

// The first Timestamp or Duration (by field path) that protobuf's JSON
// mapping cannot write, with why; "" if there is none.
std::string FirstWithoutJsonForm(const Message& m, const std::string& path) {
  const std::string& type = m.GetDescriptor()->full_name();
  if (type == "google.protobuf.Timestamp") {
    google::protobuf::Timestamp ts;
    ts.CopyFrom(m);
    if (TimestampValid(ts)) return "";
    return absl::StrCat(path, " (", RawTimestamp(ts), ")");
  }
  if (type == "google.protobuf.Duration") {
    google::protobuf::Duration du;
    du.CopyFrom(m);
    const bool valid = du.seconds() >= TimeUtil::kDurationMinSeconds && du.seconds() <= TimeUtil::kDurationMaxSeconds &&
                       du.nanos() > -1000000000 && du.nanos() < 1000000000 && !(du.seconds() > 0 && du.nanos() < 0) &&
                       !(du.seconds() < 0 && du.nanos() > 0);
    if (valid) return "";
    return absl::StrCat(path, " (seconds=", du.seconds(), " nanos=", du.nanos(), ": not a valid duration)");
  }
  const auto* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string name = path.empty() ? f->name() : absl::StrCat(path, ".", f->name());
    if (!f->is_repeated()) {
      if (std::string bad = FirstWithoutJsonForm(r->GetMessage(m, f), name); !bad.empty()) return bad;
      continue;
    }
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      std::string bad = FirstWithoutJsonForm(r->GetRepeatedMessage(m, f, i), absl::StrCat(name, "[", i, "]"));
      if (!bad.empty()) return bad;
    }
  }
  return "";
}

std::string Scalar(const Message& m, const FieldDescriptor* f, int index) {
  const auto* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string value = rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      return f->type() == FieldDescriptor::TYPE_BYTES ? absl::CHexEscape(value) : EscapeControl(value);
    }
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM: return (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name();
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return std::to_string(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return std::to_string(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    default: return "";
  }
}

}  // namespace

std::string Render(const Message& message, int indent) {
  std::string out;
  const std::string pad(indent * 2, ' ');
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    const auto* r = message.GetReflection();
    const int n = f->is_repeated() ? r->FieldSize(message, f) : 1;
    for (int i = 0; i < n; ++i) {
      const std::string label = f->is_repeated() ? absl::StrCat(f->name(), "[", i, "]") : f->name();
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Message& child = f->is_repeated() ? r->GetRepeatedMessage(message, f, i) : r->GetMessage(message, f);
        std::string inline_form = Inline(child);
        if (!inline_form.empty()) {
          absl::StrAppend(&out, pad, label, ": ", inline_form, "\n");
        } else {
          absl::StrAppend(&out, pad, label, ":\n", Render(child, indent + 1));
        }
      } else {
        absl::StrAppend(&out, pad, label, ": ", Scalar(message, f, i), "\n");
      }
    }
  }
  return out;
}

absl::StatusOr<std::string> JsonLine(const Message& message) {
  if (std::string bad = FirstWithoutJsonForm(message, ""); !bad.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", message.GetDescriptor()->name(), " has no JSON form: ", bad));
  }
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  const auto s = google::protobuf::util::MessageToJsonString(message, &out, opts);
  if (!s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("the ", message.GetDescriptor()->name(), " has no JSON form: ",
                                                      std::string(s.message().data(), s.message().size())));
  }
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& ts, const char* format) {
  if (!TimestampValid(ts)) return RawTimestamp(ts);
  return absl::FormatTime(format, absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()),
                          absl::LocalTimeZone());
}

std::string EscapeControl(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(s[i + 1]) <= 0x9F;  // U+0080..U+009F
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      out += absl::StrFormat("\\x%02x", c);
    } else if (c1) {
      out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(s[++i]));
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace atrium::cli
