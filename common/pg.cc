#include "common/pg.h"

#include <libpq-fe.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "spdlog/spdlog.h"

namespace atrium::pg {
namespace {

constexpr char kConflictPayload[] = "atrium.pg/conflict";

absl::Status ErrorOf(pg_conn* c, pg_result* r, const std::string& sql) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state != nullptr ? state : "";
  const std::string message = r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(c);
  if (code == "40001" || code == "40P01" || code == "23505") {
    absl::Status s = absl::AbortedError(absl::StrCat("concurrent transaction (", code, ")"));
    s.SetPayload(kConflictPayload, absl::Cord(code));
    return s;
  }
  if (PQstatus(c) != CONNECTION_OK) return absl::UnavailableError(absl::StrCat("database connection lost: ", message));
  spdlog::error("SQL failed ({}): {} in {}", code, message, sql.substr(0, 120));
  return StorageError("a database statement failed");
}

}  // namespace

bool IsConflict(const absl::Status& s) { return s.GetPayload(kConflictPayload).has_value(); }

Result::~Result() {
  if (r_ != nullptr) PQclear(r_);
}
int Result::rows() const { return PQntuples(r_); }
std::string Result::Text(int row, int col) const { return PQgetvalue(r_, row, col); }
int64_t Result::Int(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
bool Result::IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
int Result::columns() const { return PQnfields(r_); }
int64_t Result::affected() const { return std::strtoll(PQcmdTuples(r_), nullptr, 10); }
std::string Result::Bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col)), &n);
  if (raw == nullptr) return "";
  std::string out(reinterpret_cast<char*>(raw), n);
  PQfreemem(raw);
  return out;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  pg_conn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string message = PQerrorMessage(c);
    PQfinish(c);
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", message));
  }
  return std::unique_ptr<Connection>(new Connection(c));
}

Connection::~Connection() { PQfinish(c_); }

bool Connection::broken() const { return PQstatus(c_) != CONNECTION_OK; }

absl::StatusOr<Result> Connection::Exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const Param& p : params) {
    values.push_back(p.null ? nullptr : p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  pg_result* r = PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                              formats.data(), 0);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    absl::Status s = ErrorOf(c_, r, sql);
    PQclear(r);
    return s;
  }
  return Result(r);
}

absl::Status Connection::ExecScript(const std::string& sql) {
  pg_result* r = PQexec(c_, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  absl::Status s = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? absl::OkStatus() : ErrorOf(c_, r, sql);
  PQclear(r);
  return s;
}

absl::StatusOr<std::unique_ptr<Pool>> Pool::Open(const std::string& url, const Migrations& migrations, int size) {
  std::unique_ptr<Pool> pool(new Pool());
  pool->url_ = url;
  ASSIGN_OR_RETURN(auto c, Connection::Open(url));
  // Migrations, once, whoever starts first.
  absl::Status s = [&]() -> absl::Status {
    if (auto r = (c)->Exec("BEGIN"); !r.ok()) return r.status();
    if (auto r = (c)->Exec("SELECT pg_advisory_xact_lock(7478246)"); !r.ok()) return r.status();
    if (auto r = (c)->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"); !r.ok()) {
      return r.status();
    }
    ASSIGN_OR_RETURN(auto v, (c)->Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    const int64_t current = v.Int(0, 0);
    if (current > static_cast<int64_t>(migrations.size())) {
      return absl::FailedPreconditionError(absl::StrCat("the database is at schema version ", current,
                                                        ", newer than this binary knows (", migrations.size(), ")"));
    }
    for (size_t i = static_cast<size_t>(current); i < migrations.size(); ++i) {
      RETURN_IF_ERROR((c)->ExecScript(migrations[i]));
      if (auto r = (c)->Exec("INSERT INTO schema_migrations(version) VALUES ($1)", {Int(static_cast<int64_t>(i + 1))});
          !r.ok()) {
        return r.status();
      }
      spdlog::info("applied migration {} to the PostgreSQL database", i + 1);
    }
    auto done = (c)->Exec("COMMIT");
    return done.status();
  }();
  if (!s.ok()) return s;
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(std::move(c));
  for (int i = 1; i < size; ++i) {
    ASSIGN_OR_RETURN(auto more, Connection::Open(url));
    pool->idle_.push_back(std::move(more));
  }
  return pool;
}

absl::StatusOr<std::unique_ptr<Connection>> Pool::Take() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (!c->broken()) return c;
    }
  }
  return Connection::Open(url_);
}

void Pool::Give(std::unique_ptr<Connection> c) {
  if (c->broken()) return;
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(c));
}

absl::Status Pool::Run(const char* begin, const std::function<absl::Status(Connection&)>& fn, bool retry) {
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(auto c, Take());
    absl::Status s = (c)->Exec(begin).status();
    if (s.ok()) s = fn(*c);
    if (s.ok()) {
      s = (c)->Exec("COMMIT").status();
    } else {
      (void)(c)->Exec("ROLLBACK");
    }
    Give(std::move(c));
    if (!retry || !IsConflict(s) || attempt >= 20) return s;
    absl::SleepFor(absl::Milliseconds(1 + attempt * 2));
  }
}

absl::Status Pool::Write(const std::function<absl::Status(Connection&)>& fn) {
  return Run("BEGIN ISOLATION LEVEL SERIALIZABLE", fn, true);
}

absl::Status Pool::Read(const std::function<absl::Status(Connection&)>& fn) {
  return Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn, false);
}

absl::Status Pool::Ping() {
  return Read([](Connection& c) { return c.Exec("SELECT 1").status(); });
}

}  // namespace atrium::pg
