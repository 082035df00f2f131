// The notifications parts of the outside benchmark (bench/outside.sh):
//
//   notifications_outside relay --redis=HOST:PORT --port=N
//       the relay floor as a process of its own (bench/notifications_parts.h:
//       the same DispatchNotice call in, one PUBLISH per department out,
//       nothing stored), until SIGTERM;
//   notifications_outside requests --out=DIR --notices=N [--departments=2]
//       the requests bench/grpc_load sends: dispatch.bin, N notices run-<k>
//       for the first --departments departments; pending.bin, the same as
//       pending-<k>; watch.bin, a WatchDispatchesRequest for fnb;
//   notifications_outside receive --redis=HOST:PORT --notices=N --first=K
//                                 --rate=R --start-at=UNIX_NANOS [--skip=S] [--departments=2]
//       subscribes to the departments' channels and takes the dispatches of
//       notices run-K … run-(K+N-1), sent by `grpc_load --rate=R
//       --start-at=UNIX_NANOS`: notice K+i was due at start + i/R. After the
//       last one (or 10 s without one) prints key=value: delivered, expected,
//       p50_ms, p99_ms (from the scheduled call to receipt, notices from
//       K+S on) and hop_p99_ms (from the PUBLISH to receipt).
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "bench/frames.h"
#include "bench/notifications_parts.h"
#include "bench/termination.h"
#include "spdlog/spdlog.h"

namespace {

using namespace atrium;  // NOLINT: a benchmark program

std::string Flag(int argc, char** argv, const std::string& name, const std::string& fallback = "") {
  const std::string prefix = "--" + name + "=";
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
  }
  return fallback;
}

long IntFlag(int argc, char** argv, const std::string& name, long fallback) {
  long v = fallback;
  const std::string s = Flag(argc, argv, name);
  if (!s.empty() && !absl::SimpleAtoi(s, &v)) {
    std::fprintf(stderr, "--%s: not a number: %s\n", name.c_str(), s.c_str());
    std::exit(2);
  }
  return v;
}

absl::StatusOr<redis::Endpoint> Redis(int argc, char** argv) {
  return redis::ParseEndpoint(Flag(argc, argv, "redis", "127.0.0.1:6379"), "--redis");
}

int Relay(int argc, char** argv) {
  auto ep = Redis(argc, argv);
  const long port = IntFlag(argc, argv, "port", 0);
  if (!ep.ok() || port <= 0) {
    std::fprintf(stderr, "usage: notifications_outside relay --redis=HOST:PORT --port=N\n");
    return 2;
  }
  const sigset_t signals = bench::BlockTermination();  // before gRPC starts its threads
  bench::Relay relay(*ep, absl::StrCat("127.0.0.1:", port));
  bench::AwaitTermination(signals);
  return 0;
}

int Requests(int argc, char** argv) {
  const std::string out = Flag(argc, argv, "out");
  const long notices = IntFlag(argc, argv, "notices", 0);
  bench::g_departments = static_cast<int>(IntFlag(argc, argv, "departments", 2));
  if (out.empty() || notices < 1 || bench::g_departments < 1 || bench::g_departments > 5) {
    std::fprintf(stderr, "usage: notifications_outside requests --out=DIR --notices=N [--departments=2]\n");
    return 2;
  }
  std::string dispatch, pending;
  for (long k = 0; k < notices; ++k) {
    bench::AppendFrame(bench::Notice(absl::StrCat("run-", k)), &dispatch);
    bench::AppendFrame(bench::Notice(absl::StrCat("pending-", k)), &pending);
  }
  bench::nv1::WatchDispatchesRequest watch;
  watch.set_department(bench::kDepartments[0]);
  watch.set_skip_catch_up(true);
  if (!bench::WriteFile(out + "/dispatch.bin", dispatch) || !bench::WriteFile(out + "/pending.bin", pending) ||
      !bench::WriteFrame(out + "/watch.bin", watch)) {
    std::fprintf(stderr, "cannot write into %s\n", out.c_str());
    return 1;
  }
  return 0;
}

int Receive(int argc, char** argv) {
  auto ep = Redis(argc, argv);
  const long notices = IntFlag(argc, argv, "notices", 0), first = IntFlag(argc, argv, "first", 0),
             skip = IntFlag(argc, argv, "skip", 0), start_ns = IntFlag(argc, argv, "start-at", 0);
  double rate = 0;
  bench::g_departments = static_cast<int>(IntFlag(argc, argv, "departments", 2));
  if (!ep.ok() || notices < 1 || first < 0 || skip < 0 || skip >= notices || start_ns <= 0 ||
      !absl::SimpleAtod(Flag(argc, argv, "rate"), &rate) || rate <= 0 || bench::g_departments < 1 ||
      bench::g_departments > 5) {
    std::fprintf(stderr,
                 "usage: notifications_outside receive --redis=HOST:PORT --notices=N --first=K --rate=R "
                 "--start-at=UNIX_NANOS [--skip=S] [--departments=2]\n");
    return 2;
  }
  const int D = bench::g_departments;
  std::vector<std::string> channels;
  for (int d = 0; d < D; ++d) {
    channels.push_back(notifications::DispatchChannel(bench::kChannelPrefix, bench::kDepartments[d]));
  }
  // Index k*D+d of the receiver is notice run-k's dispatch to department d.
  bench::Receiver rx(*ep, channels, bench::DispatchIndex, static_cast<size_t>((first + notices) * D));
  std::printf("subscribed\n");
  std::fflush(stdout);
  const long expected = notices * D;
  long seen = 0;
  absl::Time last_change = absl::Now();
  // Until every dispatch arrived, or none for 10 s after the last was due.
  const absl::Time start = absl::FromUnixNanos(start_ns);
  const absl::Time last_due = start + absl::Seconds(static_cast<double>(notices) / rate);
  while (rx.count() < expected) {
    absl::SleepFor(absl::Milliseconds(20));
    if (rx.count() != seen) {
      seen = rx.count();
      last_change = absl::Now();
    }
    if (absl::Now() > last_due && absl::Now() - std::max(last_change, last_due) > absl::Seconds(10)) break;
  }
  std::vector<double> latency;
  long delivered = 0;
  for (long i = 0; i < notices; ++i) {
    for (int d = 0; d < D; ++d) {
      const absl::Time at = rx.at((first + i) * D + d);
      if (at == absl::InfinitePast()) continue;
      ++delivered;
      if (i < skip) continue;
      latency.push_back(absl::ToDoubleMilliseconds(at - (start + absl::Seconds(static_cast<double>(i) / rate))));
    }
  }
  std::printf("delivered=%ld expected=%ld p50_ms=%.3f p99_ms=%.3f hop_p99_ms=%.3f\n", delivered, expected,
              bench::Percentile(latency, 0.5), bench::P99(latency), bench::P99(rx.hop_ms()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "relay") return Relay(argc, argv);
  if (cmd == "requests") return Requests(argc, argv);
  if (cmd == "receive") return Receive(argc, argv);
  std::fprintf(stderr, "usage: notifications_outside relay|requests|receive ... (see the source's header)\n");
  return 2;
}
