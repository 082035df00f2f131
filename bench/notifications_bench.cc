// Benchmark of notice delivery against a baseline measured in the same run
// (machines are noisy, so the figures that matter are ratios):
//
//   baseline: raw Redis PUBLISH to a raw subscriber, paced at the target
//             rate, latency from the scheduled send to receipt;
//   A:        the notifications service (real gRPC over loopback, SQLite
//             fsync'ed, real Redis) paced at the same rate of dispatches:
//             latency from the scheduled DispatchNotice call to receipt at a
//             subscriber — target p99 <= 3 x baseline, and the rate sustained
//             (target >= 5,000 dispatches/s);
//   B:        the same with 10,000 unsigned dispatches pending beforehand —
//             target: no more than 20% slower than A;
//   floor:    a relay that takes the same gRPC call and PUBLISHes at once,
//             storing nothing: the latency no design of the service can go
//             below on this machine (the gRPC hop and a second process on
//             the same cores).
//
// A redis-server is started on a free port (no persistence).
// Usage: notifications_bench [--rate=5000] [--seconds=5] [--threads=32] [--pending=10000]
//                            [--rounds=3] [--departments=2]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "bench/bench_util.h"
#include "bench/notifications_parts.h"
#include "common/auth.h"
#include "common/redis.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "services/notifications/delivery.h"
#include "services/notifications/notices.h"
#include "services/notifications/runtime.h"
#include "services/notifications/store.h"
#include "spdlog/spdlog.h"
#include "tests/process.h"

namespace {

using namespace atrium;  // NOLINT: a benchmark program
namespace nv1 = notifications::v1;
using bench::DispatchIndex;
using bench::g_departments;
using bench::kChannelPrefix;
using bench::kDepartments;
using bench::Notice;
using bench::Receiver;
using bench::Relay;

const char kKey[] = "bench-key";

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(v.size() * p))];
}

// The machine's CPU time so far, and how much of it the hypervisor gave to
// others ("steal", from /proc/stat): a round with much steal measured a
// machine that was not all there.
struct CpuClock {
  uint64_t total = 0, steal = 0;
  static CpuClock Now() {
    CpuClock c;
    std::ifstream in("/proc/stat");
    std::string cpu;
    uint64_t v[8] = {};
    if (in >> cpu && cpu == "cpu") {
      for (uint64_t& x : v) in >> x;  // user nice system idle iowait irq softirq steal
    }
    for (uint64_t x : v) c.total += x;
    c.steal = v[7];
    return c;
  }
  // Percent of the CPU time since `before` that was stolen.
  double StealSince(const CpuClock& before) const {
    return total > before.total ? 100.0 * static_cast<double>(steal - before.steal) / (total - before.total) : 0;
  }
};

// Runs `send(k)` for k = 0..n-1 from `threads` threads, each k at t0 + k/rate.
// Returns the time the last call returned.
absl::Time Paced(long n, double rate, int threads, absl::Time t0, const std::function<void(int, long)>& send) {
  std::atomic<long> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      pthread_setname_np(pthread_self(), "bench-caller");
      for (;;) {
        const long k = next++;
        if (k >= n) return;
        const absl::Time due = t0 + absl::Seconds(k / rate);
        const absl::Duration wait = due - absl::Now();
        if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
        send(t, k);
      }
    });
  }
  for (auto& th : pool) th.join();
  return absl::Now();
}

struct RunResult {
  double p50_ms = 0, p99_ms = 0, rate = 0;
  double hop_p99_ms = 0;  // from the service's PUBLISH to the subscriber
  long late = 0;          // not received within 10 s of the last call
  double steal_pct = 0;   // of the machine's CPU time during the run
  double call_mean_ms = 0;
};

