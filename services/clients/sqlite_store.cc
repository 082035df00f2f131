#include "services/clients/sqlite_store.h"

#include "absl/strings/str_cat.h"
#include "common/text.h"
#include "common/time_util.h"

namespace atrium::clients {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using v1::Account;

const sqlite::Migrations kMigrations = {
    // 1: accounts, sub-resources, idempotency keys.
    R"sql(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  name_norm TEXT NOT NULL UNIQUE,
  search_text TEXT NOT NULL,
  credit_code TEXT UNIQUE,
  owner TEXT NOT NULL,
  industry_segment TEXT NOT NULL,
  kind INTEGER NOT NULL,
  vip_level INTEGER NOT NULL,
  state INTEGER NOT NULL,
  create_micros INTEGER NOT NULL,
  update_micros INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX accounts_by_name ON accounts(state, display_name, id);
CREATE INDEX accounts_by_create ON accounts(state, create_micros, id);
CREATE INDEX accounts_by_update ON accounts(state, update_micros, id);
CREATE INDEX accounts_by_owner ON accounts(owner, state, display_name, id);
CREATE INDEX accounts_by_segment ON accounts(industry_segment, state, display_name, id);
CREATE TABLE children (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  state INTEGER NOT NULL,
  category INTEGER NOT NULL,
  due_micros INTEGER NOT NULL,
  person TEXT NOT NULL,
  reference TEXT,
  sort_key INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX children_by_account ON children(kind, account_id, sort_key, name);
CREATE INDEX children_by_kind ON children(kind, sort_key, name);
CREATE INDEX children_by_due ON children(kind, state, due_micros);
CREATE UNIQUE INDEX children_by_reference ON children(kind, account_id, reference) WHERE reference IS NOT NULL;
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros INTEGER NOT NULL,
  PRIMARY KEY (method, request_id)
);
)sql",
    // 2: the KAM's book by segment, the most common combined filter; with
    // separate indexes a combination that matches nothing scanned a segment.
    R"sql(
CREATE INDEX accounts_by_owner_segment ON accounts(owner, industry_segment, state, display_name, id);
)sql",
    // 3: name search by substring through an FTS5 trigram index over the
    // normalised names. The index refers to accounts by search_rowid, a column
    // of its own (VACUUM may renumber an implicit rowid; this column stays).
    R"sql(
ALTER TABLE accounts ADD COLUMN search_rowid INTEGER;
UPDATE accounts SET search_rowid = rowid;
CREATE UNIQUE INDEX accounts_by_search_rowid ON accounts(search_rowid);
CREATE VIRTUAL TABLE accounts_search USING fts5(
  search_text, content='accounts', content_rowid='search_rowid', tokenize='trigram');
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO accounts_search(rowid, search_text) VALUES (new.search_rowid, new.search_text);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
  INSERT INTO accounts_search(accounts_search, rowid, search_text) VALUES ('delete', old.search_rowid, old.search_text);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF search_text ON accounts BEGIN
  INSERT INTO accounts_search(accounts_search, rowid, search_text) VALUES ('delete', old.search_rowid, old.search_text);
  INSERT INTO accounts_search(rowid, search_text) VALUES (new.search_rowid, new.search_text);
END;
INSERT INTO accounts_search(accounts_search) VALUES ('rebuild');
)sql",
    // 4: only records with a deadline (visits, feedback) in the deadline
    // index; every write appends an activity, which has none.
    R"sql(
DROP INDEX children_by_due;
CREATE INDEX children_by_due ON children(kind, state, due_micros) WHERE due_micros > 0;
)sql",
    // 5: request ids scoped to their caller, with the digest of the request
    // that used them (common/request_ids.h); the primary key changes, so the
    // table is rebuilt. Ids recorded before have no caller, so no caller's
    // key reaches them: a retry sent across this upgrade creates anew.
    sqlite::kRequestIdsByCallerMigration,
    // 6: the outbox of alerts to the notifications service (feedback to the
    // departments concerned, major and overdue complaints) and the marks of
    // what the service has dealt with.
    std::string(sqlite::kOutboxSchema) + R"sql(
CREATE TABLE marks (
  name TEXT PRIMARY KEY,
  micros INTEGER NOT NULL
);
)sql",
};

constexpr char kChildColumns[] =
    "name, kind, account_id, state, category, due_micros, person, reference, sort_key, data";

