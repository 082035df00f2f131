// The client of the sales benchmark (bench/sales.sh): one call at a time
// over gRPC to the running sales service, alternating in rounds between an
// empty call (GetWorkCalendar: one small row, the token checked), the
// monthly pack of last month (GetMonthlyPack: eight calls to the clients and
// meetings services) and a daily report's draft (DraftDailyReport of a KAM
// and a working day of the last four weeks: two calls to the peers and one
// write). Prints each call's p50 and p99 and their ratio to the empty
// call's; a call that is not OK stops the run (exit status 1).
//
// Usage: sales_load --addr=HOST:PORT --token=JWT [--kams=30] [--rounds=5] [--packs=20] [--drafts=100] [--empties=100]
#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atrium/sales/v1/sales.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace {

using atrium::sales::v1::SalesService;

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  std::string addr, token;
  int kams = 30, rounds = 5, packs = 20, drafts = 100, empties = 100;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) { return a.substr(std::string(name).size()); };
    if (a.rfind("--addr=", 0) == 0) addr = value("--addr=");
    if (a.rfind("--token=", 0) == 0) token = value("--token=");
    if (a.rfind("--kams=", 0) == 0) kams = std::stoi(value("--kams="));
    if (a.rfind("--rounds=", 0) == 0) rounds = std::stoi(value("--rounds="));
    if (a.rfind("--packs=", 0) == 0) packs = std::stoi(value("--packs="));
    if (a.rfind("--drafts=", 0) == 0) drafts = std::stoi(value("--drafts="));
    if (a.rfind("--empties=", 0) == 0) empties = std::stoi(value("--empties="));
  }
  if (addr.empty() || token.empty() || kams < 1 || rounds < 1 || packs < 1 || drafts < 1 || empties < 1) {
    std::fprintf(stderr,
                 "usage: sales_load --addr=HOST:PORT --token=JWT [--kams=30] [--rounds=5] [--packs=20] "
                 "[--drafts=100] [--empties=100]\n");
    return 2;
  }
  auto stub = SalesService::NewStub(grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()));
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), zone);
  const absl::CivilMonth last_month = absl::CivilMonth(today) - 1;
  std::vector<absl::CivilDay> days;  // working days of the last four weeks
  for (absl::CivilDay d = today - 28; d < today; ++d) {
    const absl::Weekday w = absl::GetWeekday(d);
    if (w != absl::Weekday::saturday && w != absl::Weekday::sunday) days.push_back(d);
  }

  // One call, timed; false when it is not OK.
  auto timed = [&](const std::function<grpc::Status(grpc::ClientContext*)>& call, std::vector<double>* into) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    ctx.AddMetadata("authorization", "Bearer " + token);
    const absl::Time start = absl::Now();
    const grpc::Status s = call(&ctx);
    into->push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (!s.ok()) std::fprintf(stderr, "call failed: %d %s\n", s.error_code(), s.error_message().c_str());
    return s.ok();
  };
  std::vector<double> empty_ms, pack_ms, draft_ms;
  long n = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < empties; ++i) {
      atrium::sales::v1::GetWorkCalendarRequest req;
      atrium::sales::v1::WorkCalendar out;
      if (!timed([&](grpc::ClientContext* c) { return stub->GetWorkCalendar(c, req, &out); }, &empty_ms)) return 1;
    }
    for (int i = 0; i < packs; ++i) {
      atrium::sales::v1::GetMonthlyPackRequest req;
      req.mutable_month()->set_year(static_cast<int32_t>(last_month.year()));
      req.mutable_month()->set_month(last_month.month());
      atrium::sales::v1::MonthlyPack out;
      if (!timed([&](grpc::ClientContext* c) { return stub->GetMonthlyPack(c, req, &out); }, &pack_ms)) return 1;
      if (round == 0 && i == 0) {
        std::printf("pack of %04d-%02d: %d attainment lines, %d conversion lines, %d receivables, %zu bytes\n",
                    static_cast<int>(last_month.year()), last_month.month(), out.attainment_size(),
                    out.conversion_size(), out.receivables_size(), out.ByteSizeLong());
      }
    }
    for (int i = 0; i < drafts; ++i, ++n) {
      atrium::sales::v1::DraftDailyReportRequest req;
      req.set_parent("kams/kam-" + std::to_string(n % kams));
      const absl::CivilDay d = days[static_cast<size_t>(n / kams) % days.size()];
      req.mutable_date()->set_year(static_cast<int32_t>(d.year()));
      req.mutable_date()->set_month(d.month());
      req.mutable_date()->set_day(d.day());
      atrium::sales::v1::DailyReport out;
      if (!timed([&](grpc::ClientContext* c) { return stub->DraftDailyReport(c, req, &out); }, &draft_ms)) return 1;
    }
    std::printf("round %d: empty p50 %.2f ms, pack p50 %.1f ms, draft p50 %.2f ms\n", round + 1,
                Percentile(empty_ms, 0.5), Percentile(pack_ms, 0.5), Percentile(draft_ms, 0.5));
  }
  const double empty99 = Percentile(empty_ms, 0.99);
  std::printf("\n%-34s %8s %10s %10s %14s\n", "call (one at a time)", "calls", "p50 ms", "p99 ms", "p99 / empty");
  auto line = [&](const char* what, const std::vector<double>& v, const char* target) {
    std::printf("%-34s %8zu %10.2f %10.2f %13.1fx  %s\n", what, v.size(), Percentile(v, 0.5), Percentile(v, 0.99),
                Percentile(v, 0.99) / empty99, target);
  };
  line("empty (GetWorkCalendar)", empty_ms, "");
  line("monthly pack (GetMonthlyPack)", pack_ms, "target p99 < 200 ms");
  line("daily draft (DraftDailyReport)", draft_ms, "target p99 < 20 ms");
  return 0;
}
