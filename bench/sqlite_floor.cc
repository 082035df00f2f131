// The floor under a durable CreateAccount (bench/outside.sh): a bare loop
// that inserts the very rows the service wrote — each new account with its
// activity and its request id, one transaction per account — into a copy
// of the database the service started from, so with the same schema and
// indexes, through the same group commit and fsync (common/sqlite.h), from
// as many threads as the load generator had calls in flight. No request is
// parsed, checked or answered: what is left is what any design must do to
// store the rows durably.
//
//   sqlite_floor --from=SERVICE_DB --to=FLOOR_DB [--threads=256]
//
// Takes the accounts of SERVICE_DB that FLOOR_DB does not hold yet (read
// before the clock starts), inserts them, and prints one line of key=value:
// accounts, rows, seconds, rate (accounts/s).
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db.h"
#include "services/clients/store.h"
#include "spdlog/spdlog.h"

namespace {

using namespace atrium;  // NOLINT: a benchmark program

struct Insert {
  const std::string* sql;
  std::vector<db::Arg> values;
};

// An INSERT of every column of `table`, with the column names of `st`
// after its first (the account id the row belongs to).
std::string InsertSql(const std::string& table, sqlite3_stmt* st) {
  std::vector<std::string> cols, params;
  for (int c = 1; c < sqlite3_column_count(st); ++c) {
    cols.push_back(sqlite3_column_name(st, c));
    params.push_back(absl::StrCat("$", c));
  }
  return absl::StrCat("INSERT INTO ", table, " (", absl::StrJoin(cols, ", "), ") VALUES (", absl::StrJoin(params, ", "),
                      ")");
}

db::Arg Cell(sqlite3_stmt* st, int c) {
  switch (sqlite3_column_type(st, c)) {
    case SQLITE_INTEGER: return db::Arg(static_cast<int64_t>(sqlite3_column_int64(st, c)));
    case SQLITE_NULL: return db::Arg::Null();
    case SQLITE_BLOB:
      return db::Arg::Blob(std::string(static_cast<const char*>(sqlite3_column_blob(st, c)),
                                       static_cast<size_t>(sqlite3_column_bytes(st, c))));
    default:
      return db::Arg(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c)),
                                 static_cast<size_t>(sqlite3_column_bytes(st, c))));
  }
}

// Reads the rows of each new account of `from` that `to` lacks: the
// account, its records and its request id, each table in one pass (the
// subqueries are materialised once).
bool ReadNew(const std::string& from, const std::string& to, std::vector<std::string>* sqls,
             std::vector<std::vector<Insert>>* accounts) {
  sqlite3* src = nullptr;
  if (sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return false;
  const std::string attach = absl::StrCat("ATTACH DATABASE 'file:", to, "?mode=ro' AS floor");
  bool ok = sqlite3_exec(src, attach.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  struct Pass {
    const char* table;
    const char* query;  // the account id in column 0, then the row
  };
  const Pass kPasses[] = {
      {"accounts", "SELECT id, * FROM main.accounts WHERE id NOT IN (SELECT id FROM floor.accounts) ORDER BY rowid"},
      {"children",
       "SELECT account_id, * FROM main.children WHERE name NOT IN (SELECT name FROM floor.children) ORDER BY rowid"},
      {"request_ids",
       "SELECT substr(resource_name, 10), * FROM main.request_ids WHERE resource_name LIKE 'accounts/%' AND "
       "resource_name NOT IN (SELECT resource_name FROM floor.request_ids) ORDER BY rowid"},
  };
  sqls->resize(3);                      // the inserts point into it: no growth after this
  std::map<std::string, size_t> index;  // account id -> its place in `accounts`
  for (int q = 0; q < 3 && ok; ++q) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(src, kPasses[q].query, -1, &st, nullptr) != SQLITE_OK) {
      ok = false;
      break;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      const std::string id(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      auto [it, added] = index.try_emplace(id, accounts->size());
      if (added) {
        if (q > 0) continue;  // a record of an account the floor already has
        accounts->emplace_back();
      }
      if ((*sqls)[q].empty()) (*sqls)[q] = InsertSql(kPasses[q].table, st);
      Insert in{&(*sqls)[q], {}};
      for (int c = 1; c < sqlite3_column_count(st); ++c) in.values.push_back(Cell(st, c));
      (*accounts)[it->second].push_back(std::move(in));
    }
    sqlite3_finalize(st);
  }
  if (!ok) std::fprintf(stderr, "reading %s: %s\n", from.c_str(), sqlite3_errmsg(src));
  sqlite3_close(src);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string from, to;
  int threads = 256;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--from=", 0) == 0) from = a.substr(7);
    if (a.rfind("--to=", 0) == 0) to = a.substr(5);
    if (a.rfind("--threads=", 0) == 0) threads = std::stoi(a.substr(10));
  }
  if (from.empty() || to.empty() || threads < 1 || threads > 4096) {
    std::fprintf(stderr, "usage: sqlite_floor --from=SERVICE_DB --to=FLOOR_DB [--threads=256]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  std::vector<std::string> sqls;
  std::vector<std::vector<Insert>> accounts;
  if (!ReadNew(from, to, &sqls, &accounts)) return 1;
  auto database = db::Database::OpenSqlite(to, clients::ClientsSchema(), 1);
  if (!database.ok()) {
    std::fprintf(stderr, "%s\n", std::string(database.status().message()).c_str());
    return 1;
  }
  std::atomic<size_t> next{0};
  std::atomic<long> rows{0}, failed{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t k; (k = next++) < accounts.size();) {
        absl::Status s = (*database)->Write([&](db::Tx& tx) -> absl::Status {
          for (const Insert& in : accounts[k]) {
            if (absl::Status e = tx.Exec(*in.sql, in.values); !e.ok()) return e;
          }
          return absl::OkStatus();
        });
        if (s.ok()) {
          rows += static_cast<long>(accounts[k].size());
        } else if (failed++ == 0) {
          std::fprintf(stderr, "insert failed: %s\n", std::string(s.message()).c_str());
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("accounts=%zu rows=%ld failed=%ld seconds=%.3f rate=%.0f\n", accounts.size(), rows.load(), failed.load(),
              seconds,
              seconds > 0 ? static_cast<double>(static_cast<long>(accounts.size()) - failed.load()) / seconds : 0);
  return failed == 0 ? 0 : 1;
}
