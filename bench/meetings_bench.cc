// Benchmark of the function diary against a baseline measured in the same
// run (machines are noisy, so the figures that matter are ratios):
//
//   1. ceiling: an empty unary handler on the same runtime (ServiceRunner,
//      loopback, the same callers) vs CreateBooking with its conflict check,
//      with --meetings meetings and --rooms rooms in the diary — target
//      >= 30% of the ceiling;
//   2. GetAvailability for one week over all rooms, p99 — target < 10 ms.
//
// The diary is loaded through the store (the API path is what is measured).
// Usage: meetings_bench [--meetings=50000] [--rooms=200] [--seconds=5] [--threads=64] [--samples=200]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "atrium/bench/v1/bench.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "bench/bench_util.h"
#include "bench/meetings_data.h"
#include "common/auth.h"
#include "common/server.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "services/meetings/handler.h"
#include "services/meetings/meetings.h"
#include "services/meetings/store.h"
#include "spdlog/spdlog.h"

namespace {

using namespace atrium;            // NOLINT: a benchmark program
using namespace atrium::meetings;  // NOLINT

// The bench never creates meetings through the API, so no account is asked.
class NoDirectory final : public AccountDirectory {
  absl::StatusOr<AccountInfo> Lookup(const Principal&, const std::string&) override {
    return absl::UnavailableError("not used by the bench");
  }
};

}  // namespace

int main(int argc, char** argv) {
  long meetings_n = 50000;
  int rooms_n = 200, threads = 64, samples = 200;
  double seconds = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--meetings=", 0) == 0) meetings_n = std::stol(a.substr(11));
    if (a.rfind("--rooms=", 0) == 0) rooms_n = std::stoi(a.substr(8));
    if (a.rfind("--seconds=", 0) == 0) seconds = std::stod(a.substr(10));
    if (a.rfind("--threads=", 0) == 0) threads = std::stoi(a.substr(10));
    if (a.rfind("--samples=", 0) == 0) samples = std::stoi(a.substr(10));
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  const bench::ScratchDir scratch("meetings-bench");
  const std::string& dir = scratch.path();
  auto store = MeetingsStore::Of(db::Database::OpenSqlite(dir + "/m.db", MeetingsSchema(), 8));
  if (!store.ok()) return 1;
  SystemClock clock;
  NoDirectory directory;
  // The bench books from 2030 on, years past the default booking horizon.
  Policy policy;
  policy.booking_horizon = absl::Hours(24 * 366 * 50);
  Meetings meetings(store->get(), &directory, &clock, PageTokens("bench"), nullptr, policy);
  const std::string key = "bench-key";
  TokenVerifier verifier(TokenAlgorithm::kHs256, key, &clock);
  bench::EmptyService empty;
  ServiceRunner runner("atrium.meetings.v1.MeetingsService", ServerOptions());
  MeetingsHandler handler(&meetings, &verifier, runner.executor());
  runner.AddService(&handler);
  runner.AddService(&empty);
  if (!runner.Start().ok()) return 1;

  const absl::Time t0 = absl::Now();
  const absl::Time base = bench::DiaryBase();
  std::vector<std::string> plain;
  if (absl::Status s = bench::LoadDiary(store->get(), meetings_n, rooms_n, t0, &plain); !s.ok()) {
    std::fprintf(stderr, "load failed: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("diary: %ld meetings with a booking each, %d rooms, loaded in %.1f s\n", meetings_n, rooms_n,
              absl::ToDoubleSeconds(absl::Now() - t0));

  const Principal manager{"mgr-bench", "Bench", Role::kManager, ""};
  const std::string token = "Bearer " + *MintToken(TokenAlgorithm::kHs256, key, manager, absl::Now() + absl::Hours(2));
  std::vector<std::unique_ptr<v1::MeetingsService::Stub>> stubs;
  std::vector<std::unique_ptr<bench::v1::BenchService::Stub>> empties;
  for (int t = 0; t < threads; ++t) {
    grpc::ChannelArguments args;
    args.SetInt("bench_channel", t);
    auto ch = grpc::CreateCustomChannel(runner.address(), grpc::InsecureChannelCredentials(), args);
    stubs.push_back(v1::MeetingsService::NewStub(ch));
    empties.push_back(bench::v1::BenchService::NewStub(ch));
  }

  const double ceiling = bench::Throughput(threads, seconds, [&](int t, long) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", token);
    google::protobuf::Empty in, out;
    return empties[t]->Empty(&ctx, in, &out).ok();
  });
  std::printf("empty handler ceiling:   %10.0f calls/s (baseline)\n", ceiling);

  // Bookings that pass their conflict check: each caller takes its own room
  // and walks forward through free mornings from 2030 on, past the loaded
  // period (the check still searches the room's diary).
  std::atomic<long> conflicts{0}, errors{0};
  const double bookings = bench::Throughput(threads, seconds, [&](int t, long n) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", token);
    v1::CreateBookingRequest req;
    req.set_parent(absl::StrCat("meetings/m", t));
    bench::FreeSlot(plain, t, n, req.mutable_booking());
    v1::Booking out;
    grpc::Status st = stubs[t]->CreateBooking(&ctx, req, &out);
    if (st.error_code() == grpc::StatusCode::ABORTED) conflicts++;
    if (!st.ok() && st.error_code() != grpc::StatusCode::ABORTED && errors++ == 0) {
      std::fprintf(stderr, "first booking error: %s\n", st.error_message().c_str());
    }
    return st.ok();
  });
  std::printf("CreateBooking (checked): %10.0f calls/s = %.2f x ceiling (target >= 0.30), %ld conflicts, %ld errors\n",
              bookings, bookings / ceiling, conflicts.load(), errors.load());

  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", token);
    v1::GetAvailabilityRequest req;
    const absl::Time from = base + absl::Hours(24 * ((i * 37) % 820));
    *req.mutable_start_time() = ToProto(from);
    *req.mutable_end_time() = ToProto(from + absl::Hours(24 * 7));
    v1::Availability out;
    const absl::Time a = absl::Now();
    grpc::Status st = stubs[0]->GetAvailability(&ctx, req, &out);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - a));
    if (!st.ok()) std::fprintf(stderr, "availability: %s\n", st.error_message().c_str());
  }
  std::printf("availability, one week, all %d rooms: p99 %.2f ms (target < 10 ms), p50 %.2f ms\n", rooms_n,
              bench::P99(ms), bench::Percentile(ms, 0.5));
  // The same without gRPC, to show where the time goes.
  std::vector<double> direct;
  size_t holds = 0;
  for (int i = 0; i < samples; ++i) {
    v1::GetAvailabilityRequest req;
    const absl::Time from = base + absl::Hours(24 * ((i * 37) % 820));
    *req.mutable_start_time() = ToProto(from);
    *req.mutable_end_time() = ToProto(from + absl::Hours(24 * 7));
    const absl::Time a = absl::Now();
    auto out = meetings.diary().GetAvailability(manager, req);
    direct.push_back(absl::ToDoubleMilliseconds(absl::Now() - a));
    if (out.ok() && i == 0) {
      for (const auto& r : out->rooms()) holds += r.holds_size();
      std::printf("  (one week: %zu holds, %zu bytes)\n", holds, out->ByteSizeLong());
    }
  }
  std::printf("  the same in-process, without gRPC: p99 %.2f ms, p50 %.2f ms\n", bench::P99(direct),
              bench::Percentile(direct, 0.5));
  runner.Shutdown();
  return 0;
}