ChildRecord ReadChild(Statement& st) {
  ChildRecord r;
  r.name = st.Text(0);
  r.kind = st.Text(1);
  r.account_id = st.Text(2);
  r.state = static_cast<int>(st.Int(3));
  r.category = static_cast<int>(st.Int(4));
  r.due_micros = st.Int(5);
  r.person = st.Text(6);
  r.reference = st.Text(7);
  r.sort_key = st.Int(8);
  r.data = st.Blob(9);
  return r;
}

absl::StatusOr<Account> ParseAccount(const std::string& bytes) {
  return sqlite::ParseStored<Account>(bytes, "account");
}

// Escapes LIKE wildcards; the pattern uses ESCAPE '\'.
std::string LikeContains(const std::string& s) {
  std::string out = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

// An FTS5 phrase: with the trigram tokenizer it matches the text as a substring.
std::string FtsPhrase(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

class SqliteTx final : public ClientsTx {
 public:
  SqliteTx(Connection& db, bool writable) : db_(db), writable_(writable) {}

  absl::StatusOr<std::optional<Account>> GetAccount(const std::string& id) override {
    Statement& st = db_.Prepare("SELECT data FROM accounts WHERE id = ?");
    st.Bind(1, id);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<Account>();
    auto a = ParseAccount(st.Blob(0));
    if (!a.ok()) return a.status();
    return std::optional<Account>(std::move(*a));
  }

  absl::StatusOr<std::optional<std::string>> FindAccountByCreditCode(const std::string& code) override {
    return FindId("SELECT id FROM accounts WHERE credit_code = ?", code);
  }

  absl::StatusOr<std::optional<std::string>> FindAccountByNormalizedName(const std::string& norm) override {
    return FindId("SELECT id FROM accounts WHERE name_norm = ?", norm);
  }

  absl::Status PutAccount(const std::string& id, const Account& a) override {
    return PutAccountRow(MakeAccountRow(id, a));
  }

  absl::Status PutAccountRow(const AccountRow& row) override {
    if (!writable_) return absl::InternalError("write in a read transaction");
    const Account& a = row.account;
    Statement& st = db_.Prepare(
        "INSERT INTO accounts(id, display_name, name_norm, search_text, credit_code, owner, industry_segment, kind,"
        " vip_level, state, create_micros, update_micros, data, search_rowid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,"
        " (SELECT IFNULL(MAX(search_rowid), 0) + 1 FROM accounts))"
        " ON CONFLICT(id) DO UPDATE SET display_name=excluded.display_name, name_norm=excluded.name_norm,"
        " search_text=excluded.search_text, credit_code=excluded.credit_code, owner=excluded.owner,"
        " industry_segment=excluded.industry_segment, kind=excluded.kind, vip_level=excluded.vip_level,"
        " state=excluded.state, update_micros=excluded.update_micros, data=excluded.data");
    st.Bind(1, row.id)
        .Bind(2, a.display_name())
        .Bind(3, row.name_norm)
        .Bind(4, row.search_text)
        .BindOptional(5, a.credit_code())
        .Bind(6, a.owner())
        .Bind(7, a.industry_segment())
        .Bind(8, static_cast<int64_t>(a.kind()))
        .Bind(9, static_cast<int64_t>(a.vip_level()))
        .Bind(10, static_cast<int64_t>(a.state()))
        .Bind(11, ToUnixMicros(a.audit().create_time()))
        .Bind(12, ToUnixMicros(a.audit().update_time()))
        .BindBlob(13, row.serialized);
    return st.Run();
  }

  absl::StatusOr<std::vector<Account>> ListAccounts(const AccountQuery& q) override {
    std::string sort_col;
    bool desc = false;
    switch (q.order) {
      case AccountOrder::kDisplayName: sort_col = "display_name"; break;
      case AccountOrder::kCreateTime: sort_col = "create_micros"; break;
      case AccountOrder::kCreateTimeDesc: sort_col = "create_micros", desc = true; break;
      case AccountOrder::kUpdateTimeDesc: sort_col = "update_micros", desc = true; break;
    }
    const bool numeric = sort_col != "display_name";
    // Three characters and more go through the trigram index, which then
    // drives the query (matches are looked up, filtered and sorted); shorter
    // queries cannot use it and scan in list order until the page is full.
    const bool indexed = Utf8Length(q.name_contains) >= 3;
    std::string sql = indexed ? "SELECT a.data FROM accounts_search s CROSS JOIN accounts a"
                                " ON a.search_rowid = s.rowid WHERE s.accounts_search MATCH ?6 AND a.state = ?1"
                              : "SELECT a.data FROM accounts a WHERE a.state = ?1";
    if (!q.owner.empty()) sql += " AND a.owner = ?2";
    if (!q.industry_segment.empty()) sql += " AND a.industry_segment = ?3";
    if (q.kind != 0) sql += " AND a.kind = ?4";
    if (q.min_vip_level != 0) sql += " AND a.vip_level >= ?5";
    if (!q.name_contains.empty() && !indexed) sql += " AND a.search_text LIKE ?6 ESCAPE '\\'";
    if (q.after) sql += absl::StrCat(" AND (a.", sort_col, ", a.id) ", desc ? "<" : ">", " (?7, ?8)");
    sql += absl::StrCat(" ORDER BY a.", sort_col, desc ? " DESC" : "", ", a.id", desc ? " DESC" : "", " LIMIT ?9");
    Statement& st = db_.Prepare(sql);
    st.Bind(1, static_cast<int64_t>(q.state));
    if (!q.owner.empty()) st.Bind(2, q.owner);
    if (!q.industry_segment.empty()) st.Bind(3, q.industry_segment);
    if (q.kind != 0) st.Bind(4, static_cast<int64_t>(q.kind));
    if (q.min_vip_level != 0) st.Bind(5, static_cast<int64_t>(q.min_vip_level));
    if (!q.name_contains.empty()) st.Bind(6, indexed ? FtsPhrase(q.name_contains) : LikeContains(q.name_contains));
    if (q.after) {
      if (numeric) {
        st.Bind(7, static_cast<int64_t>(std::stoll(q.after->first)));
      } else {
        st.Bind(7, q.after->first);
      }
      st.Bind(8, q.after->second);
    }
    st.Bind(9, static_cast<int64_t>(q.limit));
    std::vector<Account> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto a = ParseAccount(st.Blob(0));
      if (!a.ok()) return a.status();
      out.push_back(std::move(*a));
    }
    return out;
  }

  absl::StatusOr<std::optional<ChildRecord>> GetChild(const std::string& name) override {
    Statement& st = db_.Prepare(absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE name = ?"));
    st.Bind(1, name);
    return OneChild(st);
  }

  absl::StatusOr<std::optional<ChildRecord>> FindChildByReference(const std::string& kind,
                                                                  const std::string& account_id,
                                                                  const std::string& reference) override {
    Statement& st = db_.Prepare(
        absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE kind = ? AND account_id = ? AND reference = ?"));
    st.Bind(1, kind).Bind(2, account_id).Bind(3, reference);
    return OneChild(st);
  }

  absl::Status PutChild(const ChildRecord& r) override {
    if (!writable_) return absl::InternalError("write in a read transaction");
    Statement& st =
        db_.Prepare(absl::StrCat("INSERT OR REPLACE INTO children(", kChildColumns, ") VALUES (?,?,?,?,?,?,?,?,?,?)"));
    st.Bind(1, r.name)
        .Bind(2, r.kind)
        .Bind(3, r.account_id)
        .Bind(4, static_cast<int64_t>(r.state))
        .Bind(5, static_cast<int64_t>(r.category))
        .Bind(6, r.due_micros)
        .Bind(7, r.person)
        .BindOptional(8, r.reference)
        .Bind(9, r.sort_key)
        .BindBlob(10, r.data);
    return st.Run();
  }

  absl::Status DeleteChild(const std::string& name) override {
    if (!writable_) return absl::InternalError("write in a read transaction");
    Statement& st = db_.Prepare("DELETE FROM children WHERE name = ?");
    st.Bind(1, name);
    return st.Run();
  }

  absl::StatusOr<std::vector<ChildRecord>> ListChildren(const ChildQuery& q) override {
    std::string sql = absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE kind = ?1");
    if (!q.account_id.empty()) sql += " AND account_id = ?2";
    if (!q.states.empty()) {
      sql += " AND state IN (";
      for (size_t i = 0; i < q.states.size(); ++i) sql += absl::StrCat(i ? "," : "", q.states[i]);
      sql += ")";
    }
    if (q.category != 0) sql += " AND category = ?8";
    if (q.due_before > 0) sql += " AND due_micros > 0 AND due_micros < ?3";
    if (q.due_from > 0) sql += " AND due_micros >= ?9";
    if (!q.person.empty()) sql += " AND person = ?4";
    if (q.after) sql += " AND (sort_key, name) > (?5, ?6)";
    sql += " ORDER BY sort_key, name LIMIT ?7";
    Statement& st = db_.Prepare(sql);
    st.Bind(1, q.kind);
    if (!q.account_id.empty()) st.Bind(2, q.account_id);
    if (q.due_before > 0) st.Bind(3, q.due_before);
    if (!q.person.empty()) st.Bind(4, q.person);
    if (q.after) st.Bind(5, q.after->first).Bind(6, q.after->second);
    st.Bind(7, static_cast<int64_t>(q.limit));
    if (q.category != 0) st.Bind(8, static_cast<int64_t>(q.category));
    if (q.due_from > 0) st.Bind(9, q.due_from);
    std::vector<ChildRecord> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.push_back(ReadChild(st));
    }
    return out;
  }

  absl::StatusOr<std::optional<RememberedRequest>> LookupRequest(const RequestKey& key) override {
    return sqlite::LookupRequest(db_, key);
  }

  absl::Status RememberRequest(const RequestKey& key, const std::string& resource_name, int64_t now_micros) override {
    return sqlite::RememberRequest(db_, key, resource_name, now_micros);
  }

  absl::Status AddOutbox(const OutboxMessage& message, int64_t now_micros) override {
    return sqlite::AddOutbox(db_, message, now_micros);
  }
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now_micros, int limit) override {
    return sqlite::DueOutbox(db_, now_micros, limit);
  }
  absl::Status DeleteOutbox(int64_t id) override { return sqlite::DeleteOutbox(db_, id); }
  absl::Status RetryOutbox(int64_t id, int64_t next_attempt_micros) override {
    return sqlite::RetryOutbox(db_, id, next_attempt_micros);
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> OutboxDepth() override { return sqlite::OutboxDepth(db_); }

  absl::StatusOr<int64_t> GetMark(const std::string& name) override {
    Statement& st = db_.Prepare("SELECT micros FROM marks WHERE name = ?");
    st.Bind(1, name);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    const int64_t out = *row ? st.Int(0) : 0;
    st.Reset();
    return out;
  }
  absl::Status SetMark(const std::string& name, int64_t micros) override {
    return db_.Prepare("INSERT INTO marks(name, micros) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET micros = ?2")
        .Bind(1, name)
        .Bind(2, micros)
        .Run();
  }

 private:
  absl::StatusOr<std::optional<std::string>> FindId(const std::string& sql, const std::string& value) {
    Statement& st = db_.Prepare(sql);
    st.Bind(1, value);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(st.Text(0));
  }

  absl::StatusOr<std::optional<ChildRecord>> OneChild(Statement& st) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<ChildRecord>();
    return std::optional<ChildRecord>(ReadChild(st));
  }

  Connection& db_;
  bool writable_;
};

}  // namespace

const sqlite::Migrations& ClientsMigrations() { return kMigrations; }

AccountRow MakeAccountRow(const std::string& id, const Account& a) {
  AccountRow row;
  row.id = id;
  row.account = a;
  row.serialized = a.SerializeAsString();
  row.name_norm = NormalizeName(a.display_name());
  row.search_text = row.name_norm + "\x1f" + NormalizeName(a.legal_name());
  return row;
}

absl::StatusOr<std::unique_ptr<SqliteClientsStore>> SqliteClientsStore::Open(const std::string& path, int readers) {
  auto pool = sqlite::ConnectionPool::Open(path, kMigrations, readers < 1 ? 1 : readers);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<SqliteClientsStore>(new SqliteClientsStore(std::move(*pool)));
}

absl::Status SqliteClientsStore::Write(const std::function<absl::Status(ClientsTx&)>& fn) {
  return sqlite::WriteAs<SqliteTx>(*pool_, fn);
}

absl::Status SqliteClientsStore::Read(const std::function<absl::Status(ClientsTx&)>& fn) {
  return sqlite::ReadAs<SqliteTx>(*pool_, fn);
}

}  // namespace atrium::clients
