#include "common/request_ids.h"

#include <gtest/gtest.h>

#include "common/testing.h"
#include "google/protobuf/field_mask.pb.h"

namespace atrium {
namespace {

using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;

const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
const Principal kKam2{"kam-zhao", "Zhao Lei", Role::kKeyAccountManager, ""};
const Principal kFnb{"desk", "F&B", Role::kDepartment, "fnb"};
const Principal kRooms{"desk", "Rooms", Role::kDepartment, "rooms"};
const Principal kManagerLi{"kam-li", "Li Na", Role::kManager, ""};

google::protobuf::FieldMask Request(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask m;
  for (const char* p : paths) m.add_paths(p);
  return m;
}

TEST(RequestIdsTest, TheCallerIsRoleDepartmentAndSubject) {
  EXPECT_EQ(CallerOf(kKam), "key_account_manager:kam-li");
  EXPECT_EQ(CallerOf(kFnb), "department/fnb:desk");
  EXPECT_NE(CallerOf(kFnb), CallerOf(kRooms));
  EXPECT_NE(CallerOf(kKam), CallerOf(kManagerLi));
  EXPECT_NE(CallerOf(kKam), CallerOf(kKam2));
}

TEST(RequestIdsTest, NoKeyWithoutARequestIdAndMalformedIdsAreRefused) {
  auto none = RequestKeyOf("CreateX", kKam, Request({"a"}), "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(FieldOf(RequestKeyOf("CreateX", kKam, Request({"a"}), std::string(101, 'r')).status()), "request_id");
  EXPECT_EQ(FieldOf(RequestKeyOf("CreateX", kKam, Request({"a"}), "a b").status()), "request_id");
}

TEST(RequestIdsTest, ARetryReplaysAndAnythingElseIsRefused) {
  auto key = RequestKeyOf("CreateX", kKam, Request({"a", "b"}), "r-1");
  ASSERT_TRUE(key.ok() && key->has_value());
  EXPECT_EQ((*key)->caller, "key_account_manager:kam-li");
  EXPECT_EQ((*key)->digest.size(), 64u);
  auto fresh = Replay(**key, std::nullopt);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->has_value());
  auto retry = Replay(**key, RememberedRequest{"xs/1", (*key)->digest});
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(**retry, "xs/1");
  auto other = RequestKeyOf("CreateX", kKam, Request({"a", "c"}), "r-1");
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_NE((*other)->digest, (*key)->digest);
  auto reused = Replay(**other, RememberedRequest{"xs/1", (*key)->digest});
  EXPECT_EQ(CodeOf(reused), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(reused.status()), "REQUEST_ID_REUSED");
}

TEST(RequestIdsTest, TheDigestIsOfTheWholeMessage) {
  EXPECT_EQ(RequestDigest(Request({"a", "b"})), RequestDigest(Request({"a", "b"})));
  EXPECT_NE(RequestDigest(Request({"a", "b"})), RequestDigest(Request({"b", "a"})));
  EXPECT_NE(RequestDigest(Request({})), RequestDigest(Request({""})));
}

}  // namespace
}  // namespace atrium
