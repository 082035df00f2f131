// The archive's schema, for SQLite and PostgreSQL side by side.
#include "services/clients/store.h"

namespace atrium::clients {

const db::Schema& ClientsSchema() {
  static const db::Schema* schema = new db::Schema{
      .history =
          {
              // 1: accounts, sub-resources, idempotency keys.
              db::Both(R"sql(
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
CREATE INDEX children_by_due ON children(kind, state, due_micros);
CREATE UNIQUE INDEX children_by_reference ON children(kind, account_id, reference) WHERE reference IS NOT NULL;
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  PRIMARY KEY (method, request_id)
);
)sql"),
              // 2: the KAM's book by segment, the most common combined filter; with
              // separate indexes a combination that matches nothing scanned a segment.
              db::Both(R"sql(
CREATE INDEX accounts_by_owner_segment ON accounts(owner, industry_segment, state, display_name, id);
)sql"),
              // 3: name search by substring: SQLite through an FTS5 trigram index over
              // the normalised names, which refers to accounts by search_rowid, a column
              // of its own (VACUUM may renumber an implicit rowid; this column stays);
              // PostgreSQL through pg_trgm.
              db::Step{.sqlite = R"sql(
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
                       .postgres = R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX accounts_search ON accounts USING gin (search_text gin_trgm_ops);
)sql"},
              // 4: only records with a deadline (visits, feedback) in the deadline
              // index; every write appends an activity, which has none.
              db::Both(R"sql(
DROP INDEX children_by_due;
CREATE INDEX children_by_due ON children(kind, state, due_micros) WHERE due_micros > 0;
)sql"),
              // 5: request ids scoped to their caller (common/db.h).
              db::RequestIdsByCaller(),
              // 6: the outbox of alerts to the notifications service (feedback to the
              // departments concerned, major and overdue complaints) and the marks of
              // what the service has dealt with.
              db::Both(R"sql(
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  peer TEXT NOT NULL,
  method TEXT NOT NULL,
  body BYTEA NOT NULL,
  label TEXT NOT NULL,
  kind INTEGER NOT NULL,
  traceparent TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  create_micros BIGINT NOT NULL,
  next_attempt_micros BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
CREATE TABLE marks (
  name TEXT PRIMARY KEY,
  micros BIGINT NOT NULL
);
)sql"),
          },
      // PostgreSQL took the first four as one.
      .postgres_took = {{1, 2, 3, 4}, {5}, {6}},
      .steps =
          {
              // The outbox rows keep the key an alert is about, and marks name
              // their value as every store's do (db::kOutboxTable, kMarksTable).
              db::Both(R"sql(
ALTER TABLE outbox ADD COLUMN key TEXT NOT NULL DEFAULT '';
ALTER TABLE marks RENAME COLUMN micros TO value;
)sql"),
              // The figures of the book (SummarizeBook) count what was recorded for the
              // owner and segment of its account then: an account those it was created
              // with, a sub-resource those of its account when it was added. Rows
              // written before count for the account's owner and segment now.
              db::Both(R"sql(
ALTER TABLE accounts ADD COLUMN created_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN created_segment TEXT NOT NULL DEFAULT '';
UPDATE accounts SET created_owner = owner, created_segment = industry_segment;
CREATE INDEX accounts_by_create_time ON accounts(create_micros);
ALTER TABLE children ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN segment TEXT NOT NULL DEFAULT '';
UPDATE children SET owner = (SELECT a.owner FROM accounts a WHERE a.id = children.account_id),
  segment = (SELECT a.industry_segment FROM accounts a WHERE a.id = children.account_id)
  WHERE kind IN ('visit', 'feedback', 'ledger_entry');
)sql"),
              // The KAM each segment's new accounts go to (AssignSegment); kind 0
              // covers every kind.
              db::Both(R"sql(
CREATE TABLE segment_owners (
  segment TEXT NOT NULL,
  kind INTEGER NOT NULL,
  owner TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (segment, kind)
);
)sql"),
              // Ledger entries keep what they add to what the account owes in a
              // column, so that the receivables of a whole book are aged from
              // one index (children_ledger) without reading a record; rows
              // written before get it at start-up (FillLedgerAmounts).
              db::Both(R"sql(
ALTER TABLE children ADD COLUMN amount BIGINT NOT NULL DEFAULT 0;
CREATE INDEX children_ledger ON children(kind, account_id, sort_key, amount) WHERE kind = 'ledger_entry';
)sql"),
              // The figures of the book read visits and payments from covering
              // indexes, without a record: a visit keeps when it was done in a
              // column (rows written before get it at start-up, FillVisitsDone).
              db::Both(R"sql(
ALTER TABLE children ADD COLUMN done_micros BIGINT NOT NULL DEFAULT 0;
CREATE INDEX children_visits ON children(kind, sort_key, person, segment, state, done_micros) WHERE kind = 'visit';
CREATE INDEX children_payments ON children(kind, state, sort_key, owner, segment, amount)
  WHERE kind = 'ledger_entry';
)sql"),
          },
  };
  return *schema;
}

}  // namespace atrium::clients
