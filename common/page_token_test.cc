#include "common/page_token.h"

#include <gtest/gtest.h>

namespace atrium {
namespace {

TEST(PageTokenTest, RoundTripsPosition) {
  PageTokens t("secret");
  std::string token = t.Encode("q1", {"上海", "abc"});
  auto pos = t.Decode(token, "q1");
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(*pos, (std::vector<std::string>{"上海", "abc"}));
  EXPECT_TRUE(t.Decode("", "q1")->empty());
}

TEST(PageTokenTest, RefusesOtherQueryTamperingAndOtherSecret) {
  PageTokens t("secret");
  std::string token = t.Encode("owner=a", {"x", "1"});
  EXPECT_EQ(t.Decode(token, "owner=b").status().code(), absl::StatusCode::kInvalidArgument);
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(t.Decode(tampered, "owner=a").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PageTokens("other").Decode(token, "owner=a").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.Decode("!!!", "owner=a").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, KeysetPositionsRoundTripAndAreCheckedOnTheWayBack) {
  PageTokens tokens("secret");
  auto first = tokens.DecodeAfter("", "q");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  auto after = tokens.DecodeAfter(tokens.EncodeAfter("q", -1795744800000000, "m-1"), "q");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(**after, std::make_pair(int64_t{-1795744800000000}, std::string("m-1")));
  // Signed, but not a keyset position: refused, not taken as the first page.
  EXPECT_EQ(tokens.DecodeAfter(tokens.Encode("q", {"x", "m-1"}), "q").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens.DecodeAfter(tokens.Encode("q", {"1"}), "q").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens.DecodeAfter(tokens.EncodeAfter("q", 1, "m-1"), "other").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, OneKeyPositionsRoundTripAndAreCheckedOnTheWayBack) {
  PageTokens tokens("secret");
  EXPECT_EQ(*tokens.DecodeAfterKey("", "q"), "");
  EXPECT_EQ(*tokens.DecodeAfterKey(tokens.EncodeAfterKey("q", "hall-a"), "q"), "hall-a");
  EXPECT_EQ(tokens.DecodeAfterKey(tokens.Encode("q", {"1", "hall-a"}), "q").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens.DecodeAfterKey(tokens.EncodeAfterKey("q", "hall-a"), "other").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, ClampsPageSize) {
  EXPECT_EQ(*ClampPageSize(0), 50);
  EXPECT_EQ(*ClampPageSize(10), 10);
  EXPECT_EQ(*ClampPageSize(5000), 1000);
  EXPECT_EQ(ClampPageSize(-1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace atrium
