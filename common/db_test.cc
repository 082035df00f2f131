// The storage layer on a real database: SQLite here, PostgreSQL in the
// db_pg_test binary (ATRIUM_TEST_PG), with the same assertions.
#include "common/db.h"

#include <gtest/gtest.h>

#include "atrium/type/v1/audit.pb.h"
#include "common/status_macros.h"
#include "common/testing.h"
#ifdef ATRIUM_TEST_PG
#include "tests/postgres.h"
#endif

namespace atrium::db {
namespace {

const Schema& TestSchema() {
  static const Schema* schema = new Schema{
      .history = {Both("CREATE TABLE items (id TEXT COLLATE \"C\" PRIMARY KEY, n BIGINT NOT NULL, data BYTEA);")},
      .postgres_took = {{1}},
      .steps = {Both("ALTER TABLE items ADD COLUMN note TEXT;"), Both(kRequestIdsTable), Both(kOutboxTable),
                Both(kMarksTable)},
  };
  return *schema;
}

class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef ATRIUM_TEST_PG
    auto db = Database::OpenPostgres(testing::FreshPostgresDatabase(), TestSchema(), 2);
#else
    auto db = Database::OpenSqlite(testing::TempDir("db") + "/t.db", TestSchema());
#endif
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  std::unique_ptr<Database> db_;
};

TEST_F(DbTest, ParametersBindByNumberWhereverTheyAppear) {
  ASSERT_TRUE(db_->Write([](Tx& tx) {
                   // $2 before $1, and $1 twice.
                   return tx.Exec("INSERT INTO items(n, id, note) VALUES ($2, $1, $1 || '!')", {"a", 7});
                 })
                  .ok());
  ASSERT_TRUE(db_->Read([](Tx& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(Rows r, tx.Query("SELECT id, n, note, data FROM items WHERE n = $1", {7}));
                   EXPECT_EQ(r.size(), 1);
                   EXPECT_EQ(r.Text(0, 0), "a");
                   EXPECT_EQ(r.Int(0, 1), 7);
                   EXPECT_EQ(r.Text(0, 2), "a!");
                   EXPECT_TRUE(r.IsNull(0, 3));
                   EXPECT_EQ(r.Bytes(0, 3), "");
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_F(DbTest, BlobsAndMessagesRoundTripWithEveryByte) {
  type::v1::Audit audit;
  audit.set_creator("users/\xe5\xbc\xa0");
  audit.mutable_create_time()->set_seconds(1);
  const std::string bytes = std::string("\0\x01\xff\\x00'", 7) + audit.SerializeAsString();
  ASSERT_TRUE(
      db_->Write([&](Tx& tx) {
           RETURN_IF_ERROR(tx.Exec("INSERT INTO items(id, n, data) VALUES ($1, 1, $2)", {"raw", Arg::Blob(bytes)}));
           return tx.Exec("INSERT INTO items(id, n, data) VALUES ($1, 2, $2)",
                          {"msg", Arg::Blob(audit.SerializeAsString())});
         })
          .ok());
  ASSERT_TRUE(db_->Read([&](Tx& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(Rows r, tx.Query("SELECT data FROM items WHERE id = $1", {"raw"}));
                   EXPECT_EQ(r.Bytes(0, 0), bytes);
                   ASSIGN_OR_RETURN(
                       auto m, Message<type::v1::Audit>(tx.Query("SELECT data FROM items WHERE n = $1", {2}), "audit"));
                   EXPECT_TRUE(m.has_value());
                   EXPECT_EQ(m->creator(), audit.creator());
                   auto none = Message<type::v1::Audit>(tx.Query("SELECT data FROM items WHERE n = 3"), "audit");
                   EXPECT_TRUE(none.ok() && !none->has_value());
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_F(DbTest, AFailedWriteChangesNothingAndReadsRefuseWrites) {
  absl::Status s = db_->Write([](Tx& tx) {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO items(id, n) VALUES ($1, $2)", {"x", 1}));
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = db_->Read([](Tx& tx) { return tx.Exec("INSERT INTO items(id, n) VALUES ($1, $2)", {"y", 1}); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  ASSERT_TRUE(db_->Read([](Tx& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(Rows r, tx.Query("SELECT COUNT(*) FROM items"));
                   EXPECT_EQ(r.Int(0, 0), 0);
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_F(DbTest, ChangeCountsRowsAndCommittedRunsOnlyAfterACommit) {
  int committed = 0;
  ASSERT_TRUE(db_->Write(
                     [](Tx& tx) {
                       RETURN_IF_ERROR(tx.Exec("INSERT INTO items(id, n) VALUES ('a', 1), ('b', 1), ('c', 2)"));
                       auto n = tx.Change("UPDATE items SET n = n + 10 WHERE n = $1", {1});
                       EXPECT_TRUE(n.ok());
                       EXPECT_EQ(n.value_or(-1), 2);
                       return absl::OkStatus();
                     },
                     [&] { ++committed; })
                  .ok());
  EXPECT_EQ(committed, 1);
  EXPECT_FALSE(db_->Write([](Tx&) { return absl::AbortedError("no"); }, [&] { ++committed; }).ok());
  EXPECT_EQ(committed, 1);
}

TEST_F(DbTest, ParamsNumberWhatTheyCollect) {
  ASSERT_TRUE(db_->Write([](Tx& tx) {
                   return tx.Exec("INSERT INTO items(id, n, note) VALUES ('a', 1, '50%_off'), ('b', 2, '50 off')");
                 })
                  .ok());
  ASSERT_TRUE(db_->Read([](Tx& tx) -> absl::Status {
                   Params p;
                   std::string sql = "SELECT id FROM items WHERE n >= " + p.Add(1);
                   sql += " AND note LIKE " + p.Add(LikeContains("%_")) + " ESCAPE '\\'";
                   ASSIGN_OR_RETURN(Rows r, tx.Query(sql, p.args()));
                   EXPECT_EQ(r.size(), 1);
                   EXPECT_EQ(r.Text(0, 0), "a");
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_F(DbTest, RequestIdsOutboxAndMarksAreKeptOnce) {
  RequestKey key{"CreateThing", "role:kam:alice", "r1", "digest"};
  OutboxMessage m;
  m.peer = "notifications";
  m.method = "/atrium.notifications.v1.NotificationsService/CreateAlert";
  m.body = std::string("\0body", 5);
  m.label = "r1";
  m.kind = 1;
  m.key = "rooms/r1";
  m.traceparent = "00-abc-def-01";
  ASSERT_TRUE(db_->Write([&](Tx& t) {
                   TxBase tx(t);
                   RETURN_IF_ERROR(tx.RememberRequest(key, "things/1", 5));
                   RETURN_IF_ERROR(tx.AddOutbox(m, 100));
                   return tx.SetMark("overdue", 42);
                 })
                  .ok());
  ASSERT_TRUE(db_->Write([&](Tx& t) -> absl::Status {
                   TxBase tx(t);
                   ASSIGN_OR_RETURN(auto remembered, tx.LookupRequest(key));
                   EXPECT_TRUE(remembered.has_value());
                   EXPECT_EQ(remembered->resource_name, "things/1");
                   EXPECT_EQ(remembered->digest, "digest");
                   RequestKey other = key;
                   other.caller = "role:kam:bob";
                   ASSIGN_OR_RETURN(auto none, tx.LookupRequest(other));
                   EXPECT_FALSE(none.has_value());

                   ASSIGN_OR_RETURN(auto early, tx.DueOutbox(99, 10));
                   EXPECT_TRUE(early.empty());
                   ASSIGN_OR_RETURN(auto due, tx.DueOutbox(100, 10));
                   EXPECT_EQ(due.size(), 1u);
                   if (due.size() != 1) return absl::OkStatus();
                   EXPECT_EQ(due[0].peer, m.peer);
                   EXPECT_EQ(due[0].method, m.method);
                   EXPECT_EQ(due[0].body, m.body);
                   EXPECT_EQ(due[0].label, m.label);
                   EXPECT_EQ(due[0].kind, 1);
                   EXPECT_EQ(due[0].key, m.key);
                   EXPECT_EQ(due[0].traceparent, m.traceparent);
                   EXPECT_EQ(due[0].attempts, 0);
                   ASSIGN_OR_RETURN(auto depth, tx.OutboxDepth());
                   EXPECT_EQ(depth, std::make_pair(int64_t{1}, int64_t{100}));
                   RETURN_IF_ERROR(tx.RetryOutbox(due[0].id, 200));
                   ASSIGN_OR_RETURN(auto later, tx.DueOutbox(150, 10));
                   EXPECT_TRUE(later.empty());
                   ASSIGN_OR_RETURN(auto retried, tx.DueOutbox(200, 10));
                   EXPECT_EQ(retried.size(), 1u);
                   EXPECT_EQ(retried.empty() ? -1 : retried[0].attempts, 1);
                   RETURN_IF_ERROR(tx.DeleteOutbox(due[0].id));
                   ASSIGN_OR_RETURN(auto after, tx.DueOutbox(1000, 10));
                   EXPECT_TRUE(after.empty());

                   ASSIGN_OR_RETURN(auto mark, tx.GetMark("overdue"));
                   EXPECT_EQ(mark, std::optional<int64_t>(42));
                   RETURN_IF_ERROR(tx.SetMark("overdue", 43));
                   ASSIGN_OR_RETURN(mark, tx.GetMark("overdue"));
                   EXPECT_EQ(mark, std::optional<int64_t>(43));
                   ASSIGN_OR_RETURN(auto unset, tx.GetMark("never"));
                   EXPECT_FALSE(unset.has_value());
                   return absl::OkStatus();
                 })
                  .ok());
  // The same key twice is refused by the table (the domain asks first).
  EXPECT_FALSE(db_->Write([&](Tx& t) { return TxBase(t).RememberRequest(key, "things/2", 6); }).ok());
}

TEST(SchemaTest, SharedStepsReadAsEachDialect) {
  Step s = Both("CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL, n BIGINT, b BYTEA);");
  EXPECT_EQ(s.postgres,
            "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL, n BIGINT, b BYTEA);");
  EXPECT_EQ(s.sqlite, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, n INTEGER, b BLOB);");
  EXPECT_EQ(Both("ALTER TABLE t ADD COLUMN b BYTEA NOT NULL DEFAULT '\\x';").sqlite,
            "ALTER TABLE t ADD COLUMN b BLOB NOT NULL DEFAULT x'';");
  const Schema& schema = TestSchema();
  EXPECT_EQ(schema.For(Dialect::kSqlite).size(), 5u);
  EXPECT_EQ(schema.For(Dialect::kSqlite).front(),
            "CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data BLOB);");
}

TEST(SchemaTest, PostgresTakesTheHistoryStepsItTookTogetherAsOne) {
  const Schema schema{
      .history = {Both("CREATE TABLE a (x BIGINT);\n"), Both("CREATE TABLE b (y BIGINT);\n"),
                  Step{.sqlite = "CREATE VIRTUAL TABLE s USING fts5(t);\n", .postgres = "CREATE INDEX s ON b(y);\n"},
                  Both("ALTER TABLE a ADD COLUMN z TEXT;\n")},
      .postgres_took = {{1, 2, 3}, {4}},
      .steps = {Both("CREATE TABLE c (id TEXT);\n")},
  };
  EXPECT_EQ(schema.For(Dialect::kSqlite),
            (std::vector<std::string>{"CREATE TABLE a (x INTEGER);\n", "CREATE TABLE b (y INTEGER);\n",
                                      "CREATE VIRTUAL TABLE s USING fts5(t);\n", "ALTER TABLE a ADD COLUMN z TEXT;\n",
                                      "CREATE TABLE c (id TEXT);\n"}));
  EXPECT_EQ(
      schema.For(Dialect::kPostgres),
      (std::vector<std::string>{"CREATE TABLE a (x BIGINT);\nCREATE TABLE b (y BIGINT);\nCREATE INDEX s ON b(y);\n",
                                "ALTER TABLE a ADD COLUMN z TEXT;\n", "CREATE TABLE c (id TEXT);\n"}));
}

}  // namespace
}  // namespace atrium::db
