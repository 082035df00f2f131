#include "services/notifications/changes.h"

#include <gtest/gtest.h>

namespace atrium::notifications {
namespace {

using v1::FieldChange;

v1::NoticeSection Section(const std::string& dept, std::vector<std::pair<std::string, std::string>> fields) {
  v1::NoticeSection s;
  s.set_department(dept);
  for (auto& [path, value] : fields) {
    auto* f = s.add_fields();
    f->set_path(path);
    f->set_label(path + " label");
    f->set_value(value);
  }
  return s;
}

TEST(DiffSectionsTest, AddedModifiedRemovedAndWithdrawnDepartments) {
  Sections before, after;
  *before.Add() = Section("fnb", {{"lunch/headcount", "120"}, {"lunch/menu", "A"}, {"tea", "15:00"}});
  *before.Add() = Section("rooms", {{"block/2027-03-15", "40"}});
  *after.Add() = Section("fnb", {{"lunch/headcount", "150"}, {"lunch/menu", "A"}, {"dinner/headcount", "80"}});
  auto changes = DiffSections(before, after);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].path(), "lunch/headcount");
  EXPECT_EQ(changes[0].kind(), FieldChange::MODIFIED);
  EXPECT_EQ(changes[0].old_value(), "120");
  EXPECT_EQ(changes[0].new_value(), "150");
  EXPECT_EQ(changes[1].path(), "dinner/headcount");
  EXPECT_EQ(changes[1].kind(), FieldChange::ADDED);
  EXPECT_EQ(changes[2].path(), "tea");
  EXPECT_EQ(changes[2].kind(), FieldChange::REMOVED);
  EXPECT_EQ(changes[2].old_value(), "15:00");
  // Rooms is no longer concerned: everything it had is withdrawn.
  EXPECT_EQ(changes[3].department(), "rooms");
  EXPECT_EQ(changes[3].kind(), FieldChange::REMOVED);
  EXPECT_EQ(changes[3].label(), "block/2027-03-15 label");
}

TEST(DiffSectionsTest, IdenticalSectionsHaveNoChanges) {
  Sections a;
  *a.Add() = Section("fnb", {{"x", "1"}});
  EXPECT_TRUE(DiffSections(a, a).empty());
}

}  // namespace
}  // namespace atrium::notifications
