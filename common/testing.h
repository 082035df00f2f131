// Helpers for hermetic tests: a fresh temporary directory per test.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
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

}  // namespace atrium::testing
