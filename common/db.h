// The storage layer every service's store is written on: one database,
// SQLite (the default, embedded) or PostgreSQL (replicas), behind one
// transaction type, so that a service writes each query once.
//
// Queries are written in the dialect both share, with PostgreSQL's numbered
// parameters ($1, $2 …; SQLite binds them by name). Where the two really
// differ (name search through FTS5 or pg_trgm, SQLite's implicit rowids),
// a store asks tx.dialect() and keeps both spellings side by side.
//
// Schemas are declared once too (Schema), in PostgreSQL's types; for SQLite,
// BYTEA reads BLOB, BIGINT INTEGER, BIGSERIAL PRIMARY KEY an AUTOINCREMENT
// rowid, '\x' (no bytes) x'', and COLLATE "C" (byte order, SQLite's own) is
// dropped. The steps databases took before are kept (so that every existing
// one upgrades), written once as well: PostgreSQL took some of SQLite's
// together, and Schema says which.
//
// What the backends guarantee stays theirs (common/sqlite.h: group commit,
// pipelined fsync and its failure handling; common/pg.h: SERIALIZABLE
// retries, advisory-locked migrations). What every store keeps the same way
// lives here once: request ids (common/request_ids.h), the outbox
// (common/outbox.h) and marks, through TxBase.
//
//   auto db = db::Database::Open(config, MeetingsSchema());
//   (*db)->Write([&](db::Tx& tx) -> absl::Status {
//     auto rows = tx.Query("SELECT data FROM meetings WHERE id = $1", {id});
//     ...
//     return tx.Exec("UPDATE meetings SET state = $1 WHERE id = $2", {state, id});
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/config.h"
#include "common/outbox.h"
#include "common/request_ids.h"

namespace atrium::sqlite {
class Connection;
class ConnectionPool;
}  // namespace atrium::sqlite
namespace atrium::pg {
class Connection;
class Pool;
class Result;
}  // namespace atrium::pg

namespace atrium::db {

enum class Dialect { kSqlite, kPostgres };

// A value bound to a parameter: an integer (any integral or enum type), a
// text, a blob or NULL.
class Arg {
 public:
  enum class Kind { kNull, kInt, kText, kBlob };
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>>>
  Arg(T v) : kind_(Kind::kInt), int_(static_cast<int64_t>(v)) {}         // NOLINT: implicit by design
  Arg(std::string text) : kind_(Kind::kText), text_(std::move(text)) {}  // NOLINT
  Arg(std::string_view text) : kind_(Kind::kText), text_(text) {}        // NOLINT
  Arg(const char* text) : kind_(Kind::kText), text_(text) {}             // NOLINT
  static Arg Blob(std::string bytes);
  static Arg Null();
  // NULL for an empty text (optional unique columns).
  static Arg OrNull(std::string text);

  Kind kind() const { return kind_; }
  int64_t int_value() const { return int_; }
  const std::string& text() const { return text_; }

 private:
  Arg() = default;
  Kind kind_ = Kind::kNull;
  int64_t int_ = 0;
  std::string text_;
};

// The rows a query returned, read by (row, column). A NULL reads as 0 or "".
class Rows final {
 public:
  Rows();
  Rows(Rows&&) noexcept;
  Rows& operator=(Rows&&) noexcept;
  ~Rows();

  int size() const;
  bool empty() const { return size() == 0; }
  int64_t Int(int row, int col) const;
  std::string Text(int row, int col) const;
  // A BLOB / BYTEA column.
  std::string Bytes(int row, int col) const;
  bool IsNull(int row, int col) const;
  // Parses the message stored in (row, col); false when it does not parse.
  bool Parse(int row, int col, google::protobuf::MessageLite* message) const;

 private:
  friend class Tx;
  // SQLite's values are copied out as the statement steps: integers in
  // their cell, text and blobs one after another in `bytes_` (a cell is
  // then plain data, and a large result grows without copying strings).
  struct Cell {
    int64_t i = 0;
    size_t offset = 0;  // of the text in bytes_
    uint32_t size = 0;
    enum : uint8_t { kNull, kInt, kText } type = kNull;
  };
  int columns_ = 0;
  std::vector<Cell> cells_;
  std::string bytes_;
  std::unique_ptr<pg::Result> pg_;  // PostgreSQL: the result as libpq holds it
  const Cell& At(int row, int col) const { return cells_[static_cast<size_t>(row) * columns_ + col]; }
  std::string_view TextOf(const Cell& c) const { return std::string_view(bytes_).substr(c.offset, c.size); }
};

// One transaction (see Database::Write and Read).
class Tx {
 public:
  Tx(sqlite::Connection& c, bool writable) : sqlite_(&c), writable_(writable) {}
  Tx(pg::Connection& c, bool writable) : pg_(&c), writable_(writable) {}
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  Dialect dialect() const { return sqlite_ != nullptr ? Dialect::kSqlite : Dialect::kPostgres; }
  bool writable() const { return writable_; }

