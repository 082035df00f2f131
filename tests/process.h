// Starting and stopping a service binary for cross-process tests.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace atrium::testing {

class ServiceProcess final {
 public:
  // `ready` is the log line that shows the process is up; its first group
  // (if any) is what Start() returns.
  ServiceProcess(std::string binary, std::vector<std::string> args, std::string log_path,
                 std::string ready = "serving on ([0-9.]+:[0-9]+)");
  ~ServiceProcess();

  // Starts the process and waits until it logs "serving on host:port";
  // returns that address, or "" if it exited or did not come up in time.
  std::string Start();
  // Sends `signal` and waits for the exit; returns the exit code (128+sig if killed).
  int Stop(int signal);
  // Waits for the process to exit by itself; returns its exit code.
  int Wait();
  std::string Log() const;
  // The running process (-1 when not running).
  pid_t pid() const { return pid_; }

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string log_path_;
  std::string ready_;
  pid_t pid_ = -1;
};

// A TCP port free at the time of the call (for a process restarted on the same
// port), never one this process was given before.
int FreePort();

// The body of an HTTP/1.0 GET of http://127.0.0.1:<port><path> ("" on failure).
std::string HttpGet(int port, const std::string& path);

// Runs `command` with `input` on its standard input; returns its exit code
// and puts what it printed (stdout and stderr) in `output`.
int RunWithInput(const std::string& command, const std::string& input, std::string* output);

// A TCP proxy on 127.0.0.1:port() to 127.0.0.1:<upstream_port>: how a client
// that stops reading its socket looks to a server. gRPC's client transport
// takes what arrives whether or not the application reads it, so a stalled
// reader has to be made below it. While stalled, the proxy reads nothing from
// the server (its receive buffer is small), so the server's writes fill the
// socket and then wait; Resume() lets everything through again.
class TcpProxy final {
 public:
  explicit TcpProxy(int upstream_port);
  ~TcpProxy();
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void Stall() { stalled_ = true; }
  void Resume() { stalled_ = false; }

 private:
  void Accept();
  // Copies from `from` to `to` until either closes; `from_server` pauses while stalled.
  void Pump(int from, int to, bool from_server);

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stalled_{false};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> pumps_;
  std::thread acceptor_;
};

// A real redis-server on a free port, for tests: no persistence, killable
// and restartable on the same port.
class RedisServer final {
 public:
  explicit RedisServer(const std::string& dir);
  // Starts (or restarts) the server; false if it did not come up.
  bool Start();
  void Kill();  // SIGKILL
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  std::unique_ptr<ServiceProcess> process_;
};

}  // namespace atrium::testing
