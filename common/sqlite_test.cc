#include "common/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/testing.h"

namespace atrium::sqlite {
namespace {

std::string TempDb() { return testing::TempDir("atrium-sqlite") + "/t.db"; }

// Rows in table a, or -1 if the read fails.
int64_t CountRows(ConnectionPool& pool) {
  int64_t count = -1;
  absl::Status s = pool.Read([&](Connection& db) {
    Statement& st = db.Prepare("SELECT count(*) FROM a");
    auto row = st.Step();
    if (row.ok() && *row) count = st.Int(0);
    return row.status();
  });
  return s.ok() ? count : -1;
}

TEST(SqliteTest, MigrationsApplyOnceAndUpgrade) {
  const std::string path = TempDb();
  {
    auto pool = ConnectionPool::Open(path, {"CREATE TABLE a(x INTEGER)"}, 1);
    ASSERT_TRUE(pool.ok()) << pool.status();
    EXPECT_EQ((*pool)->SchemaVersion(), 1);
  }
  auto pool = ConnectionPool::Open(path, {"CREATE TABLE a(x INTEGER)", "CREATE TABLE b(y INTEGER)"}, 1);
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ((*pool)->SchemaVersion(), 2);
  // A binary older than the file refuses to start.
  EXPECT_EQ(ConnectionPool::Open(path, {"CREATE TABLE a(x INTEGER)"}, 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SqliteTest, WriteRollsBackOnError) {
  auto pool = ConnectionPool::Open(TempDb(), {"CREATE TABLE a(x INTEGER)"}, 2);
  ASSERT_TRUE(pool.ok());
  absl::Status s = (*pool)->Write([](Connection& db) {
    if (auto r = db.Prepare("INSERT INTO a VALUES (1)").Run(); !r.ok()) return r;
    return absl::AbortedError("refused");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(CountRows(**pool), 0);
}

TEST(SqliteTest, UniqueViolationIsAlreadyExists) {
  auto pool = ConnectionPool::Open(TempDb(), {"CREATE TABLE a(x INTEGER UNIQUE)"}, 1);
  ASSERT_TRUE(pool.ok());
  auto insert = [&] {
    return (*pool)->Write([](Connection& db) { return db.Prepare("INSERT INTO a VALUES (1)").Run(); });
  };
  EXPECT_TRUE(insert().ok());
  EXPECT_EQ(insert().code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace atrium::sqlite

namespace atrium::sqlite {
namespace {

TEST(SqliteTest, ReadersSeeCommittedWritesAfterAnUnfinishedStatement) {
  auto pool = ConnectionPool::Open(TempDb(), {"CREATE TABLE a(x INTEGER)", "INSERT INTO a VALUES (1), (2)"}, 1);
  ASSERT_TRUE(pool.ok());
  auto first = [&] {
    int64_t v = -1;
    EXPECT_TRUE((*pool)
                    ->Read([&](Connection& db) {
                      Statement& st = db.Prepare("SELECT x FROM a ORDER BY x");
                      auto row = st.Step();  // leaves the statement mid-way on purpose
                      if (row.ok() && *row) v = st.Int(0);
                      return row.status();
                    })
                    .ok());
    return v;
  };
  EXPECT_EQ(first(), 1);
  ASSERT_TRUE((*pool)->Write([](Connection& db) { return db.Prepare("DELETE FROM a WHERE x = 1").Run(); }).ok());
  EXPECT_EQ(first(), 2);
}

}  // namespace
}  // namespace atrium::sqlite

namespace atrium::sqlite {
namespace {

// A steady stream of commits, with readers coming and going, never leaves the
// passive checkpoint caught up; the WAL must still start over rather than
// grow with every write.
TEST(SqliteTest, TheWalStaysBoundedUnderASteadyStreamOfWrites) {
  const std::string path = TempDb();
  auto pool = ConnectionPool::Open(path, {"CREATE TABLE a(x INTEGER PRIMARY KEY, y BLOB)"}, 2);
  ASSERT_TRUE(pool.ok()) << pool.status();
  const std::string blob(3000, 'x');
  std::atomic<bool> stop{false};
  std::atomic<int64_t> largest{0};
  std::thread watcher([&] {
    while (!stop) {
      std::error_code ec;
      const auto size = static_cast<int64_t>(std::filesystem::file_size(path + "-wal", ec));
      if (!ec && size > largest) largest = size;
      // A short read now and then (a count would scan the growing table).
      absl::Status read =
          (*pool)->Read([](Connection& db) { return db.Prepare("SELECT max(x) FROM a").Step().status(); });
      EXPECT_TRUE(read.ok()) << read;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  // 24,000 rows of 3 kB, each commit a page or more: about 100 MB of log.
  std::vector<std::thread> writers;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 6000; ++i) {
        absl::Status s = (*pool)->Write([&](Connection& db) {
          return db.Prepare("INSERT INTO a VALUES (?, ?)").Bind(1, int64_t{t} * 1000000 + i).BindBlob(2, blob).Run();
        });
        if (!s.ok()) failed++;
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  watcher.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(CountRows(**pool), 24000);
  // Restarted at 4,096 frames: the file stays near 34 MB (8,192 frames of
  // 4 kB pages), more when readers put a restart off on a busy machine;
  // without restarts this run leaves it at about 500 MB.
  EXPECT_LT(largest, int64_t{128} << 20) << "the WAL reached " << largest << " bytes";
}

// Many concurrent writers share commits; a failing writer loses only its own
// changes, and every successful one is visible afterwards.
TEST(SqliteTest, GroupCommitKeepsEachWriteAllOrNothing) {
  auto pool = ConnectionPool::Open(TempDb(), {"CREATE TABLE a(x INTEGER UNIQUE)"}, 1);
  ASSERT_TRUE(pool.ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::atomic<int> refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t x = t * 1000 + i;
        absl::Status s = (*pool)->Write([&](Connection& db) {
          if (auto r = db.Prepare("INSERT INTO a VALUES (?)").Bind(1, x).Run(); !r.ok()) return r;
          // Every fifth write inserts a second row and then fails: neither row may stay.
          if (i % 5 == 0) {
            if (auto r = db.Prepare("INSERT INTO a VALUES (?)").Bind(1, -x - 1).Run(); !r.ok()) return r;
            return absl::FailedPreconditionError("refused");
          }
          return absl::OkStatus();
        });
        (s.ok() ? ok : refused)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread * 4 / 5);
  EXPECT_EQ(refused.load(), kThreads * kPerThread / 5);
  int64_t count = -1, negatives = -1;
  ASSERT_TRUE((*pool)
                  ->Read([&](Connection& db) {
                    Statement& st = db.Prepare("SELECT count(*), sum(x < 0) FROM a");
                    auto row = st.Step();
                    count = st.Int(0);
                    negatives = st.Int(1);
                    return row.status();
                  })
                  .ok());
  EXPECT_EQ(count, ok.load());
  EXPECT_EQ(negatives, 0);
}

// A writer that reads what an earlier writer of the same batch wrote sees it,
// so uniqueness checks done in code stay correct under group commit.
TEST(SqliteTest, GroupCommitWritersSeeEarlierWritesOfTheBatch) {
  auto pool = ConnectionPool::Open(TempDb(), {"CREATE TABLE a(x INTEGER)"}, 1);
  ASSERT_TRUE(pool.ok());
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      absl::Status s = (*pool)->Write([&](Connection& db) {
        Statement& q = db.Prepare("SELECT count(*) FROM a WHERE x = 7");
        auto row = q.Step();
        if (!row.ok()) return row.status();
        if (q.Int(0) > 0) return absl::AlreadyExistsError("x=7 exists");
        return db.Prepare("INSERT INTO a VALUES (7)").Run();
      });
      if (s.ok()) created++;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 1);
}

}  // namespace
// `committed` runs after the write's changes are committed (a reader sees
// them) and before Write returns; never for a write that fails. Writes from
// many threads, pipelined with their fsyncs, are all there after a reopen.
TEST(SqliteTest, CommittedHookRunsOnceForWritesThatCommit) {
  const std::string path = TempDb();
  {
    auto pool = ConnectionPool::Open(path, {"CREATE TABLE a(x INTEGER UNIQUE)"}, 2);
    ASSERT_TRUE(pool.ok());
    constexpr int kThreads = 8;
    constexpr int kPerThread = 40;
    std::atomic<int> hooks{0};
    std::atomic<int> unseen{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const int64_t x = t * 1000 + i;
          bool hooked = false;
          absl::Status s = (*pool)->Write(
              [&](Connection& db) {
                if (auto r = db.Prepare("INSERT INTO a VALUES (?)").Bind(1, x).Run(); !r.ok()) return r;
                return i % 4 == 0 ? absl::FailedPreconditionError("refused") : absl::OkStatus();
              },
              [&] {
                hooked = true;
                hooks++;
                absl::Status seen = (*pool)->Read([&](Connection& db) {
                  Statement& st = db.Prepare("SELECT count(*) FROM a WHERE x = ?");
                  st.Bind(1, x);
                  auto row = st.Step();
                  if (row.ok() && st.Int(0) != 1) unseen++;
                  return row.status();
                });
                if (!seen.ok()) unseen++;
              });
          EXPECT_EQ(hooked, s.ok()) << x;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(hooks.load(), kThreads * kPerThread * 3 / 4);
    EXPECT_EQ(unseen.load(), 0);
  }
  auto reopened = ConnectionPool::Open(path, {"CREATE TABLE a(x INTEGER UNIQUE)"}, 1);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(CountRows(**reopened), 8 * 40 * 3 / 4);
}

TEST(SqliteTest, CommittedHooksRunInCommitOrder) {
  auto pool = ConnectionPool::Open(TempDb(), {"CREATE TABLE c(n INTEGER)", "INSERT INTO c VALUES (0)"}, 2);
  ASSERT_TRUE(pool.ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::mutex mu;
  std::vector<int64_t> order;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        int64_t n = 0;
        absl::Status s = (*pool)->Write(
            [&](Connection& db) {
              Statement& st = db.Prepare("UPDATE c SET n = n + 1 RETURNING n");
              auto row = st.Step();
              if (!row.ok()) return row.status();
              n = st.Int(0);
              st.Reset();
              return absl::OkStatus();
            },
            [&] {
              // A slow hook: a later batch must still not overtake it.
              absl::SleepFor(absl::Microseconds(200));
              std::lock_guard<std::mutex> lock(mu);
              order.push_back(n);
            });
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(order.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], static_cast<int64_t>(i + 1)) << "hook " << i;
}

}  // namespace atrium::sqlite
