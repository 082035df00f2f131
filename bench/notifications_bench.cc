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
//             target: no more than 20% slower than A.
//
// A redis-server is started on a free port (no persistence).
// Usage: notifications_bench [--rate=5000] [--seconds=5] [--threads=32] [--pending=10000]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/auth.h"
#include "common/redis.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "services/notifications/runtime.h"
#include "spdlog/spdlog.h"
#include "tests/process.h"

namespace {

using namespace atrium;  // NOLINT: a benchmark program
namespace nv1 = notifications::v1;

const char kKey[] = "bench-key";

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(v.size() * p))];
}

// Receives messages on `channels` and records, per message id, the receipt
// time. `id_of` extracts the sequence number from a payload (-1 to ignore).
class Receiver {
 public:
  Receiver(const redis::Endpoint& ep, std::vector<std::string> channels, std::function<long(const std::string&)> id_of,
           size_t capacity)
      : received_(capacity, absl::InfinitePast()), id_of_(std::move(id_of)) {
    auto conn = redis::Connection::Connect(ep, absl::Seconds(2));
    if (!conn.ok() || !(*conn)->Subscribe(channels).ok()) {
      std::fprintf(stderr, "cannot subscribe\n");
      std::exit(1);
    }
    conn_ = std::move(*conn);
    thread_ = std::thread([this] {
      while (!stop_) {
        auto m = conn_->NextMessage(absl::Milliseconds(100));
        if (!m.ok()) return;
        if (!m->has_value()) continue;
        const absl::Time now = absl::Now();
        long id = id_of_((*m)->payload);
        if (id >= 0 && static_cast<size_t>(id) < received_.size() && received_[id] == absl::InfinitePast()) {
          received_[id] = now;
          count_++;
        }
      }
    });
  }
  ~Receiver() {
    stop_ = true;
    thread_.join();
  }
  long count() const { return count_; }
  absl::Time at(long id) const { return received_[id]; }

 private:
  std::unique_ptr<redis::Connection> conn_;
  std::vector<absl::Time> received_;
  std::function<long(const std::string&)> id_of_;
  std::atomic<bool> stop_{false};
  std::atomic<long> count_{0};
  std::thread thread_;
};

// Runs `send(k)` for k = 0..n-1 from `threads` threads, each k at t0 + k/rate.
// Returns the time the last call returned.
absl::Time Paced(long n, double rate, int threads, absl::Time t0, const std::function<void(int, long)>& send) {
  std::atomic<long> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
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
  double p50_ms = 0, p99_ms = 0, rate = 0, delivered = 0;
  double call_mean_ms = 0;
};

// Notice ids are "<run>-<k>"; each notice has fnb and rooms: dispatch 2k and 2k+1.
long DispatchIndex(const std::string& payload) {
  io::cloudevents::v1::CloudEvent e;
  if (!e.ParseFromString(payload)) return -1;
  std::vector<std::string> parts = absl::StrSplit(e.id(), '/');  // notices/<run>-<k>/revisions/1/dispatches/<d>
  if (parts.size() != 6) return -1;
  auto dash = parts[1].rfind('-');
  long k = 0;
  if (dash == std::string::npos || !absl::SimpleAtoi(parts[1].substr(dash + 1), &k)) return -1;
  if (parts[1].substr(0, dash) != "run") return -1;  // pending ones, or redeliveries of them
  return 2 * k + (parts[5] == "rooms" ? 1 : 0);
}

nv1::DispatchNoticeRequest Notice(const std::string& id) {
  nv1::DispatchNoticeRequest req;
  auto* r = req.mutable_revision();
  r->set_notice_id(id);
  r->set_revision(1);
  r->set_meeting("meetings/" + id);
  r->set_title("Bench meeting");
  r->set_owner("kam-bench");
  *r->mutable_meeting_start_time() = ToProto(absl::Now() + absl::Hours(24 * 30));
  for (const char* d : {"fnb", "rooms"}) {
    auto* s = r->add_sections();
    s->set_department(d);
    s->set_heading("安排");
    for (int f = 0; f < 6; ++f) {
      auto* field = s->add_fields();
      field->set_path(absl::StrCat("item/", f));
      field->set_label(absl::StrCat("项目 ", f));
      field->set_value("120 人, 15:00, 大宴会厅");
    }
  }
  return req;
}

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
    auto rt = notifications::Runtime::Create(config);
    if (!rt.ok() || !(*rt)->Start().ok()) {
      std::fprintf(stderr, "service did not start\n");
      std::exit(1);
    }
    runtime_ = std::move(*rt);
  }
  std::string address() const { return runtime_->address(); }
  ~Service() { runtime_->Shutdown(); }

 private:
  std::string dir_;
  std::unique_ptr<notifications::Runtime> runtime_;
};

