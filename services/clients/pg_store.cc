#include "services/clients/pg_store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::clients {
namespace {

using pg::Bytes;
using pg::Int;
using pg::Text;
using v1::Account;

// The SQLite schema's migrations, in PostgreSQL's dialect, as one; name
// search through pg_trgm instead of FTS5.
const pg::Migrations kMigrations = {
    R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE accounts (
  id TEXT COLLATE "C" PRIMARY KEY,
  display_name TEXT COLLATE "C" NOT NULL,
  name_norm TEXT NOT NULL UNIQUE,
  search_text TEXT NOT NULL,
  credit_code TEXT UNIQUE,
  owner TEXT NOT NULL,
  industry_segment TEXT NOT NULL,
  kind INTEGER NOT NULL,
  vip_level INTEGER NOT NULL,
  state INTEGER NOT NULL,
  create_micros BIGINT NOT NULL,
  update_micros BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX accounts_by_name ON accounts(state, display_name, id);
CREATE INDEX accounts_by_create ON accounts(state, create_micros, id);
CREATE INDEX accounts_by_update ON accounts(state, update_micros, id);
CREATE INDEX accounts_by_owner ON accounts(owner, state, display_name, id);
CREATE INDEX accounts_by_segment ON accounts(industry_segment, state, display_name, id);
CREATE INDEX accounts_by_owner_segment ON accounts(owner, industry_segment, state, display_name, id);
CREATE INDEX accounts_search ON accounts USING gin (search_text gin_trgm_ops);
CREATE TABLE children (
  name TEXT COLLATE "C" PRIMARY KEY,
  kind TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  state INTEGER NOT NULL,
  category INTEGER NOT NULL,
  due_micros BIGINT NOT NULL,
  person TEXT NOT NULL,
  reference TEXT,
  sort_key BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX children_by_account ON children(kind, account_id, sort_key, name);
CREATE INDEX children_by_kind ON children(kind, sort_key, name);
CREATE INDEX children_by_due ON children(kind, state, due_micros) WHERE due_micros > 0;
CREATE UNIQUE INDEX children_by_reference ON children(kind, account_id, reference) WHERE reference IS NOT NULL;
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  PRIMARY KEY (method, request_id)
);
)sql",
    // 2: request ids scoped to their caller, with the digest of the request
    // that used them (common/request_ids.h). Ids recorded before have no
    // caller, so no caller's key reaches them: a retry sent across this
    // upgrade creates anew.
    R"sql(
ALTER TABLE request_ids ADD COLUMN caller TEXT NOT NULL DEFAULT '';
ALTER TABLE request_ids ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE request_ids DROP CONSTRAINT request_ids_pkey;
ALTER TABLE request_ids ADD PRIMARY KEY (method, caller, request_id);
)sql",
    // 3: the outbox of alerts to the notifications service and the marks of
    // what the service has dealt with (SQLite step 6).
    std::string(pg::kOutboxSchema) + R"sql(
CREATE TABLE marks (
  name TEXT PRIMARY KEY,
  micros BIGINT NOT NULL
);
)sql",
};

constexpr char kChildColumns[] =
    "name, kind, account_id, state, category, due_micros, person, COALESCE(reference, ''), sort_key, data";

std::vector<ChildRecord> Children(const pg::Result& r) {
  std::vector<ChildRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    ChildRecord c;
    c.name = r.Text(i, 0);
    c.kind = r.Text(i, 1);
    c.account_id = r.Text(i, 2);
    c.state = static_cast<int>(r.Int(i, 3));
    c.category = static_cast<int>(r.Int(i, 4));
    c.due_micros = r.Int(i, 5);
    c.person = r.Text(i, 6);
    c.reference = r.Text(i, 7);
    c.sort_key = r.Int(i, 8);
    c.data = r.Bytes(i, 9);
    out.push_back(std::move(c));
  }
  return out;
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

// NULL for an empty optional text (credit code, reference).
pg::Param Optional(const std::string& s) { return s.empty() ? Text("") : Text(s); }

class PgTx final : public ClientsTx {
 public:
  explicit PgTx(pg::Connection& db) : db_(db) {}

