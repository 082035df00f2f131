// Starting and stopping a service binary for cross-process tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace atrium::testing {

class ServiceProcess final {
 public:
  ServiceProcess(std::string binary, std::vector<std::string> args, std::string log_path);
  ~ServiceProcess();

  // Starts the process and waits until it logs "serving on host:port";
  // returns that address, or "" if it exited or did not come up in time.
  std::string Start();
  // Sends `signal` and waits for the exit; returns the exit code (128+sig if killed).
  int Stop(int signal);
  // Waits for the process to exit by itself; returns its exit code.
  int Wait();
  std::string Log() const;

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace atrium::testing
