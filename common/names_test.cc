#include "common/names.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "common/testing.h"

namespace atrium {
namespace {

using testing::CodeOf;
using testing::FieldOf;

constexpr char kRevision[] = "notices/{notice}/revisions/{revision:number}";

TEST(NamesTest, ParsesIdsAndNumbersByVariable) {
  auto n = ParseResourceName("notices/abc-1/revisions/12", kRevision, "name");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->Id("notice"), "abc-1");
  EXPECT_EQ(n->Id("revision"), "12");
  EXPECT_EQ(n->Number("revision"), 12);
  auto d =
      ParseResourceName("notices/x/revisions/2147483647/dispatches/front_office",
                        "notices/{notice}/revisions/{revision:number}/dispatches/{department:department}", "dispatch");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->Number("revision"), 2147483647);
  EXPECT_EQ(d->Id("department"), "front_office");
  auto generated = ParseResourceName("meetings/019abc0de1f2a3b4c5d6", "meetings/{meeting}", "parent");
  ASSERT_TRUE(generated.ok()) << generated.status();
}

// The examples, and their neighbours: a malformed name is
// INVALID_ARGUMENT on the request field, never a lookup that finds nothing.
TEST(NamesTest, MalformedNamesAreInvalidArgumentNamingTheField) {
  for (const char* bad : {"notices/x/revisions/+1",         "notices/x/revisions/ 1",
                          "notices/x/revisions/1 ",         "notices/x/revisions/01",
                          "notices/x/revisions/0",          "notices/x/revisions/-1",
                          "notices/x/revisions/1e3",        "notices/x/revisions/0x1",
                          "notices/x/revisions/2147483648", "notices/x/revisions/99999999999999999999",
                          "notices/x/revisions/",           "notices/x/revisions",
                          "notices/x/revisions/1/",         "/notices/x/revisions/1",
                          "notices//revisions/1",           "notices/X/revisions/1",
                          "notices/-/revisions/1",          "notices/-x/revisions/1",
                          "notices/x-/revisions/1",         "notices/x y/revisions/1",
                          "notices/x/Revisions/1",          "notices/x/revisions/1/dispatches/fnb"}) {
    auto n = ParseResourceName(bad, kRevision, "name");
    EXPECT_EQ(CodeOf(n), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(n.status()), "name") << bad;
  }
  EXPECT_EQ(FieldOf(ParseResourceName("", kRevision, "revision.name").status()), "revision.name");
  EXPECT_EQ(CodeOf(ParseResourceName(std::string(64, 'a'), "rooms/{room}", "name")),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(ParseResourceName("rooms/" + std::string(64, 'a'), "rooms/{room}", "name")),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseResourceName("rooms/" + std::string(63, 'a'), "rooms/{room}", "name").ok());
  EXPECT_EQ(CodeOf(ParseResourceName("notices/x/revisions/1/dispatches/Fnb",
                                     "notices/{notice}/revisions/{revision:number}/dispatches/{department:department}",
                                     "name")),
            absl::StatusCode::kInvalidArgument);
}

TEST(NamesTest, TheWildcardOnlyWhereThePatternAllowsIt) {
  auto all = ParseResourceName("accounts/-/receivables", "accounts/{account|-}/receivables", "name");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE(all->IsWildcard("account"));
  auto one = ParseResourceName("accounts/a1/receivables", "accounts/{account|-}/receivables", "name");
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->IsWildcard("account"));
  EXPECT_EQ(FieldOf(ParseResourceName("accounts/-", "accounts/{account}", "name").status()), "name");
  EXPECT_EQ(FieldOf(ParseName("accounts/-", {"accounts"}, "parent").status()), "parent");
  EXPECT_TRUE(ParseName("accounts/-", {"accounts"}, "parent", /*allow_wildcard=*/true).ok());
  EXPECT_EQ(CodeOf(ParseResourceName("accounts/--/receivables", "accounts/{account|-}/receivables", "name")),
            absl::StatusCode::kInvalidArgument);
}

TEST(NamesTest, NumbersAreDecimalWithoutSignLeadingZerosOrSpaces) {
  int64_t v = 0;
  EXPECT_TRUE(ParseNameNumber("1", &v));
  EXPECT_EQ(v, 1);
  EXPECT_TRUE(ParseNameNumber("2147483647", &v));
  EXPECT_EQ(v, 2147483647);
  for (const char* bad : {"", "0", "00", "01", "+1", "-1", " 1", "1 ", "1.0", "2147483648", "9999999999"}) {
    EXPECT_FALSE(ParseNameNumber(bad, &v)) << bad;
  }
}

TEST(NamesTest, IdsAreLowerCaseLettersDigitsAndInnerHyphens) {
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_TRUE(IsValidId("hall-a"));
  EXPECT_TRUE(IsValidId("019abc0de1f2a3b4c5d6"));
  for (const char* bad : {"", "-", "--", "-a", "a-", "A", "a_b", "a b", "a/b", "é"})
    EXPECT_FALSE(IsValidId(bad)) << bad;
}

}  // namespace
}  // namespace atrium
