// What the benchmarks share: the empty handler that is their baseline, a
// closed-loop throughput run, percentiles and resident memory.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "atrium/bench/v1/bench.grpc.pb.h"

namespace atrium::bench {

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
