#include "cli/fields.h"

#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"

namespace atrium::cli {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Bad(const std::string& path, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
}

// Fills a well-known message (Date, Money, Timestamp, FieldMask) from text.
absl::Status SetWellKnown(Message* m, const std::string& value, const std::string& path, bool* handled) {
  const std::string& type = m->GetDescriptor()->full_name();
  const Reflection* r = m->GetReflection();
  const Descriptor* d = m->GetDescriptor();
  *handled = true;
  if (type == "atrium.type.v1.Date") {
    std::vector<std::string> parts = absl::StrSplit(value, '-');
    int y = 0, mo = 0, da = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &mo) ||
        !absl::SimpleAtoi(parts[2], &da)) {
      return Bad(path, "expected a date YYYY-MM-DD");
    }
    r->SetInt32(m, d->FindFieldByName("year"), y);
    r->SetInt32(m, d->FindFieldByName("month"), mo);
    r->SetInt32(m, d->FindFieldByName("day"), da);
    return absl::OkStatus();
  }
  if (type == "atrium.type.v1.Money") {
    std::vector<std::string> parts = absl::StrSplit(value, ' ', absl::SkipEmpty());
    double amount = 0;
    if (parts.empty() || parts.size() > 2 || !absl::SimpleAtod(parts[0], &amount)) {
      return Bad(path, "expected an amount such as 680.00 or \"680.00 CNY\"");
    }
    r->SetString(m, d->FindFieldByName("currency_code"), parts.size() == 2 ? parts[1] : "CNY");
    r->SetInt64(m, d->FindFieldByName("amount_minor"), static_cast<int64_t>(std::llround(amount * 100)));
    return absl::OkStatus();
  }
  if (type == "google.protobuf.Timestamp") {
    google::protobuf::Timestamp ts;
    if (!google::protobuf::util::TimeUtil::FromString(value, &ts)) {
      return Bad(path, "expected an RFC 3339 time such as 2026-12-01T09:00:00+08:00");
    }
    m->CopyFrom(ts);
    return absl::OkStatus();
  }
  if (type == "google.protobuf.FieldMask") {
    for (absl::string_view p : absl::StrSplit(value, ',', absl::SkipEmpty())) {
      r->AddString(m, d->FindFieldByName("paths"), std::string(p));
    }
    return absl::OkStatus();
  }
  *handled = false;
  return absl::OkStatus();
}

absl::Status SetScalar(Message* m, const FieldDescriptor* f, const std::string& value, const std::string& path) {
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      rep ? r->AddString(m, f, value) : r->SetString(m, f, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return Bad(path, "expected an integer");
      rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return Bad(path, "expected an integer");
      rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v = false;
      if (!absl::SimpleAtob(value, &v)) return Bad(path, "expected true or false");
      rep ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f->enum_type();
      std::string want = absl::AsciiStrToUpper(value);
      for (char& c : want) {
        if (c == '-') c = '_';
      }
      const google::protobuf::EnumValueDescriptor* found = e->FindValueByName(want);
      for (int i = 0; found == nullptr && i < e->value_count(); ++i) {
        const std::string& n = e->value(i)->name();
        if (n.size() > want.size() && n.compare(n.size() - want.size(), want.size(), want) == 0 &&
            n[n.size() - want.size() - 1] == '_') {
          found = e->value(i);
        }
      }
      if (found == nullptr) {
        std::string names;
        for (int i = 1; i < e->value_count(); ++i) absl::StrAppend(&names, i > 1 ? ", " : "", e->value(i)->name());
        return Bad(path, absl::StrCat("expected one of ", names));
      }
      rep ? r->AddEnum(m, f, found) : r->SetEnum(m, f, found);
      return absl::OkStatus();
    }
    default: return Bad(path, "this field type cannot be set from the command line; use --request JSON");
  }
}

}  // namespace

absl::Status SetField(Message* message, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) return Bad(assignment, "expected path=value");
  const std::string path = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  Message* m = message;
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(parts[i]);
    if (f == nullptr) return Bad(path, absl::StrCat("no field \"", parts[i], "\" in ", m->GetDescriptor()->name()));
    const Reflection* r = m->GetReflection();
    const bool last = i + 1 == parts.size();
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Message* child = nullptr;
      if (f->is_repeated()) {
        // Repeated messages: a new element when the path ends here or the
        // last element already has this sub-field set.
        const int n = r->FieldSize(*m, f);
        bool fresh = last || n == 0;
        if (!fresh && i + 1 < parts.size()) {
          const Message& tail = r->GetRepeatedMessage(*m, f, n - 1);
          const FieldDescriptor* sub = tail.GetDescriptor()->FindFieldByName(parts[i + 1]);
          fresh = sub != nullptr && !sub->is_repeated() && tail.GetReflection()->HasField(tail, sub);
        }
        child = fresh ? r->AddMessage(m, f) : r->MutableRepeatedMessage(m, f, n - 1);
      } else {
        child = r->MutableMessage(m, f);
      }
      if (last) {
        bool handled = false;
        if (auto s = SetWellKnown(child, value, path, &handled); !s.ok() || handled) return s;
        return Bad(path, "is a message: set its fields, e.g. " + path + ".<field>=...");
      }
      m = child;
      continue;
    }
    if (!last) return Bad(path, absl::StrCat("\"", parts[i], "\" is not a message"));
    return SetScalar(m, f, value, path);
  }
  return absl::OkStatus();
}

std::string DescribeFields(const Descriptor* type, const std::string& prefix, int depth) {
  static const std::set<std::string> kLeaf = {"atrium.type.v1.Date", "atrium.type.v1.Money",
                                              "google.protobuf.Timestamp", "google.protobuf.FieldMask"};
  std::string out;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    const std::string path = prefix + f->name();
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !kLeaf.count(f->message_type()->full_name())) {
      if (depth < 3 && f->message_type()->full_name() != "atrium.type.v1.Audit") {
        out += DescribeFields(f->message_type(), path + ".", depth + 1);
      }
      continue;
    }
    std::string kind = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? f->message_type()->name()
                       : f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM  ? f->enum_type()->name()
                                                                         : f->cpp_type_name();
    absl::StrAppend(&out, "    ", path, "=<", kind, f->is_repeated() ? ", repeatable" : "", ">\n");
  }
  return out;
}

}  // namespace atrium::cli
