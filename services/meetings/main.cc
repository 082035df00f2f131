// atrium-meetings: conference sales and the function diary. Wiring only.
#include <cstdlib>
#include <iostream>

#include "common/auth.h"
#include "common/config.h"
#include "common/errors.h"
#include "common/logging.h"
#include "common/server.h"
#include "services/meetings/runtime.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  atrium::BlockShutdownSignals();
  atrium::Config config(atrium::CommonSettings("127.0.0.1:50053", "atrium-meetings.db"));
  config.Add(atrium::meetings::MeetingsSettings());
  if (auto s = config.Parse(argc, argv, [](const char* n) { return std::getenv(n); }); !s.ok()) {
    std::cerr << s.message() << "\n";
    return s.code() == absl::StatusCode::kCancelled ? 0 : 2;
  }
  atrium::SetUpLogging("meetings", config.String("log-format"), config.String("log-level"));
  auto runtime = atrium::meetings::Runtime::Create(config);
  if (!runtime.ok()) {
    spdlog::critical("cannot start: {}", std::string(runtime.status().message()));
    return 2;
  }
  if (auto s = (*runtime)->Start(); !s.ok()) {
    spdlog::critical("cannot start: {}", std::string(s.message()));
    return 1;
  }
  atrium::WaitForShutdownSignal();
  (*runtime)->Shutdown();
  return 0;
}
