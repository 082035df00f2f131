// What the pool does when the disk refuses to sync its log. fdatasync(2) is
// interposed in this test binary only (its own executable, so no other test
// shares it): it calls the C library's unless a test asks for EIO, as a
// failing disk or a full thin volume would return.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>

#include "common/sqlite.h"
#include "common/testing.h"

namespace {
std::atomic<bool> g_fail_sync{false};
std::atomic<int> g_failed_syncs{0};
}  // namespace

extern "C" int fdatasync(int fd) {
  if (g_fail_sync) {
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

TEST(SqliteFsyncTest, AFailedSyncRefusesEveryLaterWriteAndFailsHealth) {
  const std::string path = testing::TempDir("atrium-sqlite-fsync") + "/t.db";
  const Migrations schema = {"CREATE TABLE a(x INTEGER)"};
  {
    auto pool = ConnectionPool::Open(path, schema, 1);
    ASSERT_TRUE(pool.ok()) << pool.status();
    ASSERT_TRUE(Insert(**pool, 1).ok());
    ASSERT_TRUE((*pool)->Ping().ok());

    g_fail_sync = true;
    bool hooked = false;
    absl::Status failed = (*pool)->Write([](Connection& db) { return db.Prepare("INSERT INTO a VALUES (2)").Run(); },
                                         [&] { hooked = true; });
    g_fail_sync = false;
    EXPECT_GE(g_failed_syncs.load(), 1) << "the write did not sync its log";
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
    EXPECT_NE(failed.message().find("restart"), std::string::npos) << failed;
    // The commit had reached the log before the sync failed.
    EXPECT_TRUE(hooked);

    // The disk works again, but nothing since the last good sync can be
    // trusted: every write is refused, and health says so, until a restart.
    EXPECT_EQ(Insert(**pool, 3).code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ((*pool)->Ping().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(Count(**pool), 2);  // reads still answer
  }
  // A restart recovers from what is on disk and takes writes again.
  auto reopened = ConnectionPool::Open(path, schema, 1);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE((*reopened)->Ping().ok());
  EXPECT_TRUE(Insert(**reopened, 4).ok());
  EXPECT_GE(Count(**reopened), 2);
}

}  // namespace
}  // namespace atrium::sqlite
