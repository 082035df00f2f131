// The inspections' schema, for SQLite and PostgreSQL side by side.
#include "absl/strings/str_cat.h"
#include "services/inspections/store.h"

namespace atrium::inspections {
namespace {

// The outbox moves to the standard table (db::kOutboxTable): each waiting
// alert is kept, with its id, as AlertMessage (forwarder.h) would have
// built it, but without a label (only the logs use it). The old rows have
// no create time; their next attempt stands for it. The old index goes
// first, since index names are per database, not per table, on both.
db::Step StandardOutbox() {
  db::Step step = db::Both(absl::StrCat(R"sql(
DROP INDEX outbox_due;
ALTER TABLE outbox RENAME TO outbox_v1;
)sql",
                                        db::kOutboxTable, R"sql(
INSERT INTO outbox(id, peer, method, body, label, kind, key, traceparent, attempts, create_micros,
                   next_attempt_micros)
  SELECT id, 'notifications', '/atrium.notifications.v1.NotificationsService/CreateAlert', body, '', kind, room,
         traceparent, attempts, next_attempt_micros, next_attempt_micros FROM outbox_v1;
DROP TABLE outbox_v1;
)sql"));
  // PostgreSQL: the old key and sequence give up their names to the new
  // table's (as they are where the table was created standard), and the
  // sequence goes on after the ids copied (SQLite's AUTOINCREMENT does so
  // by itself).
  step.postgres =
      "ALTER INDEX outbox_pkey RENAME TO outbox_v1_pkey;\n"
      "ALTER SEQUENCE outbox_id_seq RENAME TO outbox_v1_id_seq;\n" +
      step.postgres +
      "SELECT setval(pg_get_serial_sequence('outbox', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM outbox;\n";
  return step;
}

}  // namespace

const db::Schema& InspectionsSchema() {
  static const db::Schema* schema = new db::Schema{
      .history =
          {
              // 1: points, forms with their item results and monthly tallies,
              // corrective actions, reporting marks, the outbox.
              db::Both(R"sql(
CREATE TABLE points (
  id TEXT PRIMARY KEY,
  data BYTEA NOT NULL
);
CREATE TABLE forms (
  point TEXT NOT NULL,
  day BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (point, day)
);
CREATE INDEX forms_by_day ON forms(day, point);
CREATE TABLE results (
  point TEXT NOT NULL,
  day BIGINT NOT NULL,
  item TEXT NOT NULL,
  responsible TEXT NOT NULL,
  meets INTEGER NOT NULL
);
CREATE INDEX results_by_day ON results(day);
CREATE TABLE monthly (
  month BIGINT NOT NULL,
  point TEXT NOT NULL,
  item TEXT NOT NULL,
  responsible TEXT NOT NULL,
  checks BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  PRIMARY KEY (month, point, item, responsible)
);
CREATE TABLE actions (
  id TEXT PRIMARY KEY,
  point TEXT NOT NULL,
  day BIGINT NOT NULL,
  state INTEGER NOT NULL,
  assignee TEXT NOT NULL,
  due_micros BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX actions_by_due ON actions(due_micros, id);
CREATE INDEX actions_open_by_day ON actions(day) WHERE state = 1;
CREATE TABLE marks (
  key TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  kind INTEGER NOT NULL,
  room TEXT NOT NULL,
  body BYTEA NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
)sql"),
              // 2: the trace an outbox entry continues.
              db::Both("ALTER TABLE outbox ADD COLUMN traceparent TEXT NOT NULL DEFAULT '';\n"),
          },
      // PostgreSQL took both as one.
      .postgres_took = {{1, 2}},
      .steps =
          {
              // Marks name their value as every store's do (db::kMarksTable).
              db::Both("ALTER TABLE marks RENAME COLUMN key TO name;"),
              StandardOutbox(),
          },
  };
  return *schema;
}

}  // namespace atrium::inspections
