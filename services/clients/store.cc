// The archive's queries, once for both backends; where SQLite and
// PostgreSQL differ (name search: FTS5 against pg_trgm), side by side.
#include "services/clients/store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"

namespace atrium::clients {
namespace {

using db::Arg;
using db::Dialect;
using v1::Account;

constexpr char kChildColumns[] =
    "name, kind, account_id, state, category, due_micros, person, COALESCE(reference, ''), sort_key, data";

std::vector<ChildRecord> Children(const db::Rows& r) {
  std::vector<ChildRecord> out(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    ChildRecord& c = out[static_cast<size_t>(i)];
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
  }
  return out;
}

absl::StatusOr<std::optional<ChildRecord>> OneChild(const absl::StatusOr<db::Rows>& r) {
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<ChildRecord>();
  return std::optional<ChildRecord>(std::move(Children(*r).front()));
}

absl::StatusOr<std::optional<std::string>> OneId(const absl::StatusOr<db::Rows>& r) {
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->Text(0, 0));
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

}  // namespace

AccountRow MakeAccountRow(const std::string& id, const Account& a) {
  AccountRow row;
  row.id = id;
  row.account = a;
  row.serialized = a.SerializeAsString();
  row.name_norm = NormalizeName(a.display_name());
  row.search_text = row.name_norm + "\x1f" + NormalizeName(a.legal_name());
  return row;
}

absl::StatusOr<std::optional<Account>> ClientsTx::GetAccount(const std::string& id) {
  return db::Message<Account>(tx_.Query("SELECT data FROM accounts WHERE id = $1", {id}), "account");
}

absl::StatusOr<std::optional<std::string>> ClientsTx::FindAccountByCreditCode(const std::string& code) {
  return OneId(tx_.Query("SELECT id FROM accounts WHERE credit_code = $1", {code}));
}

absl::StatusOr<std::optional<std::string>> ClientsTx::FindAccountByNormalizedName(const std::string& norm) {
  return OneId(tx_.Query("SELECT id FROM accounts WHERE name_norm = $1", {norm}));
}

absl::Status ClientsTx::PutAccount(const std::string& id, const Account& a) {
  return PutAccountRow(MakeAccountRow(id, a));
}

absl::Status ClientsTx::PutAccountRow(const AccountRow& row) {
  const Account& a = row.account;
  // SQLite's search index refers to an account by a number of its own,
  // given on insert (schema.cc, step 3).
  const bool lite = tx_.dialect() == Dialect::kSqlite;
  return tx_.Exec(
      absl::StrCat("INSERT INTO accounts(id, display_name, name_norm, search_text, credit_code, owner,"
                   " industry_segment, kind, vip_level, state, create_micros, update_micros, data, created_owner,"
                   " created_segment",
                   lite ? ", search_rowid" : "",
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $6, $7",
                   lite ? ", (SELECT COALESCE(MAX(search_rowid), 0) + 1 FROM accounts)" : "",
                   ") ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,"
                   " name_norm = excluded.name_norm, search_text = excluded.search_text,"
                   " credit_code = excluded.credit_code, owner = excluded.owner,"
                   " industry_segment = excluded.industry_segment, kind = excluded.kind,"
                   " vip_level = excluded.vip_level, state = excluded.state,"
                   " update_micros = excluded.update_micros, data = excluded.data"),
      {row.id, a.display_name(), row.name_norm, row.search_text, Arg::OrNull(a.credit_code()), a.owner(),
       a.industry_segment(), a.kind(), a.vip_level(), a.state(), ToUnixMicros(a.audit().create_time()),
       ToUnixMicros(a.audit().update_time()), Arg::Blob(row.serialized)});
}

absl::StatusOr<std::vector<Account>> ClientsTx::ListAccounts(const AccountQuery& q) {
  std::string sort_col;
  bool desc = false;
  switch (q.order) {
    case AccountOrder::kDisplayName: sort_col = "display_name"; break;
    case AccountOrder::kCreateTime: sort_col = "create_micros"; break;
    case AccountOrder::kCreateTimeDesc: sort_col = "create_micros", desc = true; break;
    case AccountOrder::kUpdateTimeDesc: sort_col = "update_micros", desc = true; break;
  }
  db::Params p;
  std::string sql;
  // Name search: SQLite looks three characters and more up in its FTS5
  // trigram index, which then drives the query (matches are filtered and
  // sorted); shorter queries, and PostgreSQL (whose planner picks its
  // pg_trgm index itself), filter with LIKE.
  const bool fts = tx_.dialect() == Dialect::kSqlite && Utf8Length(q.name_contains) >= 3;
  if (fts) {
    sql =
        "SELECT a.data FROM accounts_search s CROSS JOIN accounts a ON a.search_rowid = s.rowid"
        " WHERE s.accounts_search MATCH " +
        p.Add(FtsPhrase(q.name_contains)) + " AND a.state = " + p.Add(q.state);
  } else {
    sql = "SELECT a.data FROM accounts a WHERE a.state = " + p.Add(q.state);
    if (!q.name_contains.empty())
      sql += " AND a.search_text LIKE " + p.Add(db::LikeContains(q.name_contains)) + " ESCAPE '\\'";
  }
  if (!q.owner.empty()) sql += " AND a.owner = " + p.Add(q.owner);
  if (!q.industry_segment.empty()) sql += " AND a.industry_segment = " + p.Add(q.industry_segment);
  if (q.kind != 0) sql += " AND a.kind = " + p.Add(q.kind);
  if (q.min_vip_level != 0) sql += " AND a.vip_level >= " + p.Add(q.min_vip_level);
  if (q.after) {
    // (Names and ids compare bytewise on both: "C" collation in PostgreSQL.)
    const std::string value =
        sort_col == "display_name" ? p.Add(q.after->first) : p.Add(int64_t{std::stoll(q.after->first)});
    sql += absl::StrCat(" AND (a.", sort_col, ", a.id) ", desc ? "<" : ">", " (", value, ", ", p.Add(q.after->second),
                        ")");
  }
  sql += absl::StrCat(" ORDER BY a.", sort_col, desc ? " DESC" : "", ", a.id", desc ? " DESC" : "", " LIMIT ",
                      p.Add(q.limit));
  return db::Messages<Account>(tx_.Query(sql, p.args()), "account");
}

absl::StatusOr<std::optional<ChildRecord>> ClientsTx::GetChild(const std::string& name) {
  return OneChild(tx_.Query(absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE name = $1"), {name}));
}

absl::StatusOr<std::optional<ChildRecord>> ClientsTx::FindChildByReference(const std::string& kind,
                                                                           const std::string& account_id,
                                                                           const std::string& reference) {
  return OneChild(tx_.Query(
      absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE kind = $1 AND account_id = $2 AND reference = $3"),
      {kind, account_id, reference}));
}

absl::Status ClientsTx::PutChild(const ChildRecord& r) {
  // The owner and segment of the account when the record is added stay
  // with it (the figures of the book count for them).
  return tx_.Exec(
      "INSERT INTO children(name, kind, account_id, state, category, due_micros, person, reference, sort_key, data,"
      " owner, segment, amount, done_micros) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
      " COALESCE((SELECT a.owner FROM accounts a WHERE a.id = $3), ''),"
      " COALESCE((SELECT a.industry_segment FROM accounts a WHERE a.id = $3), ''), $11, $12)"
      " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, account_id = excluded.account_id,"
      " state = excluded.state, category = excluded.category, due_micros = excluded.due_micros,"
      " person = excluded.person, reference = excluded.reference, sort_key = excluded.sort_key, data = excluded.data,"
      " amount = excluded.amount, done_micros = excluded.done_micros",
      {r.name, r.kind, r.account_id, r.state, r.category, r.due_micros, r.person, Arg::OrNull(r.reference), r.sort_key,
       Arg::Blob(r.data), r.amount, r.done_micros});
}

absl::Status ClientsTx::DeleteChild(const std::string& name) {
  return tx_.Exec("DELETE FROM children WHERE name = $1", {name});
}

absl::StatusOr<std::vector<ChildRecord>> ClientsTx::ListChildren(const ChildQuery& q) {
  db::Params p;
  std::string sql = absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE kind = ", p.Add(q.kind));
  if (!q.account_id.empty()) sql += " AND account_id = " + p.Add(q.account_id);
  if (!q.states.empty()) {
    sql += " AND state IN (";
    for (size_t i = 0; i < q.states.size(); ++i) sql += absl::StrCat(i ? ", " : "", p.Add(q.states[i]));
    sql += ")";
  }
  if (q.category != 0) sql += " AND category = " + p.Add(q.category);
  if (q.due_before > 0) sql += " AND due_micros > 0 AND due_micros < " + p.Add(q.due_before);
  if (q.due_from > 0) sql += " AND due_micros >= " + p.Add(q.due_from);
  if (!q.person.empty()) sql += " AND person = " + p.Add(q.person);
  if (q.after) {
    const std::string key = p.Add(q.after->first);
    sql += " AND (sort_key, name) > (" + key + ", " + p.Add(q.after->second) + ")";
  }
  sql += " ORDER BY sort_key, name LIMIT " + p.Add(q.limit);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  return Children(r);
}

namespace {

// (account, owner, segment, state, key[, data]) rows.
absl::StatusOr<std::vector<BookRow>> BookRows(const absl::StatusOr<db::Rows>& r, bool with_data = true) {
  if (!r.ok()) return r.status();
  std::vector<BookRow> out(static_cast<size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) {
    out[i] = BookRow{r->Text(i, 0),
                     r->Text(i, 1),
                     r->Text(i, 2),
                     static_cast<int>(r->Int(i, 3)),
                     r->Int(i, 4),
                     with_data ? r->Int(i, 6) : 0,
                     with_data ? r->Bytes(i, 5) : std::string()};
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<BookRow>> ClientsTx::NewAccounts(int64_t from, int64_t to, const std::string& owner,
                                                            const std::string& segment) {
  db::Params p;
  const std::string first = p.Add(from);
  std::string sql = absl::StrCat(
      "SELECT id, created_owner, created_segment, state, create_micros FROM accounts WHERE create_micros BETWEEN ",
      first, " AND ", p.Add(to));
  if (!owner.empty()) sql += " AND created_owner = " + p.Add(owner);
  if (!segment.empty()) sql += " AND created_segment = " + p.Add(segment);
  return BookRows(tx_.Query(sql, p.args()), false);
}

namespace {

// " AND <who> = $n AND segment = $m" for the filters given (empty = any).
std::string WhoAndSegment(db::Params& p, const char* who_column, const std::string& who, const std::string& segment) {
  std::string sql;
  if (!who.empty()) sql += absl::StrCat(" AND ", who_column, " = ", p.Add(who));
  if (!segment.empty()) sql += " AND segment = " + p.Add(segment);
  return sql;
}

}  // namespace

absl::StatusOr<std::vector<BookRow>> ClientsTx::BookChildren(const std::string& kind, int64_t from, int64_t to,
                                                             const std::string& owner, const std::string& segment) {
  db::Params p;
  const std::string k = p.Add(kind);
  const std::string first = p.Add(from);
  std::string sql =
      absl::StrCat("SELECT account_id, owner, segment, state, sort_key, data, amount FROM children WHERE kind = ", k,
                   " AND sort_key BETWEEN ", first, " AND ", p.Add(to));
  sql += WhoAndSegment(p, "owner", owner, segment);
  return BookRows(tx_.Query(sql, p.args()));
}

// The kinds of the next two are spelled out, for their covering partial
// indexes (children_visits, children_payments) to be chosen.
absl::StatusOr<std::vector<BookRow>> ClientsTx::BookVisits(int64_t from, int64_t to, const std::string& visitor,
                                                           const std::string& segment) {
  db::Params p;
  const std::string first = p.Add(from);
  std::string sql = absl::StrCat("SELECT person, segment, state, sort_key, done_micros FROM children WHERE kind = '",
                                 kVisit, "' AND sort_key BETWEEN ", first, " AND ", p.Add(to));
  sql += WhoAndSegment(p, "person", visitor, segment);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  std::vector<BookRow> out(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    BookRow& row = out[static_cast<size_t>(i)];
    row.owner = r.Text(i, 0);
    row.segment = r.Text(i, 1);
    row.state = static_cast<int>(r.Int(i, 2));
    row.key = r.Int(i, 3);
    row.done_micros = r.Int(i, 4);
  }
  return out;
}

absl::StatusOr<std::vector<BookRow>> ClientsTx::BookPayments(int64_t first_day, int64_t last_day,
                                                             const std::string& owner, const std::string& segment) {
  db::Params p;
  const std::string state = p.Add(static_cast<int>(v1::LedgerEntry::PAYMENT));
  const std::string first = p.Add(first_day);
  std::string sql = absl::StrCat("SELECT owner, segment, sort_key, amount FROM children WHERE kind = '", kLedgerEntry,
                                 "' AND state = ", state, " AND sort_key BETWEEN ", first, " AND ", p.Add(last_day));
  sql += WhoAndSegment(p, "owner", owner, segment);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  std::vector<BookRow> out(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    BookRow& row = out[static_cast<size_t>(i)];
    row.owner = r.Text(i, 0);
    row.segment = r.Text(i, 1);
    row.key = r.Int(i, 2);
    row.amount = r.Int(i, 3);
  }
  return out;
}

absl::StatusOr<std::vector<ChildRecord>> ClientsTx::DayChildren(const std::string& kind, const char* column,
                                                                const std::string& who, bool or_unset, int64_t from,
                                                                int64_t to, int state, int limit) {
  db::Params p;
  const std::string k = p.Add(kind);
  const std::string first = p.Add(from);
  std::string sql = absl::StrCat("SELECT ", kChildColumns, " FROM children WHERE kind = ", k, " AND sort_key BETWEEN ",
                                 first, " AND ", p.Add(to));
  const std::string person = p.Add(who);
  sql += or_unset ? absl::StrCat(" AND (", column, " = ", person, " OR ", column, " = '')")
                  : absl::StrCat(" AND ", column, " = ", person);
  if (state != 0) sql += " AND state = " + p.Add(state);
  sql += " ORDER BY sort_key, name LIMIT " + p.Add(limit);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  return Children(r);
}

absl::StatusOr<std::vector<ClientsTx::AccountLedger>> ClientsTx::LedgerOfOwners(const std::string& owner,
                                                                                const std::string& segment) {
  // Account by account (CROSS JOIN keeps SQLite's loops in this order: one
  // seek of the ledger per account, not one of the accounts per entry; in
  // the order of ids, the book's whole ledger needs no sort); the kind is
  // spelled out, for the covering index children_ledger (its WHERE) to be
  // chosen.
  db::Params p;
  std::string sql = absl::StrCat(
      "SELECT a.id, a.owner, c.sort_key, c.amount FROM accounts a CROSS JOIN children c"
      " WHERE c.kind = '",
      kLedgerEntry, "' AND c.account_id = a.id");
  if (!owner.empty()) sql += " AND a.owner = " + p.Add(owner);
  if (!segment.empty()) sql += " AND a.industry_segment = " + p.Add(segment);
  sql += " ORDER BY a.id";
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  std::vector<AccountLedger> out;
  for (int i = 0; i < r.size(); ++i) {
    std::string id = r.Text(i, 0);
    if (out.empty() || out.back().account_id != id) {
      out.push_back(AccountLedger{std::move(id), r.Text(i, 1), {}});
    }
    out.back().entries.emplace_back(r.Int(i, 2), r.Int(i, 3));
  }
  return out;
}

absl::StatusOr<int64_t> ClientsTx::DayPayments(const std::string& owner, int64_t date_key) {
  auto r = tx_.Query(
      "SELECT COALESCE(SUM(amount), 0) FROM children WHERE kind = $1 AND sort_key = $2"
      " AND owner = $3 AND state = $4",
      {std::string(kLedgerEntry), date_key, owner, static_cast<int>(v1::LedgerEntry::PAYMENT)});
  if (r.status().code() == absl::StatusCode::kOutOfRange) return SumTooLarge();  // past 64 bits
  if (!r.ok()) return r.status();
  return -r->Int(0, 0);
}

absl::StatusOr<int> ClientsTx::FillLedgerAmounts() {
  int filled = 0;
  for (std::string after;;) {  // in batches, by name
    ASSIGN_OR_RETURN(auto r, tx_.Query("SELECT name, data FROM children WHERE kind = $1 AND amount = 0 AND name > $2"
                                       " ORDER BY name LIMIT 500",
                                       {std::string(kLedgerEntry), after}));
    if (r.empty()) break;
    for (int i = 0; i < r.size(); ++i) {
      v1::LedgerEntry e;
      if (!e.ParseFromString(r.Bytes(i, 1))) return absl::DataLossError(r.Text(i, 0) + " cannot be read");
      int64_t amount = e.amount().amount_minor();
      if (e.type() == v1::LedgerEntry::PAYMENT) amount = -amount;
      RETURN_IF_ERROR(tx_.Exec("UPDATE children SET amount = $1 WHERE name = $2", {amount, r.Text(i, 0)}));
      ++filled;
    }
    after = r.Text(r.size() - 1, 0);
  }
  return filled;
}

absl::StatusOr<int> ClientsTx::FillVisitsDone() {
  int filled = 0;
  for (std::string after;;) {  // in batches, by name
    ASSIGN_OR_RETURN(auto r, tx_.Query("SELECT name, data FROM children WHERE kind = $1 AND state = $2"
                                       " AND done_micros = 0 AND name > $3 ORDER BY name LIMIT 500",
                                       {std::string(kVisit), static_cast<int>(v1::Visit::DONE), after}));
    if (r.empty()) break;
    for (int i = 0; i < r.size(); ++i) {
      v1::Visit v;
      if (!v.ParseFromString(r.Bytes(i, 1))) return absl::DataLossError(r.Text(i, 0) + " cannot be read");
      const int64_t done = ToUnixMicros(v.visit_time());
      if (done == 0) continue;  // (done at the epoch itself: nothing to fill)
      RETURN_IF_ERROR(tx_.Exec("UPDATE children SET done_micros = $1 WHERE name = $2", {done, r.Text(i, 0)}));
      ++filled;
    }
    after = r.Text(r.size() - 1, 0);
  }
  return filled;
}

absl::StatusOr<std::optional<std::pair<std::string, int64_t>>> ClientsTx::GetSegmentOwner(const std::string& segment,
                                                                                          int kind) {
  ASSIGN_OR_RETURN(
      auto r, tx_.Query("SELECT owner, version FROM segment_owners WHERE segment = $1 AND kind = $2", {segment, kind}));
  if (r.empty()) return std::optional<std::pair<std::string, int64_t>>();
  return std::make_optional(std::make_pair(r.Text(0, 0), r.Int(0, 1)));
}

namespace {

// " AND kind IN ($n, ...)" / NOT IN, nothing for no kinds.
std::string KindsIn(db::Params& p, const std::vector<int>& kinds, bool in = true) {
  if (kinds.empty()) return "";
  std::string sql = in ? " AND kind IN (" : " AND kind NOT IN (";
  for (size_t i = 0; i < kinds.size(); ++i) sql += absl::StrCat(i ? ", " : "", p.Add(kinds[i]));
  return sql + ")";
}

}  // namespace

absl::StatusOr<int64_t> ClientsTx::SegmentVersion(const std::string& segment, const std::vector<int>& kinds) {
  db::Params p;
  std::string sql = "SELECT COALESCE(MAX(version), 0) FROM segment_owners WHERE segment = " + p.Add(segment);
  sql += KindsIn(p, kinds);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  return r.Int(0, 0);
}

absl::StatusOr<std::vector<int>> ClientsTx::KindsOwnedApart(const std::string& segment) {
  ASSIGN_OR_RETURN(auto r, tx_.Query("SELECT kind FROM segment_owners WHERE segment = $1 AND kind <> 0 AND owner <> ''"
                                     " ORDER BY kind",
                                     {segment}));
  std::vector<int> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(static_cast<int>(r.Int(i, 0)));
  return out;
}

absl::Status ClientsTx::PutSegmentOwners(const std::string& segment, const std::vector<int>& kinds,
                                         const std::string& owner, int64_t version) {
  for (int kind : kinds) {
    RETURN_IF_ERROR(
        tx_.Exec("INSERT INTO segment_owners(segment, kind, owner, version) VALUES ($1, $2, $3, $4)"
                 " ON CONFLICT (segment, kind) DO UPDATE SET owner = excluded.owner, version = excluded.version",
                 {segment, kind, owner, version}));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ClientsTx::AccountsToMove(const std::string& segment,
                                                                   const std::vector<int>& kinds,
                                                                   const std::vector<int>& except,
                                                                   const std::string& owner,
                                                                   const std::string& after_id, int limit) {
  db::Params p;
  std::string sql = "SELECT id FROM accounts WHERE industry_segment = " + p.Add(segment);
  sql += " AND state = " + p.Add(static_cast<int>(v1::Account::ACTIVE));
  sql += " AND owner <> " + p.Add(owner);
  sql += " AND id > " + p.Add(after_id);
  sql += KindsIn(p, kinds);
  sql += KindsIn(p, except, false);
  sql += " ORDER BY id LIMIT " + p.Add(limit);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

}  // namespace atrium::clients
