// The clients database and the requests of the outside benchmark
// (bench/outside.sh): writes `--accounts` accounts (bench/clients_data.h)
// into a new SQLite file at `--db`, and into `--out` the gRPC messages that
// h2load sends as they are on the wire (a 5-byte frame header, then the
// serialized request):
//   get.bin    GetAccountRequest for accounts/bench<accounts/2>
//   list.bin   ListAccountsRequest of a page of 50, owner kam-7 and segment it
//   empty.bin  google.protobuf.Empty, for the bare server
//
// Usage: clients_fixture --db=PATH --out=DIR [--accounts=N]
#include <cstdio>
#include <fstream>
#include <string>

#include "atrium/clients/v1/clients.pb.h"
#include "bench/clients_data.h"
#include "google/protobuf/empty.pb.h"
#include "services/clients/store.h"
#include "spdlog/spdlog.h"

namespace {

using namespace atrium;  // NOLINT: a benchmark program

bool WriteFrame(const std::string& path, const google::protobuf::Message& m) {
  const std::string body = m.SerializeAsString();
  std::string frame(5, '\0');
  const uint32_t n = static_cast<uint32_t>(body.size());
  frame[1] = static_cast<char>(n >> 24);
  frame[2] = static_cast<char>(n >> 16);
  frame[3] = static_cast<char>(n >> 8);
  frame[4] = static_cast<char>(n);
  std::ofstream out(path, std::ios::binary);
  out << frame << body;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, out;
  long accounts = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--db=", 0) == 0) db = a.substr(5);
    if (a.rfind("--out=", 0) == 0) out = a.substr(6);
    if (a.rfind("--accounts=", 0) == 0) accounts = std::stol(a.substr(11));
  }
  if (db.empty() || out.empty() || accounts < 1) {
    std::fprintf(stderr, "usage: clients_fixture --db=PATH --out=DIR [--accounts=N]\n");
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
  if (!WriteFrame(out + "/get.bin", get) || !WriteFrame(out + "/list.bin", list) ||
      !WriteFrame(out + "/empty.bin", google::protobuf::Empty())) {
    std::fprintf(stderr, "cannot write the requests into %s\n", out.c_str());
    return 1;
  }
  return 0;
}