  // A statement that returns rows.
  absl::StatusOr<Rows> Query(const std::string& sql, absl::Span<const Arg> args = {});
  // A statement that changes rows; INTERNAL in a read transaction. Returns
  // how many rows it changed.
  absl::StatusOr<int64_t> Change(const std::string& sql, absl::Span<const Arg> args = {});
  // The same without the count.
  absl::Status Exec(const std::string& sql, absl::Span<const Arg> args = {});

  // The connections underneath, for the backend's own facilities.
  sqlite::Connection* sqlite_connection() { return sqlite_; }
  pg::Connection* pg_connection() { return pg_; }

 private:
  sqlite::Connection* sqlite_ = nullptr;
  pg::Connection* pg_ = nullptr;
  bool writable_;
};

// Parameters collected while a query is built: Add returns the "$n" to
// write in its place.
//
//   db::Params p;
//   std::string sql = "SELECT data FROM accounts WHERE state = " + p.Add(state);
//   if (!owner.empty()) sql += " AND owner = " + p.Add(owner);
//   auto rows = tx.Query(sql, p.args());
class Params {
 public:
  std::string Add(Arg a) {
    args_.push_back(std::move(a));
    return absl::StrCat("$", args_.size());
  }
  const std::vector<Arg>& args() const { return args_; }

 private:
  std::vector<Arg> args_;
};

// Escapes LIKE wildcards; the pattern is to be used with ESCAPE '\'.
std::string LikeContains(std::string_view s);

// The protobuf messages stored in column `col` of each row; DATA_LOSS naming
// `what` when one does not parse.
template <typename T>
absl::StatusOr<std::vector<T>> Messages(const absl::StatusOr<Rows>& rows, const char* what, int col = 0) {
  if (!rows.ok()) return rows.status();
  std::vector<T> out(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) {
    if (!rows->Parse(i, col, &out[static_cast<size_t>(i)])) {
      return absl::DataLossError(absl::StrCat("a stored ", what, " is corrupt"));
    }
  }
  return out;
}

// The first of them, if any.
template <typename T>
absl::StatusOr<std::optional<T>> Message(const absl::StatusOr<Rows>& rows, const char* what, int col = 0) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<T>();
  T m;
  if (!rows->Parse(0, col, &m)) return absl::DataLossError(absl::StrCat("a stored ", what, " is corrupt"));
  return std::optional<T>(std::move(m));
}

// A step of a schema: the same for both backends (Both) or spelled for each.
struct Step {
  std::string sqlite;
  std::string postgres;
};
// `sql` in PostgreSQL's types, for both (SQLite's spelling derived, see above).
Step Both(std::string_view sql);

struct Schema {
  // The steps SQLite databases took before the schema was declared once, in
  // their order, each spelled for both (an existing database has counted
  // them).
  std::vector<Step> history;
  // How PostgreSQL databases took the same: each of their steps applied these
  // steps of `history` (numbered from 1) together. An existing database has
  // counted these.
  std::vector<std::vector<int>> postgres_took;
  // Then, for both, in order.
  std::vector<Step> steps;

  // Every step as `dialect` applies it.
  std::vector<std::string> For(Dialect dialect) const;
};

// The standard tables every store may declare in its steps (request ids
// scoped to their caller, the outbox, marks).
extern const char kRequestIdsTable[];
extern const char kOutboxTable[];
extern const char kMarksTable[];
// The step that scoped request ids to their caller, with the digest of the
// request that used them, in the history of the stores that had them before
// (SQLite rebuilds the table, since the primary key changes). Ids recorded
// before have no caller, so no caller's key reaches them: a retry sent
// across this upgrade creates anew.
Step RequestIdsByCaller();

