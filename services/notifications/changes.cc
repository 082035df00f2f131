#include "services/notifications/changes.h"

#include <map>
#include <set>
#include <string>

namespace atrium::notifications {
namespace {

using v1::FieldChange;
using v1::NoticeField;
using v1::NoticeSection;

FieldChange Change(const std::string& department, const NoticeField& field, FieldChange::Kind kind) {
  FieldChange c;
  c.set_department(department);
  c.set_path(field.path());
  c.set_label(field.label());
  c.set_kind(kind);
  return c;
}

void DiffSection(const std::string& department, const NoticeSection* before, const NoticeSection* after,
                 std::vector<FieldChange>* out) {
  std::map<std::string, const NoticeField*> old_fields;
  if (before != nullptr) {
    for (const auto& f : before->fields()) old_fields.emplace(f.path(), &f);
  }
  std::set<std::string> seen;
  if (after != nullptr) {
    for (const auto& f : after->fields()) {
      seen.insert(f.path());
      auto it = old_fields.find(f.path());
      if (it == old_fields.end()) {
        FieldChange c = Change(department, f, FieldChange::ADDED);
        c.set_new_value(f.value());
        out->push_back(std::move(c));
      } else if (it->second->value() != f.value()) {
        FieldChange c = Change(department, f, FieldChange::MODIFIED);
        c.set_old_value(it->second->value());
        c.set_new_value(f.value());
        out->push_back(std::move(c));
      }
    }
  }
  if (before != nullptr) {
    for (const auto& f : before->fields()) {
      if (seen.count(f.path()) != 0) continue;
      FieldChange c = Change(department, f, FieldChange::REMOVED);
      c.set_old_value(f.value());
      out->push_back(std::move(c));
    }
  }
}

}  // namespace

std::vector<FieldChange> DiffSections(const Sections& before, const Sections& after) {
  std::map<std::string, const NoticeSection*> old_sections;
  for (const auto& s : before) old_sections.emplace(s.department(), &s);
  std::vector<FieldChange> out;
  std::set<std::string> seen;
  for (const auto& s : after) {
    seen.insert(s.department());
    auto it = old_sections.find(s.department());
    DiffSection(s.department(), it == old_sections.end() ? nullptr : it->second, &s, &out);
  }
  for (const auto& s : before) {
    if (seen.count(s.department()) == 0) DiffSection(s.department(), &s, nullptr, &out);
  }
  return out;
}

}  // namespace atrium::notifications
