// PostgreSQL through libpq, for services that run as several replicas on
// one database: a pool of connections, numbered migrations applied once
// (under an advisory lock, so replicas starting together do not race),
// SERIALIZABLE write transactions retried when PostgreSQL reports a
// serialization failure, a deadlock or a unique violation between
// concurrent writers (each retry runs the whole transaction again, so checks
// made in it see the winner's rows).
//
//   auto pool = pg::Pool::Open("host=db dbname=atrium user=atrium", migrations, 4);
//   (*pool)->Write([&](pg::Connection& db) -> absl::Status {
//     auto r = db.Exec("SELECT data FROM meetings WHERE id = $1", {pg::Text(id)});
//     ...
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/outbox.h"
#include "common/request_ids.h"

struct pg_conn;
struct pg_result;

namespace atrium::pg {

struct Param {
  std::string value;
  bool binary = false;
};
inline Param Text(std::string v) { return Param{std::move(v), false}; }
inline Param Int(int64_t v) { return Param{std::to_string(v), false}; }
inline Param Bytes(std::string v) { return Param{std::move(v), true}; }

class Result final {
 public:
  explicit Result(pg_result* r) : r_(r) {}
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&&) = delete;
  ~Result();
  int rows() const;
  std::string Text(int row, int col) const;
  int64_t Int(int row, int col) const;
  // A bytea column (text format, decoded).
  std::string Bytes(int row, int col) const;
  bool IsNull(int row, int col) const;

 private:
  pg_result* r_;
};

class Connection final {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& url);
  ~Connection();
  // Runs one statement with $1.. parameters; errors carry the SQLSTATE.
  absl::StatusOr<Result> Exec(const std::string& sql, const std::vector<Param>& params = {});
  // Several statements without parameters (a migration).
  absl::Status ExecScript(const std::string& sql);
  bool broken() const;

 private:
  explicit Connection(pg_conn* c) : c_(c) {}
  pg_conn* c_;
};

using Migrations = std::vector<std::string>;

class Pool final {
 public:
  static absl::StatusOr<std::unique_ptr<Pool>> Open(const std::string& url, const Migrations& migrations, int size = 4);
  // A SERIALIZABLE transaction, retried on conflicts with concurrent writers.
  absl::Status Write(const std::function<absl::Status(Connection&)>& fn);
  // A read-only REPEATABLE READ transaction.
  absl::Status Read(const std::function<absl::Status(Connection&)>& fn);
  absl::Status Ping();

 private:
  Pool() = default;
  absl::StatusOr<std::unique_ptr<Connection>> Take();
  void Give(std::unique_ptr<Connection> c);
  absl::Status Run(const char* begin, const std::function<absl::Status(Connection&)>& fn, bool retry);

  std::string url_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
};

// Whether a status came from a conflict between concurrent transactions
// (the transaction may be run again).
bool IsConflict(const absl::Status& s);

// Idempotency keys (common/request_ids.h) in the table
//   request_ids(method, caller, request_id, digest, resource_name,
//               create_micros, PRIMARY KEY (method, caller, request_id))
absl::StatusOr<std::optional<RememberedRequest>> LookupRequest(Connection& db, const RequestKey& key);
absl::Status RememberRequest(Connection& db, const RequestKey& key, const std::string& resource_name,
                             int64_t now_micros);

// The outbox (common/outbox.h) in the table created with kOutboxSchema;
// the same operations as sqlite::AddOutbox and the rest.
extern const char kOutboxSchema[];
absl::Status AddOutbox(Connection& db, const OutboxMessage& message, int64_t now_micros);
absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(Connection& db, int64_t now_micros, int limit);
absl::Status DeleteOutbox(Connection& db, int64_t id);
absl::Status RetryOutbox(Connection& db, int64_t id, int64_t next_attempt_micros);
absl::StatusOr<std::pair<int64_t, int64_t>> OutboxDepth(Connection& db);

// The protobuf messages stored in column 0 of a result (bytea).
template <typename T>
absl::StatusOr<std::vector<T>> Messages(const absl::StatusOr<Result>& r, const char* what) {
  if (!r.ok()) return r.status();
  std::vector<T> out;
  for (int i = 0; i < r->rows(); ++i) {
    T m;
    if (!m.ParseFromString(r->Bytes(i, 0))) return absl::DataLossError(absl::StrCat("a stored ", what, " is corrupt"));
    out.push_back(std::move(m));
  }
  return out;
}

// The first of them, if any.
template <typename T>
absl::StatusOr<std::optional<T>> Message(const absl::StatusOr<Result>& r, const char* what) {
  auto all = Messages<T>(r, what);
  if (!all.ok()) return all.status();
  if (all->empty()) return std::optional<T>();
  return std::optional<T>(std::move(all->front()));
}

// A store's Write/Read on the pool, with its transaction type built on the
// connection: `return pg::WriteAs<PgTx>(*pool_, fn);`.
template <typename TxImpl, typename Fn>
absl::Status WriteAs(Pool& pool, const Fn& fn) {
  return pool.Write([&](Connection& c) {
    TxImpl tx(c);
    return fn(tx);
  });
}
template <typename TxImpl, typename Fn>
absl::Status ReadAs(Pool& pool, const Fn& fn) {
  return pool.Read([&](Connection& c) {
    TxImpl tx(c);
    return fn(tx);
  });
}

}  // namespace atrium::pg