class Database final {
 public:
  // SQLite at `path` with `readers` read connections.
  static absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const Schema& schema,
                                                              int readers = 4);
  // PostgreSQL at `url` with a pool of `connections`.
  static absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& url, const Schema& schema,
                                                                int connections = 4);
  // From the configuration: PostgreSQL when `database-url` is set, else the
  // SQLite file at `db-path`; an error names the setting at fault.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const Config& config, const Schema& schema);
  ~Database();

  Dialect dialect() const { return sqlite_ != nullptr ? Dialect::kSqlite : Dialect::kPostgres; }

  // All changes of `fn` commit together when it returns OK, none otherwise;
  // OK means they are durable. `committed`, when given, runs once they are
  // committed and safe from a crash of the process (SQLite: before the WAL
  // is synced, in commit order; PostgreSQL: when the commit returns). Not
  // run if `fn` fails.
  absl::Status Write(const std::function<absl::Status(Tx&)>& fn, const std::function<void()>& committed = nullptr);
  // A consistent snapshot; writes through it are refused.
  absl::Status Read(const std::function<absl::Status(Tx&)>& fn);
  absl::Status Ping();

 private:
  Database() = default;
  std::unique_ptr<sqlite::ConnectionPool> sqlite_;
  std::unique_ptr<pg::Pool> pg_;
};

// What every service's transaction does the same way, written once: a
// service's own transaction type derives from it and adds its queries.
class TxBase {
 public:
  explicit TxBase(Tx& tx) : tx_(tx) {}

  // Idempotency keys (common/request_ids.h), in kRequestIdsTable.
  absl::StatusOr<std::optional<RememberedRequest>> LookupRequest(const RequestKey& key);
  absl::Status RememberRequest(const RequestKey& key, const std::string& resource_name, int64_t now_micros);

  // The outbox (common/outbox.h), in kOutboxTable: AddOutbox runs in the
  // transaction of the change that causes the message.
  absl::Status AddOutbox(const OutboxMessage& message, int64_t now_micros);
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now_micros, int limit);
  absl::Status DeleteOutbox(int64_t id);
  absl::Status RetryOutbox(int64_t id, int64_t next_attempt_micros);
  // (messages waiting, create time of the oldest or 0).
  absl::StatusOr<std::pair<int64_t, int64_t>> OutboxDepth();

  // A named point the service has dealt with everything up to (kMarksTable);
  // nullopt if never set.
  absl::StatusOr<std::optional<int64_t>> GetMark(const std::string& name);
  absl::Status SetMark(const std::string& name, int64_t value);

  Tx& db() { return tx_; }

 protected:
  Tx& tx_;
};

// A service's store: the database, with the service's transaction type
// built on each transaction.
template <typename ServiceTx>
class Store {
 public:
  explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  static absl::StatusOr<std::unique_ptr<Store>> Of(absl::StatusOr<std::unique_ptr<Database>> db) {
    if (!db.ok()) return db.status();
    return std::make_unique<Store>(std::move(*db));
  }

  absl::Status Write(const std::function<absl::Status(ServiceTx&)>& fn,
                     const std::function<void()>& committed = nullptr) {
    return db_->Write(
        [&](Tx& t) {
          ServiceTx tx(t);
          return fn(tx);
        },
        committed);
  }
  absl::Status Read(const std::function<absl::Status(ServiceTx&)>& fn) {
    return db_->Read([&](Tx& t) {
      ServiceTx tx(t);
      return fn(tx);
    });
  }
  // The same for a transaction that makes the value the caller returns:
  // the value of the run that committed, or the error (nothing changed).
  //
  //   return store_->Write<Room>([&](MeetingsTx& tx) -> absl::StatusOr<Room> {
  //     ASSIGN_OR_RETURN(auto r, MustGetRoom(tx, id));
  //     ...
  //     RETURN_IF_ERROR(tx.PutRoom(id, r));
  //     return r;
  //   });
  template <typename T, typename Fn>
  absl::StatusOr<T> Write(Fn&& fn, const std::function<void()>& committed = nullptr) {
    std::optional<T> out;
    absl::Status s = Write([&](ServiceTx& tx) { return Keep<T>(fn(tx), out); }, committed);
    if (!s.ok()) return s;
    return std::move(*out);
  }
  template <typename T, typename Fn>
  absl::StatusOr<T> Read(Fn&& fn) {
    std::optional<T> out;
    absl::Status s = Read([&](ServiceTx& tx) { return Keep<T>(fn(tx), out); });
    if (!s.ok()) return s;
    return std::move(*out);
  }
  absl::Status Ping() { return db_->Ping(); }
  Database& database() { return *db_; }

 private:
  template <typename T>
  static absl::Status Keep(absl::StatusOr<T> made, std::optional<T>& out) {
    if (!made.ok()) return made.status();
    out = *std::move(made);
    return absl::OkStatus();
  }

  std::unique_ptr<Database> db_;
};

}  // namespace atrium::db
