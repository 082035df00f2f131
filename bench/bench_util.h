// What the benchmarks share: the empty handler that is their baseline, a
// closed-loop throughput run, percentiles and resident memory.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "atrium/bench/v1/bench.grpc.pb.h"
#include "common/testing.h"

namespace atrium::bench {

// A temporary directory for a benchmark's data (a million accounts take
// gigabytes), removed with this object: declare it before what uses it.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix) : path_(testing::TempDir(prefix)) {}
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The ceiling: an empty unary handler registered on the same server.
class EmptyService final : public v1::BenchService::Service {
  grpc::Status Empty(grpc::ServerContext*, const google::protobuf::Empty*, google::protobuf::Empty*) override {
    return grpc::Status::OK;
  }
};

// Runs `call(thread, n)` from `threads` threads for `seconds`; returns calls
// per second (when `call` returns bool, only the calls that returned true).
template <typename Fn>
double Throughput(int threads, double seconds, Fn call) {
  std::atomic<bool> stop{false};
  std::atomic<long> count{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if constexpr (std::is_void_v<std::invoke_result_t<Fn, int, long>>) {
          call(t, n);
          ++n;
        } else {
          if (call(t, n)) ++n;
        }
      }
      count += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
  stop = true;
  for (auto& th : pool) th.join();
  return count / seconds;
}

// The same closed loop through gRPC's callback API: `concurrency` calls in
// flight at all times, without a thread per caller, so that less of the
// machine goes to the load generator. `start(slot, n, done)` starts call n
// of a slot and arranges for `done(ok)` to run when it completes (see
// StartUnary). Returns completed calls per second (ok ones only).
inline double AsyncThroughput(int concurrency, double seconds,
                              const std::function<void(int, long, std::function<void(bool)>)>& start) {
  std::atomic<bool> stop{false};
  std::atomic<long> count{0};
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = concurrency;
  std::function<void(int, long)> issue = [&](int slot, long n) {
    start(slot, n, [&, slot, n](bool ok) {
      if (!stop.load()) {
        if (ok) count++;
        issue(slot, n + 1);
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (--outstanding == 0) cv.notify_all();
    });
  };
  for (int i = 0; i < concurrency; ++i) issue(i, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
  const long done = count.load();
  stop = true;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return outstanding == 0; });
  return done / seconds;
}

// Starts one unary call through a stub's callback interface; `fill` sets
// up the request (and the context's metadata), `done(ok)` runs on completion.
//   StartUnary<Req, Resp>(fill, [&](auto* ctx, auto* req, auto* resp, auto cb) {
//     stub->async()->Method(ctx, req, resp, std::move(cb)); }, done);
template <typename Req, typename Resp, typename Fill, typename Invoke>
void StartUnary(const Fill& fill, const Invoke& invoke, std::function<void(bool)> done) {
  struct Call {
    grpc::ClientContext ctx;
    Req req;
    Resp resp;
  };
  auto* call = new Call;
  fill(call->ctx, call->req);
  invoke(&call->ctx, &call->req, &call->resp, [call, done = std::move(done)](const grpc::Status& s) {
    const bool ok = s.ok();
    // The first failure is shown, so that a run of errors says what they are.
    static std::atomic<bool> shown{false};
    if (!ok && !shown.exchange(true)) {
      std::fprintf(stderr, "first failed call: code %d: %s\n", static_cast<int>(s.error_code()),
                   s.error_message().c_str());
    }
    delete call;
    done(ok);
  });
}

inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(v.size() * p))];
}

inline double P99(std::vector<double> v) { return Percentile(std::move(v), 0.99); }

// Resident memory of this process, in kB.
inline long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace atrium::bench