class Service {
 public:
  Service(const std::string& redis) {
    dir_ = testing::TempDir("notifications-bench");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    std::vector<std::string> flags = {"bench",
                                      "--listen=127.0.0.1:0",
                                      "--db-path=" + dir_ + "/n.db",
                                      "--jwt-key-file=" + dir_ + "/jwt.key",
                                      "--redis=" + redis,
                                      "--log-level=warn"};
    std::vector<char*> argv;
    for (auto& f : flags) argv.push_back(f.data());
    Config config(CommonSettings("127.0.0.1:0", "x.db"));
    config.Add(notifications::NotificationsSettings());
    if (auto s = config.Parse(static_cast<int>(argv.size()), argv.data(), [](const char*) { return nullptr; });
        !s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      std::exit(1);
    }
    auto rt = notifications::NewRuntime(config);
    if (!rt.ok() || !(*rt)->Start().ok()) {
      std::fprintf(stderr, "service did not start\n");
      std::exit(1);
    }
    runtime_ = std::move(*rt);
  }
  std::string address() const { return runtime_->address(); }
  ~Service() {
    runtime_->Shutdown();
    runtime_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::string dir_;
  std::unique_ptr<ServiceRuntime> runtime_;
};

// `threads` channels to the service (distinct connections), calling as the
// meetings service does.
class Callers {
 public:
  Callers(const std::string& address, int threads)
      : token_("Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey,
                                      Principal{"service:meetings", "meetings", Role::kService, ""},
                                      // A service's token lives an hour at most (auth.h).
                                      absl::Now() + absl::Minutes(50))) {
    for (int t = 0; t < threads; ++t) {
      grpc::ChannelArguments args;
      args.SetInt("bench_channel", t);
      stubs_.push_back(nv1::NotificationsService::NewStub(
          grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
    }
  }
  // Dispatches notice `id` on channel t and waits for the answer.
  grpc::Status Dispatch(int t, const std::string& id) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", token_);
    nv1::Notice out;
    return stubs_[t]->DispatchNotice(&ctx, Notice(id), &out);
  }
  // Starts the same through the callback API; done(ok) when it completes.
  void Start(int t, const std::string& id, std::function<void(bool)> done) {
    bench::StartUnary<nv1::DispatchNoticeRequest, nv1::Notice>(
        [&](grpc::ClientContext& ctx, nv1::DispatchNoticeRequest& req) {
          ctx.AddMetadata("authorization", token_);
          req = Notice(id);
        },
        [&](auto* ctx, auto* req, auto* resp, auto cb) {
          stubs_[t]->async()->DispatchNotice(ctx, req, resp, std::move(cb));
        },
        std::move(done));
  }

 private:
  std::string token_;
  std::vector<std::unique_ptr<nv1::NotificationsService::Stub>> stubs_;
};

RunResult MeasureService(const std::string& address, const redis::Endpoint& ep, double rate, double seconds,
                         int threads, long pending) {
  Callers callers(address, threads);
  if (pending > 0) {
    // Unsigned dispatches already waiting (two per notice); let their first
    // publication drain before measuring.
    std::atomic<long> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (long k; (k = next++) < pending / g_departments;) callers.Dispatch(t, absl::StrCat("pending-", k));
      });
    }
    for (auto& th : pool) th.join();
    absl::SleepFor(absl::Seconds(5));
  }
  const int D = g_departments;
  const long notices = static_cast<long>(rate / D * seconds);
  std::vector<std::string> channels;
  for (int d = 0; d < D; ++d) channels.push_back(notifications::DispatchChannel(kChannelPrefix, kDepartments[d]));
  Receiver rx(ep, channels, DispatchIndex, D * notices);
  std::vector<double> call_ms(notices);
  std::atomic<long> errors{0};
  // One thread starts each call at its time through gRPC's callback API,
  // spread over the channels; up to as many calls as needed are in flight.
  std::atomic<long> completed{0};
  const CpuClock cpu0 = CpuClock::Now();
  const absl::Time t0 = absl::Now() + absl::Milliseconds(200);
  for (long k = 0; k < notices; ++k) {
    const absl::Time due = t0 + absl::Seconds(k / (rate / D));
    if (const absl::Duration wait = due - absl::Now(); wait > absl::ZeroDuration()) absl::SleepFor(wait);
    const absl::Time s = absl::Now();
    const int t = static_cast<int>(k % threads);
    callers.Start(t, absl::StrCat("run-", k), [&, k, s](bool ok) {
      if (!ok) errors++;
      call_ms[k] = absl::ToDoubleMilliseconds(absl::Now() - s);
      completed++;
    });
  }
  while (completed < notices) absl::SleepFor(absl::Milliseconds(1));
  const absl::Time end = absl::Now();
  const double steal = CpuClock::Now().StealSince(cpu0);
  const absl::Time wait_until = absl::Now() + absl::Seconds(10);
  while (rx.count() < D * notices && absl::Now() < wait_until) absl::SleepFor(absl::Milliseconds(20));
  std::vector<double> latency;
  for (long i = 0; i < D * notices; ++i) {
    if (rx.at(i) == absl::InfinitePast()) continue;
    const absl::Time due = t0 + absl::Seconds((i / D) / (rate / D));
    latency.push_back(absl::ToDoubleMilliseconds(rx.at(i) - due));
  }
  RunResult r;
  r.p50_ms = Percentile(latency, 0.5);
  r.p99_ms = Percentile(latency, 0.99);
  r.hop_p99_ms = Percentile(rx.hop_ms(), 0.99);
  r.rate = static_cast<double>(D) * notices / absl::ToDoubleSeconds(end - t0);
  r.late = D * notices - rx.count();
  r.steal_pct = steal;
  double sum = 0;
  for (double v : call_ms) sum += v;
  r.call_mean_ms = sum / std::max<long>(1, notices);
  if (errors > 0) std::fprintf(stderr, "%ld dispatch errors\n", errors.load());
  return r;
}