  absl::StatusOr<std::optional<Account>> GetAccount(const std::string& id) override {
    auto r = db_.Exec("SELECT data FROM accounts WHERE id = $1", {Text(id)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<Account>();
    Account a;
    if (!a.ParseFromString(r->Bytes(0, 0))) return absl::DataLossError("a stored account is corrupt");
    return std::optional<Account>(std::move(a));
  }

  absl::StatusOr<std::optional<std::string>> FindAccountByCreditCode(const std::string& code) override {
    return FindId("SELECT id FROM accounts WHERE credit_code = $1", code);
  }

  absl::StatusOr<std::optional<std::string>> FindAccountByNormalizedName(const std::string& norm) override {
    return FindId("SELECT id FROM accounts WHERE name_norm = $1", norm);
  }

  absl::Status PutAccount(const std::string& id, const Account& a) override {
    return PutAccountRow(MakeAccountRow(id, a));
  }

  absl::Status PutAccountRow(const AccountRow& row) override {
    const Account& a = row.account;
    return db_
        .Exec(
            "INSERT INTO accounts(id, display_name, name_norm, search_text, credit_code, owner, industry_segment,"
            " kind, vip_level, state, create_micros, update_micros, data)"
            " VALUES ($1,$2,$3,$4,NULLIF($5, ''),$6,$7,$8,$9,$10,$11,$12,$13)"
            " ON CONFLICT(id) DO UPDATE SET display_name=EXCLUDED.display_name, name_norm=EXCLUDED.name_norm,"
            " search_text=EXCLUDED.search_text, credit_code=EXCLUDED.credit_code, owner=EXCLUDED.owner,"
            " industry_segment=EXCLUDED.industry_segment, kind=EXCLUDED.kind, vip_level=EXCLUDED.vip_level,"
            " state=EXCLUDED.state, update_micros=EXCLUDED.update_micros, data=EXCLUDED.data",
            {Text(row.id), Text(a.display_name()), Text(row.name_norm), Text(row.search_text),
             Optional(a.credit_code()), Text(a.owner()), Text(a.industry_segment()), Int(a.kind()), Int(a.vip_level()),
             Int(a.state()), Int(ToUnixMicros(a.audit().create_time())), Int(ToUnixMicros(a.audit().update_time())),
             Bytes(row.serialized)})
        .status();
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
    std::vector<pg::Param> params;
    auto param = [&](pg::Param p) {
      params.push_back(std::move(p));
      return absl::StrCat("$", params.size());
    };
    std::string sql = "SELECT data FROM accounts WHERE state = " + param(Int(q.state));
    if (!q.owner.empty()) sql += " AND owner = " + param(Text(q.owner));
    if (!q.industry_segment.empty()) sql += " AND industry_segment = " + param(Text(q.industry_segment));
    if (q.kind != 0) sql += " AND kind = " + param(Int(q.kind));
    if (q.min_vip_level != 0) sql += " AND vip_level >= " + param(Int(q.min_vip_level));
    if (!q.name_contains.empty()) {
      sql += " AND search_text LIKE " + param(Text(LikeContains(q.name_contains))) + " ESCAPE '\\'";
    }
    if (q.after) {
      // (Names and ids are in the "C" collation: byte order, as in SQLite.)
      const std::string value =
          sort_col == "display_name" ? param(Text(q.after->first)) : param(Int(std::stoll(q.after->first)));
      sql += absl::StrCat(" AND (", sort_col, ", id) ", desc ? "<" : ">", " (", value, ", ",
                          param(Text(q.after->second)), ")");
    }
    sql += absl::StrCat(" ORDER BY ", sort_col, desc ? " DESC" : "", ", id", desc ? " DESC" : "", " LIMIT ",
                        param(Int(q.limit)));
    auto r = db_.Exec(sql, params);
    if (!r.ok()) return r.status();
    std::vector<Account> out;
    for (int i = 0; i < r->rows(); ++i) {
      Account a;
      if (!a.ParseFromString(r->Bytes(i, 0))) return absl::DataLossError("a stored account is corrupt");
      out.push_back(std::move(a));
    }
    return out;
  }

  absl::StatusOr<std::optional<ChildRecord>> GetChild(const std::string& name) override {
    return OneChild(db_.Exec(absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE name = $1"), {Text(name)}));
  }

  absl::StatusOr<std::optional<ChildRecord>> FindChildByReference(const std::string& kind,
                                                                  const std::string& account_id,
                                                                  const std::string& reference) override {
    return OneChild(db_.Exec(
        absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE kind = $1 AND account_id = $2 AND reference = $3"),
        {Text(kind), Text(account_id), Text(reference)}));
  }

  absl::Status PutChild(const ChildRecord& r) override {
    return db_
        .Exec(
            "INSERT INTO children(name, kind, account_id, state, category, due_micros, person, reference, sort_key,"
            " data) VALUES ($1,$2,$3,$4,$5,$6,$7,NULLIF($8, ''),$9,$10)"
            " ON CONFLICT(name) DO UPDATE SET kind=EXCLUDED.kind, account_id=EXCLUDED.account_id,"
            " state=EXCLUDED.state, category=EXCLUDED.category, due_micros=EXCLUDED.due_micros,"
            " person=EXCLUDED.person, reference=EXCLUDED.reference, sort_key=EXCLUDED.sort_key, data=EXCLUDED.data",
            {Text(r.name), Text(r.kind), Text(r.account_id), Int(r.state), Int(r.category), Int(r.due_micros),
             Text(r.person), Optional(r.reference), Int(r.sort_key), Bytes(r.data)})
        .status();
  }

  absl::Status DeleteChild(const std::string& name) override {
    return db_.Exec("DELETE FROM children WHERE name = $1", {Text(name)}).status();
  }

  absl::StatusOr<std::vector<ChildRecord>> ListChildren(const ChildQuery& q) override {
    std::vector<pg::Param> params;
    auto param = [&](pg::Param p) {
      params.push_back(std::move(p));
      return absl::StrCat("$", params.size());
    };
    std::string sql = absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE kind = ", param(Text(q.kind)));
    if (!q.account_id.empty()) sql += " AND account_id = " + param(Text(q.account_id));
    if (!q.states.empty()) {
      sql += " AND state IN (";
      for (size_t i = 0; i < q.states.size(); ++i) sql += absl::StrCat(i ? "," : "", q.states[i]);
      sql += ")";
    }
    if (q.category != 0) sql += " AND category = " + param(Int(q.category));
    if (q.due_before > 0) sql += " AND due_micros > 0 AND due_micros < " + param(Int(q.due_before));
    if (q.due_from > 0) sql += " AND due_micros >= " + param(Int(q.due_from));
    if (!q.person.empty()) sql += " AND person = " + param(Text(q.person));
    if (q.after) {
      const std::string key = param(Int(q.after->first));
      sql += " AND (sort_key, name) > (" + key + ", " + param(Text(q.after->second)) + ")";
    }
    sql += " ORDER BY sort_key, name LIMIT " + param(Int(q.limit));
    auto r = db_.Exec(sql, params);
    if (!r.ok()) return r.status();
    return Children(*r);
  }

  absl::StatusOr<std::optional<RememberedRequest>> LookupRequest(const RequestKey& key) override {
    return pg::LookupRequest(db_, key);
  }

  absl::Status RememberRequest(const RequestKey& key, const std::string& resource_name, int64_t now_micros) override {
    return pg::RememberRequest(db_, key, resource_name, now_micros);
  }

  absl::Status AddOutbox(const OutboxMessage& message, int64_t now_micros) override {
    return pg::AddOutbox(db_, message, now_micros);
  }
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now_micros, int limit) override {
    return pg::DueOutbox(db_, now_micros, limit);
  }
  absl::Status DeleteOutbox(int64_t id) override { return pg::DeleteOutbox(db_, id); }
  absl::Status RetryOutbox(int64_t id, int64_t next_attempt_micros) override {
    return pg::RetryOutbox(db_, id, next_attempt_micros);
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> OutboxDepth() override { return pg::OutboxDepth(db_); }

  absl::StatusOr<int64_t> GetMark(const std::string& name) override {
    auto r = db_.Exec("SELECT micros FROM marks WHERE name = $1", {Text(name)});
    if (!r.ok()) return r.status();
    return r->rows() == 0 ? int64_t{0} : r->Int(0, 0);
  }
  absl::Status SetMark(const std::string& name, int64_t micros) override {
    return db_
        .Exec("INSERT INTO marks(name, micros) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET micros = $2",
              {Text(name), Int(micros)})
        .status();
  }

 private:
  absl::StatusOr<std::optional<std::string>> FindId(const std::string& sql, const std::string& value) {
    auto r = db_.Exec(sql, {Text(value)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<std::string>();
    return std::optional<std::string>(r->Text(0, 0));
  }

  absl::StatusOr<std::optional<ChildRecord>> OneChild(const absl::StatusOr<pg::Result>& r) {
    if (!r.ok()) return r.status();
    auto rows = Children(*r);
    if (rows.empty()) return std::optional<ChildRecord>();
    return std::optional<ChildRecord>(std::move(rows.front()));
  }

  pg::Connection& db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgClientsStore>> PgClientsStore::Open(const std::string& url, int connections) {
  auto pool = pg::Pool::Open(url, kMigrations, connections);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<PgClientsStore>(new PgClientsStore(std::move(*pool)));
}

absl::Status PgClientsStore::Write(const std::function<absl::Status(ClientsTx&)>& fn) {
  return pg::WriteAs<PgTx>(*pool_, fn);
}

absl::Status PgClientsStore::Read(const std::function<absl::Status(ClientsTx&)>& fn) {
  return pg::ReadAs<PgTx>(*pool_, fn);
}

}  // namespace atrium::clients
