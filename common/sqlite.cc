#include "common/sqlite.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "spdlog/spdlog.h"

namespace atrium::sqlite {

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindOptional(int index, std::string_view text) {
  return text.empty() ? BindNull(index) : Bind(index, text);
}

absl::StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return FromSqlite(rc, sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

absl::Status Statement::Run() {
  RETURN_IF_ERROR(Step());
  return absl::OkStatus();
}

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}

std::string Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}

std::string_view Statement::Bytes(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string_view();
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

namespace {
// How long a connection waits for a lock another holds.
constexpr int kBusyTimeoutMs = 5000;
// Set when SQLite reports an I/O error on this thread: the pool's writer and
// checkpointer look at it after their work (see ConnectionPool::MarkBroken).
thread_local bool t_io_error = false;
}  // namespace

absl::Status FromSqlite(int rc, std::string_view what) {
  switch (rc & 0xFF) {
    case SQLITE_OK: return absl::OkStatus();
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return StorageError("database is busy, retry");
    case SQLITE_CONSTRAINT: return absl::AlreadyExistsError(absl::StrCat("constraint: ", std::string(what)));
    case SQLITE_IOERR: t_io_error = true; [[fallthrough]];
    case SQLITE_FULL:
    case SQLITE_CANTOPEN: spdlog::error("sqlite I/O error {}: {}", rc, what); return StorageError("disk error");
    case SQLITE_ERROR:
      // SUM() of integers past 64 bits: the caller's figure is too large,
      // the database is fine.
      if (what == "integer overflow") return absl::OutOfRangeError("integer overflow");
      [[fallthrough]];
    default: spdlog::error("sqlite error {}: {}", rc, what); return absl::InternalError("internal storage error");
  }
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat("cannot open database ", path, ": ", msg));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                             "PRAGMA temp_store=MEMORY", "PRAGMA mmap_size=1073741824"}) {
    RETURN_IF_ERROR(conn->Exec(pragma));
  }
  return conn;
}

Connection::~Connection() {
  cache_.clear();
  sqlite3_close(db_);
}

void Connection::ResetStatements() {
  for (sqlite3_stmt* st = sqlite3_next_stmt(db_, nullptr); st != nullptr; st = sqlite3_next_stmt(db_, st)) {
    if (sqlite3_stmt_busy(st)) sqlite3_reset(st);
  }
}

absl::Status Connection::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  return FromSqlite(rc, msg);
}

absl::Status Connection::Run(const std::string& sql) { return Prepare(sql).Run(); }

Statement& Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc =
        sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      spdlog::critical("SQL does not compile: {}: {}", sqlite3_errmsg(db_), sql);
      std::abort();
    }
    it = cache_.emplace(sql, std::make_unique<Statement>(stmt)).first;
  }
  it->second->Reset();
  return *it->second;
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& path,
                                                                     const Migrations& migrations, int readers) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
  auto writer = Connection::Open(path);
  if (!writer.ok()) return writer.status();
  Connection& w = **writer;
  RETURN_IF_ERROR(w.Exec("BEGIN IMMEDIATE"));
  Statement& v = w.Prepare("PRAGMA user_version");
  RETURN_IF_ERROR(v.Step());
  int version = static_cast<int>(v.Int(0));
  v.Reset();
  if (version > static_cast<int>(migrations.size())) {
    (void)w.Exec("ROLLBACK");
    return absl::FailedPreconditionError(absl::StrCat("database ", path, " has schema version ", version,
                                                      ", newer than this binary knows (", migrations.size(), ")"));
  }
  for (size_t i = version; i < migrations.size(); ++i) {
    if (auto s = w.Exec(migrations[i]); !s.ok()) {
      (void)w.Exec("ROLLBACK");
      return absl::InternalError(absl::StrCat("migration ", i + 1, " failed: ", std::string(s.message())));
    }
    spdlog::info("applied migration {} to {}", i + 1, path);
  }
  RETURN_IF_ERROR(w.Exec(absl::StrCat("PRAGMA user_version=", migrations.size())));
  RETURN_IF_ERROR(w.Exec("COMMIT"));
  pool->schema_version_ = static_cast<int>(migrations.size());
  RETURN_IF_ERROR(w.Exec("PRAGMA wal_autocheckpoint=0"));
  // After a restart, a WAL that grew larger (a burst, or readers holding it)
  // is cut back to 64 MiB; below that its blocks are reused as they are.
  RETURN_IF_ERROR(w.Exec("PRAGMA journal_size_limit=67108864"));
  sqlite3_wal_hook(
      w.handle(),
      [](void* pool, sqlite3*, const char*, int frames) {
        static_cast<ConnectionPool*>(pool)->wal_frames_.store(frames, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      pool.get());
  // The writer commits to the WAL without waiting for the disk, and Write
  // syncs the WAL itself (pipelined with the next batch). The WAL file lives
  // as long as the pool's connections; its directory entry is synced once.
  if (int fd = open((path + "-wal").c_str(), O_RDWR | O_CLOEXEC); fd >= 0) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    if (int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
      (void)fsync(dfd);
      close(dfd);
    }
    if (auto s = w.Exec("PRAGMA synchronous=NORMAL"); !s.ok()) {
      close(fd);
      return s;
    }
    pool->wal_fd_ = fd;
  } else {
    spdlog::warn("no WAL file beside {} ({}): each commit syncs on its own", path, std::strerror(errno));
  }
  ASSIGN_OR_RETURN(auto checkpoint_conn, Connection::Open(path));
  pool->checkpointer_ =
      std::thread([p = pool.get(), c = std::move(checkpoint_conn)]() mutable { p->CheckpointLoop(std::move(c)); });
  {
    absl::MutexLock lock(&pool->write_mu_);
    pool->writer_ = std::move(*writer);
  }
  absl::MutexLock lock(&pool->read_mu_);
  for (int i = 0; i < readers; ++i) {
    ASSIGN_OR_RETURN(auto r, Connection::Open(path));
    pool->idle_readers_.push_back(std::move(r));
  }
  return pool;
}