RunResult MeasureBaseline(const redis::Endpoint& ep, double rate, double seconds, int threads) {
  const long n = static_cast<long>(rate * seconds);
  Receiver rx(
      ep, {"bench.raw"},
      [](const std::string& p) {
        long k = -1;
        return absl::SimpleAtoi(p.substr(0, p.find(' ')), &k) ? k : -1L;
      },
      n);
  std::vector<std::unique_ptr<redis::Connection>> conns;
  for (int t = 0; t < threads; ++t) conns.push_back(std::move(*redis::Connection::Connect(ep, absl::Seconds(2))));
  const std::string filler(600, 'x');  // about the size of a dispatch event
  const CpuClock cpu0 = CpuClock::Now();
  const absl::Time t0 = absl::Now() + absl::Milliseconds(200);
  const absl::Time end = Paced(n, rate, threads, t0, [&](int t, long k) {
    conns[t]->Publish({{"bench.raw", absl::StrCat(k, " ", filler)}});
  });
  const double steal = CpuClock::Now().StealSince(cpu0);
  const absl::Time wait_until = absl::Now() + absl::Seconds(10);
  while (rx.count() < n && absl::Now() < wait_until) absl::SleepFor(absl::Milliseconds(20));
  std::vector<double> latency;
  for (long k = 0; k < n; ++k) {
    if (rx.at(k) != absl::InfinitePast()) {
      latency.push_back(absl::ToDoubleMilliseconds(rx.at(k) - (t0 + absl::Seconds(k / rate))));
    }
  }
  RunResult r;
  r.p50_ms = Percentile(latency, 0.5);
  r.p99_ms = Percentile(latency, 0.99);
  r.rate = n / absl::ToDoubleSeconds(end - t0);
  r.late = n - rx.count();
  r.steal_pct = steal;
  return r;
}

// CPU time (user + system) this process has used so far, in microseconds.
double CpuMicros() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

struct Capacity {
  double rate = 0;              // dispatches per second
  double cpu_per_dispatch = 0;  // microseconds of this process's CPU (service and callers)
};

// Closed loop: as many dispatches per second as `threads` callers get through.
Capacity ClosedLoop(const std::string& address, double seconds, int threads) {
  Callers callers(address, threads);
  const double cpu0 = CpuMicros();
  const double calls = bench::AsyncThroughput(threads, seconds, [&](int t, long n, std::function<void(bool)> done) {
    callers.Start(t, absl::StrCat("cap-", t, "-", n), std::move(done));
  });
  const double n = calls * seconds * g_departments;
  return {calls * g_departments, (CpuMicros() - cpu0) / std::max(1.0, n)};
}

