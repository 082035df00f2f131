// A thin, status-returning layer over SQLite for the services' stores.
//
// Connection: one sqlite3 handle with WAL, synchronous=FULL, a busy timeout
// and foreign keys on, and a cache of prepared statements. Not thread-safe:
// ConnectionPool hands out one writer and several readers. An acknowledged
// write survives kill -9 and power loss (see ConnectionPool::Write).
//
//   auto pool = ConnectionPool::Open(path, migrations, /*readers=*/4);
//   absl::Status s = (*pool)->Write([&](Connection& db) {
//     Statement& st = db.Prepare("INSERT INTO t(a) VALUES(?)");
//     st.Bind(1, "x");
//     return st.Run();
//   });
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/trace.h"

namespace atrium::sqlite {

class Statement final {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // Binds NULL for an empty string (optional unique columns).
  Statement& BindOptional(int index, std::string_view text);

  // Steps once: true with a row, false when done.
  absl::StatusOr<bool> Step();
  // Runs to completion (INSERT/UPDATE/DELETE).
  absl::Status Run();

  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;
  bool IsNull(int col) const;
  // The row's shape and raw cells, for copying a row out (common/db.h).
  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  int ColumnType(int col) const { return sqlite3_column_type(stmt_, col); }
  std::string_view Bytes(int col) const;
  // The index of a named parameter ("$1"), 0 when the statement has none.
  int ParameterIndex(const char* name) const { return sqlite3_bind_parameter_index(stmt_, name); }

  // Clears bindings and state; called by Connection::Prepare.
  void Reset();

 private:
  sqlite3_stmt* stmt_;
};

// One open database handle.
class Connection final {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();

  absl::Status Exec(std::string_view sql);
  // Runs one statement through the statement cache (no parsing after the
  // first time): for the transaction control of every write and read.
  absl::Status Run(const std::string& sql);
  // Returns a cached, reset statement for `sql`. Crashes on SQL that does not
  // compile: that is a programming error, found by every test.
  Statement& Prepare(const std::string& sql);
  int64_t Changes() const { return sqlite3_changes64(db_); }
  // True when no transaction is open (SQLite may end one on its own after
  // some errors).
  bool InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }
  // Resets every statement still stepping, so that a transaction can end and
  // no read snapshot outlives it. Called by ConnectionPool after each use.
  void ResetStatements();
  // The handle, for SQLite's own facilities (hooks, checkpoints).
  sqlite3* handle() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Statement>> cache_;
};

// Turns an SQLite result code into a status (BUSY/LOCKED -> UNAVAILABLE,
// constraint violations -> ALREADY_EXISTS, anything else INTERNAL).
absl::Status FromSqlite(int rc, std::string_view what);

// Numbered migrations: element i brings the schema from version i to i+1.
using Migrations = std::vector<std::string>;

