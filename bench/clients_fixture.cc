// The clients database and the requests of the outside benchmark
// (bench/outside.sh): writes `--accounts` accounts (bench/clients_data.h)
// into a new SQLite file at `--db`, and into `--out` the gRPC messages that
// h2load sends as they are on the wire (a 5-byte frame header, then the
// serialized request):
//   get.bin    GetAccountRequest for accounts/bench<accounts/2>
//   list.bin   ListAccountsRequest of a page of 50, owner kam-7 and segment it
//   search.bin ListAccountsRequest of a page of 50 whose names contain "客户12"
//   create.bin `--creates` CreateAccountRequests, each a new company with its
//              own request_id (for bench/grpc_load, which sends each once)
//   empty.bin  google.protobuf.Empty, for the bare server
//
// Usage: clients_fixture --db=PATH --out=DIR [--accounts=N] [--creates=N]
#include <cstdio>
#include <string>

#include "atrium/clients/v1/clients.pb.h"
#include "bench/clients_data.h"
#include "bench/frames.h"
#include "google/protobuf/empty.pb.h"
#include "services/clients/store.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  using namespace atrium;  // NOLINT: a benchmark program
  std::string db, out;
  long accounts = 1000, creates = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--db=", 0) == 0) db = a.substr(5);
    if (a.rfind("--out=", 0) == 0) out = a.substr(6);
    if (a.rfind("--accounts=", 0) == 0) accounts = std::stol(a.substr(11));
    if (a.rfind("--creates=", 0) == 0) creates = std::stol(a.substr(10));
  }
  if (db.empty() || out.empty() || accounts < 1 || creates < 0) {
    std::fprintf(stderr, "usage: clients_fixture --db=PATH --out=DIR [--accounts=N] [--creates=N]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  auto store = clients::ClientsStore::Of(db::Database::OpenSqlite(db, clients::ClientsSchema(), 1));
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  if (absl::Status s = bench::LoadAccounts(store->get(), accounts, absl::Now()); !s.ok()) {
    std::fprintf(stderr, "load failed: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  clients::v1::GetAccountRequest get;
  get.set_name("accounts/bench" + std::to_string(accounts / 2));
  clients::v1::ListAccountsRequest list;
  list.set_owner("kam-7");
  list.set_industry_segment(bench::Segments()[7 % bench::Segments().size()]);
  list.set_page_size(50);
  clients::v1::ListAccountsRequest search;
  search.set_query("客户12");
  search.set_page_size(50);
  // New companies as a clerk's screen sends them, none of whose names the
  // archive holds yet.
  std::string create;
  for (long i = 0; i < creates; ++i) {
    clients::v1::CreateAccountRequest req;
    req.set_request_id("bench-create-" + std::to_string(i));
    clients::v1::Account* a = req.mutable_account();
    a->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
    a->set_display_name(bench::Cities()[i % bench::Cities().size()] + "新客户" + std::to_string(i) + "有限公司");
    a->set_industry_segment(bench::Segments()[i % bench::Segments().size()]);
    a->set_owner("kam-" + std::to_string(i % 40));
    a->set_phone("021 6000 " + std::to_string(1000 + i % 9000));
    a->set_address("上海市浦东新区世纪大道 " + std::to_string(1 + i % 2000) + " 号");
    bench::AppendFrame(req, &create);
  }
  if (!bench::WriteFrame(out + "/get.bin", get) || !bench::WriteFrame(out + "/list.bin", list) ||
      !bench::WriteFrame(out + "/search.bin", search) || !bench::WriteFile(out + "/create.bin", create) ||
      !bench::WriteFrame(out + "/empty.bin", google::protobuf::Empty())) {
    std::fprintf(stderr, "cannot write the requests into %s\n", out.c_str());
    return 1;
  }
  return 0;
}