absl::Status ConnectionPool::Write(const std::function<absl::Status(Connection&)>& fn,
                                   const std::function<void()>& committed) {
  PendingWrite mine;
  mine.fn = &fn;
  mine.committed = committed ? &committed : nullptr;
  mine.trace = CurrentTrace();
  std::vector<PendingWrite*> batch;
  {
    absl::MutexLock lock(&queue_mu_);
    if (!broken_.ok()) return broken_;
    queue_.push_back(&mine);
    // Wait until a leader has run this write, or until nobody leads.
    auto settled = [this, &mine]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return mine.done || (!mine.taken && !leader_active_);
    };
    queue_mu_.Await(absl::Condition(&settled));
    if (mine.done) return mine.result;
    batch.swap(queue_);
    if (!broken_.ok()) {
      for (PendingWrite* w : batch) {
        w->result = broken_;
        w->done = true;
      }
      return mine.result;
    }
    leader_active_ = true;
    for (PendingWrite* w : batch) w->taken = true;
  }
  t_io_error = false;
  const bool changed = RunBatch(batch);
  const bool io_error = std::exchange(t_io_error, false);
  // The hooks run before the next batch may start, so that they run in the
  // order of the commits (a revision is never handed on before the one it
  // supersedes).
  if (changed) {
    for (PendingWrite* w : batch) {
      if (w->committed == nullptr || !w->result.ok()) continue;
      std::optional<ScopedTrace> trace;
      if (w->trace != nullptr) trace.emplace(*w->trace);
      (*w->committed)();
    }
  }
  uint64_t seq = 0;
  absl::MutexLock lock(&queue_mu_);
  leader_active_ = false;  // the next batch may run while this one syncs
  if (io_error) {
    // SQLite's own write or sync of the log or database failed: as with a
    // failed fsync below, what the kernel kept can no longer be trusted.
    MarkBroken("a database write or sync failed with an I/O error");
    for (PendingWrite* w : batch) w->result = broken_;
  }
  if (changed && wal_fd_ >= 0) seq = ++committed_seq_;
  if (seq != 0) {
    if (absl::Status s = AwaitDurable(seq); !s.ok()) {
      for (PendingWrite* w : batch) {
        if (w->result.ok()) w->result = s;
      }
    }
  }
  for (PendingWrite* w : batch) w->done = true;
  return mine.result;
}

absl::Status ConnectionPool::AwaitDurable(uint64_t seq) {
  for (;;) {
    if (synced_seq_ >= seq) return absl::OkStatus();
    if (!broken_.ok()) return broken_;
    if (!syncing_) break;
    auto progressed = [this, seq]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return synced_seq_ >= seq || !syncing_ || !broken_.ok();
    };
    queue_mu_.Await(absl::Condition(&progressed));
  }
  // This leader syncs for every batch committed so far.
  syncing_ = true;
  const uint64_t target = committed_seq_;
  queue_mu_.Unlock();
  absl::Status s = SyncWal();
  queue_mu_.Lock();
  syncing_ = false;
  if (!s.ok()) {
    MarkBroken(absl::StrCat("fsync of the database log failed (", s.message(), ")"));
    return broken_;
  }
  synced_seq_ = std::max(synced_seq_, target);
  return absl::OkStatus();
}

void ConnectionPool::MarkBroken(const std::string& why) {
  if (!broken_.ok()) return;
  spdlog::critical("{}; refusing writes until a restart", why);
  broken_ =
      absl::UnavailableError(absl::StrCat("the database could not be made durable (", why, "); restart the service"));
}

absl::Status ConnectionPool::SyncWal() {
  if (fdatasync(wal_fd_) != 0) return absl::InternalError(absl::StrCat("fdatasync: ", std::strerror(errno)));
  return absl::OkStatus();
}

