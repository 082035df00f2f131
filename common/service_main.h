// The main() every service shares: read and check the settings (flags, then
// ATRIUM_* environment), set up logging, build the service's Runtime, serve
// until SIGTERM or SIGINT, shut down gracefully. A service's main.cc is one
// call:
//
//   int main(int argc, char** argv) {
//     return atrium::ServiceMain(argc, argv, "clients", "127.0.0.1:50051", "atrium-clients.db",
//                                atrium::clients::ClientsSettings(), &atrium::clients::NewRuntime);
//   }
//
// Exit codes: 0 after a clean shutdown (or --help), 2 for bad configuration,
// 1 when the server cannot start.
#pragma once

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "common/config.h"
#include "common/logging.h"
#include "common/runtime.h"
#include "common/server.h"
#include "spdlog/spdlog.h"

namespace atrium {

inline int ServiceMain(int argc, char** argv, const std::string& name, const std::string& default_listen,
                       const std::string& default_db, const std::map<std::string, Setting>& settings,
                       RuntimeFactory make_runtime) {
  BlockShutdownSignals();
  Config config(CommonSettings(default_listen, default_db));
  config.Add(settings);
  if (auto s = config.Parse(argc, argv, [](const char* n) { return std::getenv(n); }); !s.ok()) {
    std::cerr << s.message() << "\n";
    return s.code() == absl::StatusCode::kCancelled ? 0 : 2;
  }
  SetUpLogging(name, config.String("log-format"), config.String("log-level"));
  auto runtime = make_runtime(config, nullptr);
  if (!runtime.ok()) {
    spdlog::critical("cannot start: {}", std::string(runtime.status().message()));
    return 2;
  }
  if (auto s = (*runtime)->Start(); !s.ok()) {
    spdlog::critical("cannot start: {}", std::string(s.message()));
    return 1;
  }
  WaitForShutdownSignal();
  (*runtime)->Shutdown();
  return 0;
}

}  // namespace atrium