RunResult MeasureService(const Service& svc, const redis::Endpoint& ep, double rate, double seconds, int threads,
                         long pending) {
  const std::string token = "Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey,
                                                   Principal{"service:meetings", "meetings", Role::kService, ""},
                                                   absl::Now() + absl::Hours(2));
  std::vector<std::unique_ptr<nv1::NotificationsService::Stub>> stubs;
  for (int t = 0; t < threads; ++t) {
    grpc::ChannelArguments args;
    args.SetInt("bench_channel", t);
    stubs.push_back(nv1::NotificationsService::NewStub(
        grpc::CreateCustomChannel(svc.address(), grpc::InsecureChannelCredentials(), args)));
  }
  auto call = [&](int t, const std::string& id) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", token);
    nv1::Notice out;
    return stubs[t]->DispatchNotice(&ctx, Notice(id), &out);
  };
  if (pending > 0) {
    // Unsigned dispatches already waiting (two per notice); let their first
    // publication drain before measuring.
    std::atomic<long> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (long k; (k = next++) < pending / 2;) call(t, absl::StrCat("pending-", k));
      });
    }
    for (auto& th : pool) th.join();
    absl::SleepFor(absl::Seconds(5));
  }
  const long notices = static_cast<long>(rate / 2 * seconds);
  Receiver rx(ep, {"atrium.dispatches.fnb", "atrium.dispatches.rooms"}, DispatchIndex, 2 * notices);
  std::vector<double> call_ms(notices);
  std::atomic<long> errors{0};
  const absl::Time t0 = absl::Now() + absl::Milliseconds(200);
  const absl::Time end = Paced(notices, rate / 2, threads, t0, [&](int t, long k) {
    const absl::Time s = absl::Now();
    if (!call(t, absl::StrCat("run-", k)).ok()) errors++;
    call_ms[k] = absl::ToDoubleMilliseconds(absl::Now() - s);
  });
  const absl::Time wait_until = absl::Now() + absl::Seconds(10);
  while (rx.count() < 2 * notices && absl::Now() < wait_until) absl::SleepFor(absl::Milliseconds(20));
  std::vector<double> latency;
  for (long i = 0; i < 2 * notices; ++i) {
    if (rx.at(i) == absl::InfinitePast()) continue;
    const absl::Time due = t0 + absl::Seconds((i / 2) / (rate / 2));
    latency.push_back(absl::ToDoubleMilliseconds(rx.at(i) - due));
  }
  RunResult r;
  r.p50_ms = Percentile(latency, 0.5);
  r.p99_ms = Percentile(latency, 0.99);
  r.rate = 2.0 * notices / absl::ToDoubleSeconds(end - t0);
  r.delivered = static_cast<double>(rx.count()) / (2 * notices);
  double sum = 0;
  for (double v : call_ms) sum += v;
  r.call_mean_ms = sum / std::max<long>(1, notices);
  if (errors > 0) std::fprintf(stderr, "%ld dispatch errors\n", errors.load());
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  double rate = 5000, seconds = 5;
  int threads = 32;
  long pending = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--rate=", 0) == 0) rate = std::stod(a.substr(7));
    if (a.rfind("--seconds=", 0) == 0) seconds = std::stod(a.substr(10));
    if (a.rfind("--threads=", 0) == 0) threads = std::stoi(a.substr(10));
    if (a.rfind("--pending=", 0) == 0) pending = std::stol(a.substr(10));
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  const std::string dir = testing::TempDir("notifications-bench-redis");
  testing::RedisServer redis(dir);
  if (!redis.Start()) {
    std::fprintf(stderr, "redis-server did not start\n");
    return 1;
  }
  const redis::Endpoint ep = *redis::ParseEndpoint(redis.address(), "redis");

  // Baseline: raw PUBLISH, paced at the same rate, one connection per thread.
  RunResult base;
  {
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
    const absl::Time t0 = absl::Now() + absl::Milliseconds(200);
    const absl::Time end = Paced(n, rate, threads, t0, [&](int t, long k) {
      conns[t]->Publish({{"bench.raw", absl::StrCat(k, " ", filler)}});
    });
    const absl::Time wait_until = absl::Now() + absl::Seconds(10);
    while (rx.count() < n && absl::Now() < wait_until) absl::SleepFor(absl::Milliseconds(20));
    std::vector<double> latency;
    for (long k = 0; k < n; ++k) {
      if (rx.at(k) != absl::InfinitePast()) {
        latency.push_back(absl::ToDoubleMilliseconds(rx.at(k) - (t0 + absl::Seconds(k / rate))));
      }
    }
    base.p50_ms = Percentile(latency, 0.5);
    base.p99_ms = Percentile(latency, 0.99);
    base.rate = n / absl::ToDoubleSeconds(end - t0);
    base.delivered = static_cast<double>(rx.count()) / n;
  }
  std::printf("baseline raw PUBLISH:     p50 %6.3f ms  p99 %6.3f ms  at %7.0f msg/s, %.1f%% received\n", base.p50_ms,
              base.p99_ms, base.rate, 100 * base.delivered);

  RunResult a;
  {
    Service svc(redis.address());
    a = MeasureService(svc, ep, rate, seconds, threads, 0);
  }
  std::printf("A dispatch -> subscriber: p50 %6.3f ms  p99 %6.3f ms  at %7.0f dispatches/s, %.1f%% delivered\n",
              a.p50_ms, a.p99_ms, a.rate, 100 * a.delivered);
  // Paced: the offered rate is held when every call returned on schedule
  // (within 2%) and every dispatch reached the subscriber.
  const bool sustained = a.rate >= 0.98 * rate && a.delivered >= 1.0;
  std::printf("  p99 = %.2f x baseline (target <= 3); %.0f dispatches/s offered: %s (target >= 5,000/s)\n",
              a.p99_ms / base.p99_ms, rate, sustained ? "sustained" : "NOT sustained");
  RunResult b;
  {
    Service svc(redis.address());
    b = MeasureService(svc, ep, rate, seconds, threads, pending);
  }
  std::printf("B same, %ld unsigned pending: p50 %6.3f ms  p99 %6.3f ms  at %7.0f dispatches/s, %.1f%% delivered\n",
              pending, b.p50_ms, b.p99_ms, b.rate, 100 * b.delivered);
  std::printf(
      "  B/A: p99 %.2f x, mean DispatchNotice call %.2f x (%.2f vs %.2f ms), rate %.2f x (target: within 1.20)\n",
      b.p99_ms / a.p99_ms, b.call_mean_ms / a.call_mean_ms, b.call_mean_ms, a.call_mean_ms, b.rate / a.rate);
  return 0;
}
