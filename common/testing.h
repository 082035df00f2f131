// Helpers for hermetic tests: a fresh temporary directory per test.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace atrium::testing {

// Creates and returns a new empty directory under the system temp dir.
inline std::string TempDir(const std::string& prefix = "atrium") {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(getpid()) + "-" +
                                                       std::to_string(counter++) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace atrium::testing