// The same closed loop without gRPC: the domain, SQLite and the delivery
// worker publishing to Redis. Shows what the transport costs.
Capacity DomainClosedLoop(const std::string& redis_address, double seconds, int threads) {
  const bench::ScratchDir scratch("notifications-bench-domain");
  const std::string& dir = scratch.path();
  auto store = notifications::NotificationsStore::Of(
      db::Database::OpenSqlite(dir + "/n.db", notifications::NotificationsSchema()));
  if (!store.ok()) std::exit(1);
  SystemClock clock;
  notifications::Notices notices(store->get(), &clock, PageTokens("bench"), notifications::NoticesOptions());
  notifications::Deliverer deliverer(
      store->get(), &clock,
      notifications::RedisBusFactory(*redis::ParseEndpoint(redis_address, "redis"), absl::Seconds(2)),
      notifications::DeliveryOptions());
  notices.AddSink(&deliverer);
  deliverer.Start();
  const Principal who{"service:meetings", "meetings", Role::kService, ""};
  std::atomic<long> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (long k = 0; !stop; ++k) {
        if (notices.DispatchNotice(who, Notice(absl::StrCat("dom-", t, "-", k))).ok()) done++;
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));
  const long done0 = done;
  const double cpu0 = CpuMicros();
  absl::SleepFor(absl::Seconds(seconds));
  const long n = (done - done0) * g_departments;
  const double cpu = CpuMicros() - cpu0;
  stop = true;
  for (auto& th : pool) th.join();
  deliverer.Stop();
  return {n / seconds, cpu / std::max(1L, n)};
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

}  // namespace

