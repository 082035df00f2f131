// Benchmark of the compliance report against a baseline measured in the
// same run (machines are noisy, so the figures that matter are ratios):
// with --years of daily forms for --points points (each with --items items,
// a failure now and then, a missed day now and then), a one-year compliance
// report for all points over gRPC, p99 — target < 100 ms — printed with the
// p99 of an empty call on the same server (the baseline) and the same
// report in-process without gRPC.
//
// The forms are loaded through the store (the report path is what is measured).
// Usage: inspections_bench [--points=50] [--years=5] [--items=6] [--samples=200]
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "atrium/bench/v1/bench.grpc.pb.h"
#include "atrium/inspections/v1/inspections.grpc.pb.h"
#include "bench/bench_util.h"
#include "common/auth.h"
#include "common/server.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "services/inspections/handler.h"
#include "services/inspections/inspections.h"
#include "services/inspections/schedule.h"
#include "services/inspections/store.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  using namespace atrium;               // NOLINT: a benchmark program
  using namespace atrium::inspections;  // NOLINT
  int points_n = 50, years = 5, items_n = 6, samples = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--points=", 0) == 0) points_n = std::stoi(a.substr(9));
    if (a.rfind("--years=", 0) == 0) years = std::stoi(a.substr(8));
    if (a.rfind("--items=", 0) == 0) items_n = std::stoi(a.substr(8));
    if (a.rfind("--samples=", 0) == 0) samples = std::stoi(a.substr(10));
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  spdlog::set_level(spdlog::level::warn);
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  const absl::CivilDay today(2026, 11, 27);
  FakeClock clock(absl::FromCivil(absl::CivilHour(today) + 20, zone));
  const absl::CivilDay first = today - 365 * years;
  const bench::ScratchDir scratch("inspections-bench");
  auto store = InspectionsStore::Of(db::Database::OpenSqlite(scratch.path() + "/i.db", InspectionsSchema(), 4));
  if (!store.ok()) return 1;

  const absl::Time t0 = absl::Now();
  long forms = 0;
  absl::Status s = (*store)->Write([&](InspectionsTx& tx) -> absl::Status {
    for (int p = 0; p < points_n; ++p) {
      v1::InspectionPoint point;
      point.set_name(absl::StrCat("points/p", p));
      point.set_display_name(absl::StrCat("Point ", p));
      point.set_window_start("08:00");
      point.set_window_end("18:00");
      for (int i = 0; i < items_n; ++i) {
        auto* item = point.add_items();
        item->set_id(absl::StrCat("item-", i));
        item->set_description(absl::StrCat("Item ", i));
      }
      point.set_responsible(absl::StrCat("person-", p % 12));
      point.set_state(v1::InspectionPoint::ACTIVE);
      *point.mutable_active_from() = ToDate(first);
      if (auto st = tx.PutPoint(absl::StrCat("p", p), point); !st.ok()) return st;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return 1;
  for (absl::CivilDay day = first; day <= today;) {
    const absl::CivilDay batch_end = std::min(today, day + 99);
    s = (*store)->Write([&](InspectionsTx& tx) -> absl::Status {
      for (absl::CivilDay d = day; d <= batch_end; ++d) {
        for (int p = 0; p < points_n; ++p) {
          const long k = (d - first) * points_n + p;
          if (k % 97 == 0) continue;  // a missed day now and then
          v1::Inspection form;
          form.set_name(absl::StrCat("points/p", p, "/inspections/", absl::FormatCivilTime(d)));
          *form.mutable_date() = ToDate(d);
          form.set_inspector("insp-bench");
          form.set_responsible_person(absl::StrCat("person-", p % 12));
          for (int i = 0; i < items_n; ++i) {
            auto* r = form.add_results();
            r->set_item(absl::StrCat("item-", i));
            r->set_meets_standard((k + i) % 23 != 0);
          }
          if (auto st = tx.InsertForm(absl::StrCat("p", p), DayKey(d), form); !st.ok()) return st;
          ++forms;
        }
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "load failed: %s\n", std::string(s.message()).c_str());
      return 1;
    }
    day = batch_end + 1;
  }
  std::printf("forms: %ld (%d points x %d years, %d items each), loaded in %.1f s\n", forms, points_n, years, items_n,
              absl::ToDoubleSeconds(absl::Now() - t0));

  InspectionsOptions options;
  options.zone = zone;
  Inspections domain(store->get(), &clock, PageTokens("bench"), options);
  const std::string key = "bench-key";
  SystemClock system_clock;
  TokenVerifier verifier(TokenAlgorithm::kHs256, key, &system_clock);
  bench::EmptyService empty;
  ServiceRunner runner("atrium.inspections.v1.InspectionsService", ServerOptions());
  InspectionsHandler handler(&domain, &verifier, runner.executor());
  runner.AddService(&handler);
  runner.AddService(&empty);
  if (!runner.Start().ok()) return 1;
  const Principal gm{"gm-bench", "Bench", Role::kGmOffice, ""};
  const std::string token = "Bearer " + *MintToken(TokenAlgorithm::kHs256, key, gm, absl::Now() + absl::Hours(2));
  auto channel = grpc::CreateChannel(runner.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::InspectionsService::NewStub(channel);
  auto empties = bench::v1::BenchService::NewStub(channel);

  // One-year periods ending on different days of the last four years.
  auto request = [&](int i) {
    v1::GetComplianceReportRequest req;
    const absl::CivilDay end = today - (i * 53) % (365 * std::max(1, years - 1));
    *req.mutable_start_date() = ToDate(end - 364);
    *req.mutable_end_date() = ToDate(end);
    if (i % 5 == 4) req.set_group_by(v1::GetComplianceReportRequest::RESPONSIBLE);
    return req;
  };
  std::vector<double> base_ms, grpc_ms, local_ms;
  long rows = 0;
  for (int i = 0; i < samples; ++i) {
    {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", token);
      google::protobuf::Empty in, out;
      const absl::Time a = absl::Now();
      (void)empties->Empty(&ctx, in, &out);
      base_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - a));
    }
    {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", token);
      v1::ComplianceReport out;
      const absl::Time a = absl::Now();
      grpc::Status st = stub->GetComplianceReport(&ctx, request(i), &out);
      grpc_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - a));
      if (!st.ok()) {
        std::fprintf(stderr, "report: %s\n", st.error_message().c_str());
        return 1;
      }
      rows += out.rows_size();
    }
    {
      const absl::Time a = absl::Now();
      auto out = domain.GetComplianceReport(gm, request(i));
      local_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - a));
      if (!out.ok()) return 1;
    }
  }
  const double base = bench::P99(base_ms), report = bench::P99(grpc_ms);
  std::printf("empty call p99:                       %8.2f ms (baseline)\n", base);
  std::printf(
      "one-year compliance report, all %d points: p99 %8.2f ms = %.1f x baseline (target < 100 ms), %ld rows "
      "per report\n",
      points_n, report, report / base, rows / samples);
  std::printf("  the same in-process, without gRPC:  p99 %8.2f ms\n", bench::P99(local_ms));
  runner.Shutdown();
  return report < 100 ? 0 : 3;
}
