// Helpers for hermetic tests: a fresh temporary directory per test.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

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

}  // namespace atrium::testing
