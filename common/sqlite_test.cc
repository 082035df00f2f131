#include "common/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace atrium::sqlite {
namespace {

std::string TempDb() {
  auto dir = std::filesystem::temp_directory_path() /
             ("atrium-sqlite-" + std::to_string(getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  return (dir / "t.db").string();
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
  int64_t count = -1;
  ASSERT_TRUE((*pool)
                  ->Read([&](Connection& db) {
                    Statement& st = db.Prepare("SELECT count(*) FROM a");
                    auto row = st.Step();
                    count = st.Int(0);
                    return row.status();
                  })
                  .ok());
  EXPECT_EQ(count, 0);
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