int main(int argc, char** argv) {
  double rate = 5000, seconds = 5;
  int threads = 32, rounds = 3;
  long pending = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--rate=", 0) == 0) rate = std::stod(a.substr(7));
    if (a.rfind("--seconds=", 0) == 0) seconds = std::stod(a.substr(10));
    if (a.rfind("--threads=", 0) == 0) threads = std::stoi(a.substr(10));
    if (a.rfind("--pending=", 0) == 0) pending = std::stol(a.substr(10));
    if (a.rfind("--rounds=", 0) == 0) rounds = std::stoi(a.substr(9));
    if (a.rfind("--departments=", 0) == 0) g_departments = std::clamp(std::stoi(a.substr(14)), 1, 5);
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  const bench::ScratchDir scratch("notifications-bench-redis");
  const std::string& dir = scratch.path();
  testing::RedisServer redis(dir);
  if (!redis.Start()) {
    std::fprintf(stderr, "redis-server did not start\n");
    return 1;
  }
  const redis::Endpoint ep = *redis::ParseEndpoint(redis.address(), "redis");
  std::printf("%.0f dispatches/s offered for %.0f s, %d departments per notice, %d callers, %d rounds\n", rate, seconds,
              g_departments, threads, rounds);

  // Rounds alternate baseline, A and B so that a noisy moment hits all three.
  std::vector<double> floor_p99, base_p99, a_p99, b_p99, a_call, b_call, a_rate, b_rate, a_hop;
  bool all_sustained = true;
  for (int round = 1; round <= rounds; ++round) {
    RunResult base = MeasureBaseline(ep, rate, seconds, threads);
    RunResult a, b, floor;
    {
      Relay relay(ep);
      floor = MeasureService(relay.address(), ep, rate, seconds, threads, 0);
    }
    {
      Service svc(redis.address());
      a = MeasureService(svc.address(), ep, rate, seconds, threads, 0);
    }
    {
      Service svc(redis.address());
      b = MeasureService(svc.address(), ep, rate, seconds, threads, pending);
    }
    // "late": not received at the subscriber within 10 s of the last call.
    std::printf(
        "round %d  raw PUBLISH p50 %6.3f p99 %6.3f ms | A p50 %6.2f p99 %7.2f ms %6.0f/s %ld late | "
        "B p50 %6.2f p99 %7.2f ms %6.0f/s %ld late\n",
        round, base.p50_ms, base.p99_ms, a.p50_ms, a.p99_ms, a.rate, a.late, b.p50_ms, b.p99_ms, b.rate, b.late);
    std::printf("         relay floor (gRPC in, PUBLISH out, nothing stored) p50 %6.2f p99 %7.2f ms %6.0f/s %ld late\n",
                floor.p50_ms, floor.p99_ms, floor.rate, floor.late);
    std::printf("         CPU stolen by the hypervisor: baseline %.0f%%, floor %.0f%%, A %.0f%%, B %.0f%%\n",
                base.steal_pct, floor.steal_pct, a.steal_pct, b.steal_pct);
    floor_p99.push_back(floor.p99_ms);
    base_p99.push_back(base.p99_ms);
    a_p99.push_back(a.p99_ms);
    a_hop.push_back(a.hop_p99_ms);
    b_p99.push_back(b.p99_ms);
    a_call.push_back(a.call_mean_ms);
    b_call.push_back(b.call_mean_ms);
    a_rate.push_back(a.rate);
    b_rate.push_back(b.rate);
    all_sustained = all_sustained && a.rate >= 0.98 * rate && a.late == 0;
  }
  Capacity capacity;
  {
    Service svc(redis.address());
    capacity = ClosedLoop(svc.address(), seconds, threads);
  }
  const Capacity domain_capacity = DomainClosedLoop(redis.address(), seconds, threads);
  Capacity relay_capacity;
  {
    Relay relay(ep);
    relay_capacity = ClosedLoop(relay.address(), seconds, threads);
  }
  std::printf("\nmedians over %d rounds:\n", rounds);
  std::printf("  baseline raw PUBLISH p99:              %8.3f ms\n", Median(base_p99));
  std::printf("  A dispatch -> subscriber p99:          %8.3f ms = %.1f x baseline (target <= 3)\n", Median(a_p99),
              Median(a_p99) / Median(base_p99));
  std::printf(
      "  relay floor p99 (gRPC in, PUBLISH out): %8.3f ms = %.1f x baseline (no design of the service is below it)\n",
      Median(floor_p99), Median(floor_p99) / Median(base_p99));
  // A noisy baseline makes every ratio look good; the rounds whose baseline
  // was quiet say what the machine allows.
  std::string quiet;
  for (size_t i = 0; i < base_p99.size(); ++i) {
    if (base_p99[i] >= 1.0) continue;
    absl::StrAppendFormat(&quiet, "%s%.1f x (A %.1f x)", quiet.empty() ? "" : ", ", floor_p99[i] / base_p99[i],
                          a_p99[i] / base_p99[i]);
  }
  std::printf("  rounds with a quiet baseline (p99 < 1 ms), relay floor p99 / baseline: %s\n",
              quiet.empty() ? "none" : quiet.c_str());
  std::printf("  A PUBLISH -> subscriber p99 (the Redis hop only): %.3f ms = %.1f x baseline\n", Median(a_hop),
              Median(a_hop) / Median(base_p99));
  std::printf("  A offered %.0f dispatches/s:          %s in every round (target >= 5,000/s)\n", rate,
              all_sustained ? "sustained" : "NOT sustained");
  std::printf(
      "  capacity, closed loop:                 %8.0f dispatches/s = %.2f x the 5,000/s target;"
      " %.0f us CPU per dispatch (service and callers)\n",
      capacity.rate, capacity.rate / 5000, capacity.cpu_per_dispatch);
  std::printf("  capacity without gRPC (domain, SQLite, Redis): %8.0f dispatches/s; %.0f us CPU per dispatch\n",
              domain_capacity.rate, domain_capacity.cpu_per_dispatch);
  std::printf("  relay floor, closed loop (gRPC in, PUBLISH out): %8.0f dispatches/s; %.0f us CPU per dispatch\n",
              relay_capacity.rate, relay_capacity.cpu_per_dispatch);
  std::printf("  B (%ld unsigned pending) / A:        p99 %.2f x, mean call %.2f x, rate %.2f x (target <= 1.20)\n",
              pending, Median(b_p99) / Median(a_p99), Median(b_call) / Median(a_call), Median(a_rate) / Median(b_rate));
  return 0;
}
