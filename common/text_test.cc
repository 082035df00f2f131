#include "common/text.h"

#include <gtest/gtest.h>

namespace atrium {
namespace {

TEST(TextTest, NormalizesWidthCasePunctuationAndSpace) {
  EXPECT_EQ(NormalizeName("上海（浦东）Ｆｏｏ  Co., Ltd."), "上海浦东foocoltd");
  EXPECT_EQ(NormalizeName("ACME Hotel Group"), NormalizeName("acme hotel-group"));
  EXPECT_EQ(NormalizeName("北京·国际　会议"), "北京国际会议");
}

TEST(TextTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8("客户关系部"));
  EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
  EXPECT_FALSE(IsValidUtf8("\xe5\xae"));
  EXPECT_EQ(Utf8Length("客户abc"), 5u);
}

TEST(TextTest, Utf8PrefixCutsBetweenCharacters) {
  EXPECT_EQ(Utf8Prefix("客户关系部", 5), "客户关系部");
  EXPECT_EQ(Utf8Prefix("客户关系部", 3), "客户…");
  EXPECT_EQ(Utf8Length(Utf8Prefix("客户关系部abc", 4)), 4u);
  EXPECT_TRUE(IsValidUtf8(Utf8Prefix("客户关系部", 2)));
}

TEST(TextTest, JsonEscape) { EXPECT_EQ(JsonEscape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\nd\\u0001"); }

}  // namespace
}  // namespace atrium
