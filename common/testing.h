// Helpers for hermetic tests: a fresh temporary directory per test.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/errors.h"

namespace atrium::testing {

// Creates and returns a new, empty directory under the system temp dir.
// mkdtemp picks an unused name and creates it atomically, so a directory
// left by an earlier process (whose pid may come round again) is never reused.
inline std::string TempDir(const std::string& prefix = "atrium") {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  return pattern;
}

// What a domain call returned, as the wire would carry it: the code, the
// BadRequest field and the ErrorInfo reason.
template <typename T>
absl::StatusCode CodeOf(const absl::StatusOr<T>& r) {
  return r.status().code();
}
inline std::string FieldOf(const absl::Status& s) { return ViolatedField(ToGrpcStatus(s)); }
inline std::string ReasonOf(const absl::Status& s) { return ErrorReason(ToGrpcStatus(s)); }
inline std::string MetadataOf(const absl::Status& s, const std::string& key) {
  return ErrorMetadata(ToGrpcStatus(s), key);
}

// Gives each of `values` to `call` (which puts it in a request and makes the
// call, returning its status) and says which was not refused as
// INVALID_ARGUMENT naming `field`: empty when every one was.
//   EXPECT_EQ(FirstNotRefused("name", {"points/-", "points/CR"}, [&](const char* v) {
//               get.set_name(v);
//               return domain->GetPoint(kManager, get).status();
//             }), "");
template <typename Call>
std::string FirstNotRefused(const std::string& field, std::initializer_list<const char*> values, Call call) {
  for (const char* v : values) {
    const absl::Status s = call(v);
    if (s.code() != absl::StatusCode::kInvalidArgument || FieldOf(s) != field) {
      return absl::StrCat(v, ": ", s.ToString(), " (field \"", FieldOf(s), "\")");
    }
  }
  return "";
}

// The people the services' tests act as: one of each role. A test that needs
// someone else declares its own (a local declaration hides these).
namespace people {
inline const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};
inline const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
inline const Principal kKam2{"kam-zhao", "Zhao Lei", Role::kKeyAccountManager, ""};
inline const Principal kClerk{"clerk-chen", "Chen Yu", Role::kClerk, ""};
inline const Principal kGm{"gm-sun", "Sun", Role::kGmOffice, ""};
inline const Principal kInspector{"insp-1", "Inspector", Role::kInspector, ""};
inline const Principal kFnb{"fnb-zhou", "Zhou", Role::kDepartment, "fnb"};
inline const Principal kRooms{"rooms-wu", "Wu (Rooms)", Role::kDepartment, "rooms"};
inline const Principal kFinance{"fin-qian", "Qian", Role::kDepartment, "finance"};
inline const Principal kMeetings{"service:meetings", "meetings", Role::kService, ""};
inline const Principal kInspections{"service:inspections", "inspections", Role::kService, ""};
}  // namespace people

}  // namespace atrium::testing
