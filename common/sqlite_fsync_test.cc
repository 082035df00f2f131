// What the pool does when the disk refuses to sync. fdatasync(2) is
// interposed in this test binary only (its own executable, so no other test
// shares it): it returns EIO, as a failing disk or a full thin volume would,
// for the files whose path ends as a test asks, and otherwise calls the C
// library's. SQLite's own syncs come through it too.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>

#include "absl/time/clock.h"
#include "common/sqlite.h"
#include "common/testing.h"

namespace {
std::atomic<const char*> g_fail_suffix{nullptr};
std::atomic<int> g_failed_syncs{0};

bool PathEndsWith(int fd, const char* suffix) {
  char path[4096];
  const ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), path, sizeof path - 1);
  if (n <= 0) return false;
  const std::string p(path, static_cast<size_t>(n));
  const std::string s(suffix);
  return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0;
}
}  // namespace

extern "C" int fdatasync(int fd) {
  if (const char* suffix = g_fail_suffix.load(); suffix != nullptr && PathEndsWith(fd, suffix)) {
    g_failed_syncs++;
    errno = EIO;
    return -1;
  }
  using Fn = int (*)(int);
  static const Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "fdatasync"));
  return real(fd);
}

namespace atrium::sqlite {
namespace {

const Migrations kSchema = {"CREATE TABLE a(x INTEGER)"};

absl::Status Insert(ConnectionPool& pool, int64_t x) {
  return pool.Write([x](Connection& db) { return db.Prepare("INSERT INTO a VALUES (?)").Bind(1, x).Run(); });
}

int64_t Count(ConnectionPool& pool) {
  int64_t n = -1;
  EXPECT_TRUE(pool.Read([&](Connection& db) {
                    Statement& st = db.Prepare("SELECT count(*) FROM a");
                    auto row = st.Step();
                    if (row.ok()) n = st.Int(0);
                    st.Reset();
                    return row.status();
                  })
                  .ok());
  return n;
}

// After a restart the database recovers from what is on disk and takes
// writes again.
void ExpectRecovers(const std::string& path, int64_t at_least) {
  auto reopened = ConnectionPool::Open(path, kSchema, 1);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE((*reopened)->Ping().ok());
  EXPECT_GE(Count(**reopened), at_least);
  EXPECT_TRUE(Insert(**reopened, 100).ok());
}

TEST(SqliteFsyncTest, AFailedLogSyncRefusesEveryLaterWriteAndFailsHealth) {
  const std::string path = testing::TempDir("atrium-sqlite-fsync") + "/t.db";
  {
    auto pool = ConnectionPool::Open(path, kSchema, 1);
    ASSERT_TRUE(pool.ok()) << pool.status();
    ASSERT_TRUE(Insert(**pool, 1).ok());
    ASSERT_TRUE((*pool)->Ping().ok());

    // The pool's sync of the log fails, or SQLite's own (when it starts the
    // log afresh after a checkpoint): the write is refused either way.
    g_failed_syncs = 0;
    g_fail_suffix = "-wal";
    absl::Status failed = Insert(**pool, 2);
    g_fail_suffix = nullptr;
    EXPECT_GE(g_failed_syncs.load(), 1) << "the write did not sync its log";
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
    EXPECT_NE(failed.message().find("restart"), std::string::npos) << failed;

    // The disk works again, but nothing since the last good sync can be
    // trusted: every write is refused, and health says so, until a restart.
    EXPECT_EQ(Insert(**pool, 3).code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ((*pool)->Ping().code(), absl::StatusCode::kUnavailable);
    const int64_t seen = Count(**pool);  // reads still answer
    EXPECT_TRUE(seen == 1 || seen == 2) << seen;
  }
  ExpectRecovers(path, 1);
}

TEST(SqliteFsyncTest, AFailedCheckpointSyncRefusesEveryLaterWrite) {
  const std::string path = testing::TempDir("atrium-sqlite-fsync") + "/t.db";
  // The schema is made, and copied into the database when the pool closes,
  // so that the checkpointer's first pass below has nothing to sync: on a
  // busy machine it may start late, and must not meet the failure.
  ASSERT_TRUE(ConnectionPool::Open(path, kSchema, 1).ok());
  {
    auto pool = ConnectionPool::Open(path, kSchema, 1);
    ASSERT_TRUE(pool.ok()) << pool.status();
    // Only the database file fails: the write and its log sync succeed, and
    // the background checkpoint that copies it into the database does not.
    g_failed_syncs = 0;
    g_fail_suffix = "/t.db";
    ASSERT_TRUE(Insert(**pool, 1).ok());
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while ((*pool)->Ping().ok() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
    g_fail_suffix = nullptr;
    EXPECT_GE(g_failed_syncs.load(), 1) << "no checkpoint synced the database";
    EXPECT_EQ((*pool)->Ping().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(Insert(**pool, 2).code(), absl::StatusCode::kUnavailable);
  }
  ExpectRecovers(path, 1);
}

}  // namespace
}  // namespace atrium::sqlite