bool ConnectionPool::RunBatch(const std::vector<PendingWrite*>& batch) {
  absl::MutexLock lock(&write_mu_);
  Connection& db = *writer_;
  auto fail_all = [&](const absl::Status& s) {
    for (PendingWrite* w : batch) w->result = s;
    return false;
  };
  // A restart that failed with an I/O error fails the batch before it runs
  // (Write then marks the pool broken).
  if (auto s = MaybeRestartWal(db); !s.ok()) return fail_all(s);
  if (auto s = db.Run("BEGIN IMMEDIATE"); !s.ok()) return fail_all(s);
  bool any_ok = false;
  // A write alone in its batch needs no savepoint: the whole transaction is
  // its own, and is rolled back if it fails.
  const bool alone = batch.size() == 1;
  for (PendingWrite* w : batch) {
    if (auto s = alone ? absl::OkStatus() : db.Run("SAVEPOINT atrium_write"); !s.ok()) {
      w->result = s;
      continue;
    }
    {
      std::optional<ScopedTrace> trace;
      if (w->trace != nullptr) trace.emplace(*w->trace);
      w->result = (*w->fn)(db);
    }
    db.ResetStatements();
    if (db.InAutocommit()) {
      // SQLite abandoned the whole transaction (for example on a full disk):
      // nothing of this batch was kept.
      if (w->result.ok()) w->result = StorageError("transaction aborted by the database");
      absl::Status aborted = w->result;
      for (PendingWrite* other : batch) {
        if (other->result.ok()) other->result = aborted;
      }
      return false;
    }
    if (w->result.ok()) {
      any_ok = true;
      if (auto s = alone ? absl::OkStatus() : db.Run("RELEASE atrium_write"); !s.ok()) w->result = s;
    } else if (!alone) {
      (void)db.Run("ROLLBACK TO atrium_write");
      (void)db.Run("RELEASE atrium_write");
    }
  }
  if (!any_ok) {
    (void)db.Run("ROLLBACK");
    return false;
  }
  if (auto s = db.Run("COMMIT"); !s.ok()) {
    (void)db.Run("ROLLBACK");
    for (PendingWrite* w : batch) {
      if (w->result.ok()) w->result = s;
    }
    return false;
  }
  return true;
}

absl::Status ConnectionPool::MaybeRestartWal(Connection& writer) {
  const int frames = wal_frames_.load(std::memory_order_relaxed);
  if (frames < next_wal_restart_) return absl::OkStatus();
  sqlite3_busy_timeout(writer.handle(), kWalRestartWaitMs);
  int log = 0, done = 0;
  const int rc = sqlite3_wal_checkpoint_v2(writer.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, &log, &done);
  sqlite3_busy_timeout(writer.handle(), kBusyTimeoutMs);
  if (rc == SQLITE_OK) {
    wal_frames_.store(0, std::memory_order_relaxed);
    next_wal_restart_ = kWalRestartFrames;
    return absl::OkStatus();
  }
  next_wal_restart_ = frames + kWalRestartFrames;
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
    spdlog::debug("WAL restart put off: readers of its {} frames", frames);
    return absl::OkStatus();
  }
  return FromSqlite(rc, "WAL restart");
}

absl::Status ConnectionPool::Read(const std::function<absl::Status(Connection&)>& fn) {
  std::unique_ptr<Connection> conn;
  {
    absl::MutexLock lock(&read_mu_);
    read_mu_.Await(absl::Condition(
        +[](std::vector<std::unique_ptr<Connection>>* v) { return !v->empty(); }, &idle_readers_));
    conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
  }
  absl::Status status = conn->Run("BEGIN");
  if (status.ok()) {
    status = fn(*conn);
    conn->ResetStatements();
    if (auto s = conn->Run("COMMIT"); !s.ok() && status.ok()) status = s;
  }
  absl::MutexLock lock(&read_mu_);
  idle_readers_.push_back(std::move(conn));
  return status;
}

ConnectionPool::~ConnectionPool() {
  stop_checkpoints_.Notify();
  if (checkpointer_.joinable()) checkpointer_.join();
  if (wal_fd_ >= 0) close(wal_fd_);
}

void ConnectionPool::CheckpointLoop(std::unique_ptr<Connection> conn) {
  int last_frames = -1;  // the log's frames when this loop last looked
  do {
    t_io_error = false;
    // A log due for a restart is left to the writer while it writes
    // (MaybeRestartWal): a passive run would hold the checkpoint lock the
    // restart waits for. Once the writes stop, the log is copied back here.
    const int frames = wal_frames_.load(std::memory_order_relaxed);
    if (frames >= kWalRestartFrames && frames != std::exchange(last_frames, frames)) continue;
    if (auto s = conn->Exec("PRAGMA wal_checkpoint(PASSIVE)"); !s.ok()) {
      spdlog::warn("WAL checkpoint: {}", std::string(s.message()));
    }
    if (std::exchange(t_io_error, false)) {
      // Pages copied into the database may be lost while the log would be
      // reset as if they were not: stop before that.
      absl::MutexLock lock(&queue_mu_);
      MarkBroken("a checkpoint failed with an I/O error");
      return;
    }
  } while (!stop_checkpoints_.WaitForNotificationWithTimeout(absl::Milliseconds(200)));
}

absl::Status ConnectionPool::Ping() {
  {
    absl::MutexLock lock(&queue_mu_);
    if (!broken_.ok()) return broken_;
  }
  return Read([](Connection& c) {
    auto r = c.Prepare("SELECT 1").Step();
    return r.status();
  });
}

}  // namespace atrium::sqlite