class ConnectionPool final {
 public:
  // Opens (creating if needed) the file, applies pending migrations in one
  // transaction, and opens `readers` read connections.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Open(const std::string& path, const Migrations& migrations,
                                                              int readers);

  // Runs `fn` in a write transaction. Its changes commit when `fn` returns
  // OK and are rolled back otherwise; the status of `fn` is returned, and an
  // OK status means the changes are durable.
  //
  // Group commit: concurrent writers are served by one leader, which runs
  // every waiting `fn` in turn, each inside its own savepoint, and commits
  // them together. A failing `fn` rolls back to its savepoint only; a failed
  // COMMIT fails every `fn` of the batch (none of their changes were made).
  // Each `fn` sees the changes of those before it, exactly as if they had
  // run one after another.
  //
  // Pipelined durability: COMMIT appends the batch to the WAL (safe from
  // kill -9 from then on) and releases the writer at once; the WAL is then
  // fsync'ed outside the write lock, so the next batch runs while the disk
  // flushes this one, and one fsync covers every batch committed before it
  // started. Write returns after that fsync. Readers may see a batch a
  // moment before it is on disk (never one that was rolled back). If an
  // fsync fails, nothing written since the last good one can be trusted:
  // the pool refuses every later write (UNAVAILABLE) and Ping fails, until
  // a restart recovers the database from what is on disk. An I/O error of
  // SQLite's own writes or syncs of the writer or the checkpointer does the
  // same.
  //
  // `committed`, when given, runs once the write's changes are committed and
  // safe from a crash of the process, before the fsync: for work that needs
  // the data stored but not on disk (publishing it under a stable id that a
  // retry would publish again). It does not run if the write fails. Hooks
  // run in the order of the commits, before the next batch starts: keep them
  // short (hand the work to another thread).
  absl::Status Write(const std::function<absl::Status(Connection&)>& fn,
                     const std::function<void()>& committed = nullptr);
  // Runs `fn` in a read transaction on one of the read connections.
  absl::Status Read(const std::function<absl::Status(Connection&)>& fn);

  // Cheap liveness probe for health checks.
  absl::Status Ping();

  int SchemaVersion() const { return schema_version_; }

  ~ConnectionPool();

 private:
  ConnectionPool() = default;
  // Copies the WAL back into the database in the background (PASSIVE: never
  // blocks readers or the writer), so that commits do not pay for it.
  void CheckpointLoop(std::unique_ptr<Connection> conn);
  // Under a steady stream of commits a passive checkpoint never catches up
  // with the last frame, so SQLite never starts the WAL over: it would grow
  // without bound, and every commit would pay the file system for new
  // blocks. When the WAL holds kWalRestartFrames frames, the writer, between
  // two batches, finishes the checkpoint and restarts the log (RESTART: it
  // waits up to kWalRestartWait for readers of older frames); the log is
  // then reused from its start; the background checkpoint leaves a log due
  // for a restart alone while the writes go on. If readers keep it busy, it
  // tries again after as many more frames.
  static constexpr int kWalRestartFrames = 4096;
  static constexpr int kWalRestartWaitMs = 200;
  // Fails only with an I/O error (the WAL can no longer be trusted).
  absl::Status MaybeRestartWal(Connection& writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  struct PendingWrite {
    const std::function<absl::Status(Connection&)>* fn;
    const std::function<void()>* committed = nullptr;
    absl::Status result;
    bool taken = false;  // in a leader's batch
    bool done = false;
    // The writer's trace: the leader runs the write under it (so that what
    // the write records and logs names the caller's trace, not the leader's).
    const TraceContext* trace = nullptr;
  };
  // Runs a batch on the writer and fills in each result. Called by the
  // leader only. Returns true if it committed changes.
  bool RunBatch(const std::vector<PendingWrite*>& batch);
  // Waits until the batch committed as number `seq` is on disk, syncing the
  // WAL if no other leader is. Called with queue_mu_ held.
  absl::Status AwaitDurable(uint64_t seq) ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  // fdatasync of the WAL file.
  absl::Status SyncWal();
  // After a failed sync or an I/O error of the writer or the checkpointer:
  // every later write is refused and Ping fails, until a restart recovers
  // the database from what is on disk.
  void MarkBroken(const std::string& why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);

  absl::Mutex queue_mu_;
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leader_active_ ABSL_GUARDED_BY(queue_mu_) = false;
  // Batches committed to the WAL, and how many of them are known on disk.
  uint64_t committed_seq_ ABSL_GUARDED_BY(queue_mu_) = 0;
  uint64_t synced_seq_ ABSL_GUARDED_BY(queue_mu_) = 0;
  bool syncing_ ABSL_GUARDED_BY(queue_mu_) = false;
  // Set for good when an fsync fails.
  absl::Status broken_ ABSL_GUARDED_BY(queue_mu_);
  // The WAL file, opened for fdatasync; -1 when the writer commits with
  // synchronous=FULL itself (a database without a WAL file of its own).
  int wal_fd_ = -1;
  // Only the leader touches the writer; the mutex documents and enforces it.
  absl::Mutex write_mu_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(write_mu_);
  absl::Mutex read_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_ ABSL_GUARDED_BY(read_mu_);
  int schema_version_ = 0;
  // Frames in the WAL after the last commit (SQLite's WAL hook), and when to
  // next try to restart it.
  std::atomic<int> wal_frames_{0};
  int next_wal_restart_ ABSL_GUARDED_BY(write_mu_) = kWalRestartFrames;
  absl::Notification stop_checkpoints_;
  std::thread checkpointer_;
};

}  // namespace atrium::sqlite
