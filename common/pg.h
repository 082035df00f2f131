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

struct pg_conn;
struct pg_result;

namespace atrium::pg {

struct Param {
  std::string value;
  bool binary = false;
  bool null = false;
};
inline Param Text(std::string v) { return Param{std::move(v), false}; }
inline Param Int(int64_t v) { return Param{std::to_string(v), false}; }
inline Param Bytes(std::string v) { return Param{std::move(v), true}; }
inline Param Null() { return Param{std::string(), false, true}; }

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
  int columns() const;
  // Rows an INSERT, UPDATE or DELETE changed.
  int64_t affected() const;

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

}  // namespace atrium::pg
