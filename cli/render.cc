#include "cli/render.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace atrium::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The written form of well-known messages, or "" if not one of them.
std::string Inline(const Message& m) {
  const std::string& type = m.GetDescriptor()->full_name();
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  if (type == "google.protobuf.Timestamp") {
    google::protobuf::Timestamp ts;
    ts.CopyFrom(m);
    return google::protobuf::util::TimeUtil::ToString(ts);
  }
  if (type == "atrium.type.v1.Date") {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", r->GetInt32(m, d->FindFieldByName("year")),
                  r->GetInt32(m, d->FindFieldByName("month")), r->GetInt32(m, d->FindFieldByName("day")));
    return buf;
  }
  if (type == "atrium.type.v1.Money") {
    const int64_t minor = r->GetInt64(m, d->FindFieldByName("amount_minor"));
    const int64_t abs = minor < 0 ? -minor : minor;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%lld.%02lld", minor < 0 ? "-" : "", static_cast<long long>(abs / 100),
                  static_cast<long long>(abs % 100));
    std::string cur = r->GetString(m, d->FindFieldByName("currency_code"));
    return absl::StrCat(buf, " ", cur.empty() ? "CNY" : cur);
  }
  return "";
}

std::string Scalar(const Message& m, const FieldDescriptor* f, int index) {
  const auto* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: return rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
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

}  // namespace atrium::cli
