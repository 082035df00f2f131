#include "common/db.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_replace.h"
#include "common/pg.h"
#include "common/sqlite.h"
#include "common/status_macros.h"

namespace atrium::db {

Arg Arg::Blob(std::string bytes) {
  Arg a;
  a.kind_ = Kind::kBlob;
  a.text_ = std::move(bytes);
  return a;
}

Arg Arg::Null() { return Arg(); }

Arg Arg::OrNull(std::string text) { return text.empty() ? Null() : Arg(std::move(text)); }

Rows::Rows() = default;
Rows::Rows(Rows&&) noexcept = default;
Rows& Rows::operator=(Rows&&) noexcept = default;
Rows::~Rows() = default;

int Rows::size() const {
  if (pg_) return pg_->rows();
  return columns_ == 0 ? 0 : static_cast<int>(cells_.size()) / columns_;
}

int64_t Rows::Int(int row, int col) const {
  if (pg_) return pg_->IsNull(row, col) ? 0 : pg_->Int(row, col);
  const Cell& c = At(row, col);
  if (c.type != Cell::kText) return c.i;
  return std::strtoll(std::string(TextOf(c)).c_str(), nullptr, 10);
}

std::string Rows::Text(int row, int col) const {
  if (pg_) return pg_->Text(row, col);
  const Cell& c = At(row, col);
  return c.type == Cell::kInt ? std::to_string(c.i) : std::string(TextOf(c));
}

std::string Rows::Bytes(int row, int col) const {
  if (pg_) return pg_->Bytes(row, col);
  return std::string(TextOf(At(row, col)));
}

bool Rows::IsNull(int row, int col) const {
  if (pg_) return pg_->IsNull(row, col);
  return At(row, col).type == Cell::kNull;
}

bool Rows::Parse(int row, int col, google::protobuf::MessageLite* message) const {
  if (pg_) return message->ParseFromString(pg_->Bytes(row, col));
  const std::string_view s = TextOf(At(row, col));
  return message->ParseFromArray(s.data(), static_cast<int>(s.size()));
}

namespace {

// Binds "$1".."$n" by name: SQLite numbers named parameters in the order
// they first appear, so the position of an argument is looked up.
void BindAll(sqlite::Statement& st, absl::Span<const Arg> args) {
  char name[24];
  for (size_t i = 0; i < args.size(); ++i) {
    snprintf(name, sizeof name, "$%zu", i + 1);
    const int index = st.ParameterIndex(name);
    if (index == 0) continue;
    const Arg& a = args[i];
    switch (a.kind()) {
      case Arg::Kind::kNull: st.BindNull(index); break;
      case Arg::Kind::kInt: st.Bind(index, a.int_value()); break;
      case Arg::Kind::kText: st.Bind(index, std::string_view(a.text())); break;
      case Arg::Kind::kBlob: st.BindBlob(index, a.text()); break;
    }
  }
}

std::vector<pg::Param> PgParams(absl::Span<const Arg> args) {
  std::vector<pg::Param> out;
  out.reserve(args.size());
  for (const Arg& a : args) {
    switch (a.kind()) {
      case Arg::Kind::kNull: out.push_back(pg::Null()); break;
      case Arg::Kind::kInt: out.push_back(pg::Int(a.int_value())); break;
      case Arg::Kind::kText: out.push_back(pg::Text(a.text())); break;
      case Arg::Kind::kBlob: out.push_back(pg::Bytes(a.text())); break;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<Rows> Tx::Query(const std::string& sql, absl::Span<const Arg> args) {
  Rows rows;
  if (pg_ != nullptr) {
    ASSIGN_OR_RETURN(auto r, pg_->Exec(sql, PgParams(args)));
    rows.pg_ = std::make_unique<pg::Result>(std::move(r));
    return rows;
  }
  sqlite::Statement& st = sqlite_->Prepare(sql);
  BindAll(st, args);
  rows.columns_ = st.ColumnCount();
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) {
      st.Reset();
      return row.status();
    }
    if (!*row) break;
    for (int c = 0; c < rows.columns_; ++c) {
      Rows::Cell& cell = rows.cells_.emplace_back();
      switch (st.ColumnType(c)) {
        case SQLITE_NULL: break;
        case SQLITE_INTEGER:
          cell.type = Rows::Cell::kInt;
          cell.i = st.Int(c);
          break;
        default: {
          const std::string_view bytes = st.Bytes(c);
          cell.type = Rows::Cell::kText;
          cell.offset = rows.bytes_.size();
          cell.size = static_cast<uint32_t>(bytes.size());  // SQLite's values stay under 2^31 bytes
          rows.bytes_.append(bytes);
          break;
        }
      }
    }
  }
  st.Reset();
  return rows;
}

absl::StatusOr<int64_t> Tx::Change(const std::string& sql, absl::Span<const Arg> args) {
  if (!writable_) return absl::InternalError("a write in a read transaction");
  if (pg_ != nullptr) {
    ASSIGN_OR_RETURN(auto r, pg_->Exec(sql, PgParams(args)));
    return r.affected();
  }
  sqlite::Statement& st = sqlite_->Prepare(sql);
  BindAll(st, args);
  absl::Status s = st.Run();
  st.Reset();
  if (!s.ok()) return s;
  return sqlite_->Changes();
}

absl::Status Tx::Exec(const std::string& sql, absl::Span<const Arg> args) { return Change(sql, args).status(); }

std::string LikeContains(std::string_view s) {
  std::string out = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

Step Both(std::string_view sql) {
  // Longest first: BIGSERIAL contains no BIGINT, but the order states intent.
  std::string lite = absl::StrReplaceAll(absl::string_view(sql.data(), sql.size()),
                                         {{"BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT"},
                                          {"BIGINT", "INTEGER"},
                                          {"BYTEA", "BLOB"},
                                          {"'\\x'", "x''"},
                                          {" COLLATE \"C\"", ""}});
  return Step{std::move(lite), std::string(sql)};
}

std::vector<std::string> Schema::For(Dialect dialect) const {
  std::vector<std::string> out;
  if (dialect == Dialect::kSqlite) {
    for (const Step& s : history) out.push_back(s.sqlite);
  } else {
    for (const std::vector<int>& took : postgres_took) {
      std::string& sql = out.emplace_back();
      for (int n : took) sql += history.at(static_cast<size_t>(n - 1)).postgres;
    }
  }
  for (const Step& s : steps) out.push_back(dialect == Dialect::kSqlite ? s.sqlite : s.postgres);
  return out;
}

const char kRequestIdsTable[] = R"sql(
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  caller TEXT NOT NULL,
  request_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  PRIMARY KEY (method, caller, request_id)
);
)sql";

const char kOutboxTable[] = R"sql(
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  peer TEXT NOT NULL,
  method TEXT NOT NULL,
  body BYTEA NOT NULL,
  label TEXT NOT NULL,
  kind INTEGER NOT NULL,
  key TEXT NOT NULL DEFAULT '',
  traceparent TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  create_micros BIGINT NOT NULL,
  next_attempt_micros BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
)sql";

const char kMarksTable[] = R"sql(
CREATE TABLE marks (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
)sql";

Step RequestIdsByCaller() {
  return Step{.sqlite = R"sql(
CREATE TABLE request_ids_by_caller (
  method TEXT NOT NULL,
  caller TEXT NOT NULL,
  request_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros INTEGER NOT NULL,
  PRIMARY KEY (method, caller, request_id)
);
INSERT INTO request_ids_by_caller(method, caller, request_id, digest, resource_name, create_micros)
  SELECT method, '', request_id, '', resource_name, create_micros FROM request_ids;
DROP TABLE request_ids;
ALTER TABLE request_ids_by_caller RENAME TO request_ids;
)sql",
              .postgres = R"sql(
ALTER TABLE request_ids ADD COLUMN caller TEXT NOT NULL DEFAULT '';
ALTER TABLE request_ids ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE request_ids DROP CONSTRAINT request_ids_pkey;
ALTER TABLE request_ids ADD PRIMARY KEY (method, caller, request_id);
)sql"};
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenSqlite(const std::string& path, const Schema& schema,
                                                               int readers) {
  auto pool = sqlite::ConnectionPool::Open(path, schema.For(Dialect::kSqlite), readers < 1 ? 1 : readers);
  if (!pool.ok()) return pool.status();
  std::unique_ptr<Database> db(new Database());
  db->sqlite_ = std::move(*pool);
  return db;
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenPostgres(const std::string& url, const Schema& schema,
                                                                 int connections) {
  auto pool = pg::Pool::Open(url, schema.For(Dialect::kPostgres), connections < 1 ? 1 : connections);
  if (!pool.ok()) return pool.status();
  std::unique_ptr<Database> db(new Database());
  db->pg_ = std::move(*pool);
  return db;
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const Config& config, const Schema& schema) {
  const bool pg = !config.String("database-url").empty();
  const char* setting = pg ? "database-url" : "db-path";
  auto db = pg ? OpenPostgres(config.String(setting), schema) : OpenSqlite(config.String(setting), schema);
  if (!db.ok()) {
    return absl::Status(db.status().code(),
                        absl::StrCat("configuration ", setting, ": ", std::string(db.status().message())));
  }
  return db;
}

Database::~Database() = default;

absl::Status Database::Write(const std::function<absl::Status(Tx&)>& fn, const std::function<void()>& committed) {
  if (sqlite_) {
    return sqlite_->Write(
        [&](sqlite::Connection& c) {
          Tx tx(c, true);
          return fn(tx);
        },
        committed);
  }
  absl::Status s = pg_->Write([&](pg::Connection& c) {
    Tx tx(c, true);
    return fn(tx);
  });
  if (s.ok() && committed) committed();
  return s;
}

absl::Status Database::Read(const std::function<absl::Status(Tx&)>& fn) {
  if (sqlite_) {
    return sqlite_->Read([&](sqlite::Connection& c) {
      Tx tx(c, false);
      return fn(tx);
    });
  }
  return pg_->Read([&](pg::Connection& c) {
    Tx tx(c, false);
    return fn(tx);
  });
}

absl::Status Database::Ping() { return sqlite_ ? sqlite_->Ping() : pg_->Ping(); }

absl::StatusOr<std::optional<RememberedRequest>> TxBase::LookupRequest(const RequestKey& key) {
  auto r =
      tx_.Query("SELECT resource_name, digest FROM request_ids WHERE method = $1 AND caller = $2 AND request_id = $3",
                {key.method, key.caller, key.request_id});
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<RememberedRequest>();
  return std::optional<RememberedRequest>(RememberedRequest{r->Text(0, 0), r->Text(0, 1)});
}

absl::Status TxBase::RememberRequest(const RequestKey& key, const std::string& resource_name, int64_t now_micros) {
  return tx_.Exec(
      "INSERT INTO request_ids(method, caller, request_id, digest, resource_name, create_micros)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {key.method, key.caller, key.request_id, key.digest, resource_name, now_micros});
}

absl::Status TxBase::AddOutbox(const OutboxMessage& m, int64_t now_micros) {
  return tx_.Exec(
      "INSERT INTO outbox(peer, method, body, label, kind, key, traceparent, create_micros, next_attempt_micros)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
      {m.peer, m.method, Arg::Blob(m.body), m.label, m.kind, m.key, m.traceparent, now_micros});
}

absl::StatusOr<std::vector<OutboxMessage>> TxBase::DueOutbox(int64_t now_micros, int limit) {
  auto r = tx_.Query(
      "SELECT id, peer, method, body, label, kind, key, traceparent, attempts FROM outbox"
      " WHERE next_attempt_micros <= $1 ORDER BY id LIMIT $2",
      {now_micros, limit});
  if (!r.ok()) return r.status();
  std::vector<OutboxMessage> out(static_cast<size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) {
    OutboxMessage& m = out[static_cast<size_t>(i)];
    m.id = r->Int(i, 0);
    m.peer = r->Text(i, 1);
    m.method = r->Text(i, 2);
    m.body = r->Bytes(i, 3);
    m.label = r->Text(i, 4);
    m.kind = static_cast<int>(r->Int(i, 5));
    m.key = r->Text(i, 6);
    m.traceparent = r->Text(i, 7);
    m.attempts = static_cast<int>(r->Int(i, 8));
  }
  return out;
}

absl::Status TxBase::DeleteOutbox(int64_t id) { return tx_.Exec("DELETE FROM outbox WHERE id = $1", {id}); }

absl::Status TxBase::RetryOutbox(int64_t id, int64_t next_attempt_micros) {
  return tx_.Exec("UPDATE outbox SET attempts = attempts + 1, next_attempt_micros = $1 WHERE id = $2",
                  {next_attempt_micros, id});
}

absl::StatusOr<std::pair<int64_t, int64_t>> TxBase::OutboxDepth() {
  ASSIGN_OR_RETURN(auto r, tx_.Query("SELECT COUNT(*), COALESCE(MIN(create_micros), 0) FROM outbox"));
  return std::make_pair(r.Int(0, 0), r.Int(0, 1));
}

absl::StatusOr<std::optional<int64_t>> TxBase::GetMark(const std::string& name) {
  auto r = tx_.Query("SELECT value FROM marks WHERE name = $1", {name});
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(r->Int(0, 0));
}

absl::Status TxBase::SetMark(const std::string& name, int64_t value) {
  return tx_.Exec("INSERT INTO marks(name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $2",
                  {name, value});
}

}  // namespace atrium::db
