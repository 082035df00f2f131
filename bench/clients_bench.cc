// Benchmark of the clients service against a baseline measured in the same
// run (machines are noisy, so the figures that matter are ratios):
//
//   1. ceiling: an empty unary handler on the same runtime (ServiceRunner,
//      loopback, same client load, 64 callers by default) vs GetAccount — target >= 50%;
//   2. CreateAccount, durable (synchronous=FULL), with concurrent callers —
//      target >= 3,000/s; printed with its ratio to the ceiling;
//   3. with N accounts loaded (default 1,000,000): a filtered List page and a
//      name search, p99 — target < 20 ms each; resident memory of the process.
//
// Usage: clients_bench [--accounts=N] [--seconds=S] [--threads=T] [--samples=K]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "atrium/bench/v1/bench.grpc.pb.h"
#include "atrium/clients/v1/clients.grpc.pb.h"
#include "bench/bench_util.h"
#include "bench/clients_data.h"
#include "common/auth.h"
#include "common/server.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "services/clients/archive.h"
#include "services/clients/handler.h"
#include "services/clients/store.h"
#include "spdlog/spdlog.h"

namespace {

using namespace atrium;           // NOLINT: a benchmark program
using namespace atrium::clients;  // NOLINT

}  // namespace

int main(int argc, char** argv) {
  long accounts = 1'000'000;
  double seconds = 3;
  int threads = 64;  // "many concurrent calls"; also what lets group commit batch
  int samples = 200;
  int workers = ServerOptions().workers;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--accounts=", 0) == 0) accounts = std::stol(a.substr(11));
    if (a.rfind("--seconds=", 0) == 0) seconds = std::stod(a.substr(10));
    if (a.rfind("--threads=", 0) == 0) threads = std::stoi(a.substr(10));
    if (a.rfind("--samples=", 0) == 0) samples = std::stoi(a.substr(10));
    if (a.rfind("--workers=", 0) == 0) workers = std::stoi(a.substr(10));
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  spdlog::set_level(spdlog::level::warn);
  const bench::ScratchDir scratch("clients-bench");
  const std::string& dir = scratch.path();
  const std::string key = "bench-key";
  SystemClock clock;
  auto store = ClientsStore::Of(db::Database::OpenSqlite(dir + "/clients.db", ClientsSchema(), 8));
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  TokenVerifier verifier(TokenAlgorithm::kHs256, key, &clock);
  absl::TimeZone zone = absl::UTCTimeZone();
  Archive archive(store->get(), &clock, PageTokens("bench"), zone);
  bench::EmptyService empty;
  ServerOptions options;
  options.workers = workers;
  ServiceRunner runner("atrium.clients.v1.ClientsService", options);
  ClientsHandler handler(&archive, &verifier, runner.executor());
  runner.AddService(&handler);
  runner.AddService(&empty);
  if (!runner.Start().ok()) return 1;

  const Principal kam{"kam-bench", "Bench", Role::kKeyAccountManager, ""};
  const std::string token = "Bearer " + *MintToken(TokenAlgorithm::kHs256, key, kam, absl::Now() + absl::Hours(2));
  std::vector<std::unique_ptr<v1::ClientsService::Stub>> stubs;
  std::vector<std::unique_ptr<bench::v1::BenchService::Stub>> empties;
  for (int t = 0; t < threads; ++t) {
    grpc::ChannelArguments args;
    args.SetInt("bench_channel", t);  // distinct channels, distinct connections
    auto ch = grpc::CreateCustomChannel(runner.address(), grpc::InsecureChannelCredentials(), args);
    stubs.push_back(v1::ClientsService::NewStub(ch));
    empties.push_back(bench::v1::BenchService::NewStub(ch));
  }

  // 1. Ceiling vs GetAccount.
  v1::Account seed;
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", token);
    v1::CreateAccountRequest req;
    req.mutable_account()->set_kind(v1::ACCOUNT_KIND_COMPANY);
    req.mutable_account()->set_display_name("Bench seed account");
    if (!stubs[0]->CreateAccount(&ctx, req, &seed).ok()) return 1;
  }
  // The load: `threads` calls in flight at all times over as many channels,
  // through gRPC's callback API (no thread per caller).
  auto with_token = [&](grpc::ClientContext& ctx) { ctx.AddMetadata("authorization", token); };
  const double ceiling = bench::AsyncThroughput(threads, seconds, [&](int t, long, std::function<void(bool)> done) {
    bench::StartUnary<google::protobuf::Empty, google::protobuf::Empty>(
        [&](grpc::ClientContext& ctx, google::protobuf::Empty&) { with_token(ctx); },
        [&](auto* ctx, auto* req, auto* resp, auto cb) { empties[t]->async()->Empty(ctx, req, resp, std::move(cb)); },
        std::move(done));
  });
  const double get = bench::AsyncThroughput(threads, seconds, [&](int t, long, std::function<void(bool)> done) {
    bench::StartUnary<v1::GetAccountRequest, v1::Account>(
        [&](grpc::ClientContext& ctx, v1::GetAccountRequest& req) {
          with_token(ctx);
          req.set_name(seed.name());
        },
        [&](auto* ctx, auto* req, auto* resp, auto cb) {
          stubs[t]->async()->GetAccount(ctx, req, resp, std::move(cb));
        },
        std::move(done));
  });
  std::printf("empty handler ceiling:   %10.0f calls/s (baseline)\n", ceiling);
  std::printf("GetAccount:              %10.0f calls/s = %.2f x ceiling (target >= 0.50)\n", get, get / ceiling);

  // 2. Durable creates.
  std::atomic<long> errors{0};
  const double create = bench::AsyncThroughput(threads, seconds, [&](int t, long n, std::function<void(bool)> done) {
    bench::StartUnary<v1::CreateAccountRequest, v1::Account>(
        [&](grpc::ClientContext& ctx, v1::CreateAccountRequest& req) {
          with_token(ctx);
          req.mutable_account()->set_kind(v1::ACCOUNT_KIND_COMPANY);
          req.mutable_account()->set_display_name("Create bench t" + std::to_string(t) + " n" + std::to_string(n));
        },
        [&](auto* ctx, auto* req, auto* resp, auto cb) {
          stubs[t]->async()->CreateAccount(ctx, req, resp, std::move(cb));
        },
        [&errors, done = std::move(done)](bool ok) {
          if (!ok) errors++;
          done(ok);
        });
  });
  std::printf("CreateAccount (fsync):   %10.0f calls/s = %.3f x ceiling (target >= 3000/s), %ld errors\n", create,
              create / ceiling, errors.load());

  // 3. A large archive: bulk-load through the store (the API path is measured above).
  const absl::Time t0 = absl::Now();
  if (absl::Status s = bench::LoadAccounts(store->get(), accounts, t0); !s.ok()) {
    std::fprintf(stderr, "load failed: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("loaded %ld accounts in %.1f s\n", accounts, absl::ToDoubleSeconds(absl::Now() - t0));

  auto measure = [&](const char* label, const std::function<void(v1::ListAccountsRequest&, int)>& fill) {
    std::vector<double> ms;
    for (int i = 0; i < samples; ++i) {
      v1::ListAccountsRequest req;
      req.set_page_size(50);
      fill(req, i);
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", token);
      v1::ListAccountsResponse resp;
      const absl::Time s = absl::Now();
      grpc::Status st = stubs[0]->ListAccounts(&ctx, req, &resp);
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - s));
      if (!st.ok()) std::fprintf(stderr, "%s: %s\n", label, st.error_message().c_str());
    }
    std::printf("%-24s p99 %7.2f ms (target < 20 ms)\n", label, bench::P99(ms));
  };
  measure("filtered List page:", [&](v1::ListAccountsRequest& r, int i) {
    r.set_owner("kam-" + std::to_string(i % 40));
    r.set_industry_segment(bench::Segments()[i % bench::Segments().size()]);
  });
  measure("name search:", [&](v1::ListAccountsRequest& r, int i) {
    r.set_query(bench::Cities()[i % bench::Cities().size()] + "客户" + std::to_string(1000 + i * 7));
  });
  std::printf("resident memory: %.1f MB (service and load generator in one process; target < 200 MB)\n",
              bench::RssKb() / 1024.0);
  runner.Shutdown();
  return 0;
}
