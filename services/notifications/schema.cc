// The service's schema, for SQLite and PostgreSQL side by side.
#include "absl/strings/str_replace.h"
#include "services/notifications/store.h"

namespace atrium::notifications {

namespace {

// 1: notices, revisions, dispatch records, the escalation outbox. SQLite's
// dispatches are numbered by their rowid (without AUTOINCREMENT) and its
// attempts table has no rowid; PostgreSQL has an index by notice (store.cc).
db::Step Notices() {
  db::Step step = db::Both(R"sql(
CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  meeting TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX notices_by_meeting ON notices(meeting, create_micros, id);
CREATE INDEX notices_by_create ON notices(create_micros, id);
CREATE TABLE revisions (
  notice_id TEXT NOT NULL REFERENCES notices(id),
  revision INTEGER NOT NULL,
  digest TEXT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (notice_id, revision)
);
CREATE TABLE dispatches (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  notice_id TEXT NOT NULL REFERENCES notices(id),
  revision INTEGER NOT NULL,
  department TEXT NOT NULL,
  meeting TEXT NOT NULL,
  state INTEGER NOT NULL,
  dispatch_micros BIGINT NOT NULL,
  deadline_micros BIGINT NOT NULL,
  escalated INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  data BYTEA NOT NULL
);
CREATE TABLE attempts (
  dispatch BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  time_micros BIGINT NOT NULL,
  channel TEXT NOT NULL,
  receivers INTEGER NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (dispatch, seq)
);
CREATE INDEX dispatches_by_department ON dispatches(department, state, dispatch_micros, name);
CREATE INDEX dispatches_due ON dispatches(next_attempt_micros) WHERE state = 1;
CREATE INDEX dispatches_escalation ON dispatches(deadline_micros) WHERE state = 1 AND escalated = 0;
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  channel TEXT NOT NULL,
  payload BYTEA NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
)sql");
  step.sqlite = absl::StrReplaceAll(
      step.sqlite, {{"id INTEGER PRIMARY KEY AUTOINCREMENT,\n  name", "id INTEGER PRIMARY KEY,\n  name"},
                    {"PRIMARY KEY (dispatch, seq)\n);", "PRIMARY KEY (dispatch, seq)\n) WITHOUT ROWID;"}});
  step.postgres += "CREATE INDEX dispatches_by_notice ON dispatches(notice_id, revision);\n";
  return step;
}

}  // namespace

const db::Schema& NotificationsSchema() {
  static const db::Schema* schema = new db::Schema{
      .history =
          {
              Notices(),
              // 2: alerts to staff and roles.
              db::Both(R"sql(
CREATE TABLE alerts (
  name TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  request_id TEXT,
  data BYTEA NOT NULL
);
CREATE INDEX alerts_by_recipient ON alerts(recipient, create_micros, name);
CREATE UNIQUE INDEX alerts_by_request ON alerts(request_id) WHERE request_id IS NOT NULL;
)sql"),
              // 3: an alert's request id is scoped to its caller, and the digest of
              // the request that used it is kept (common/request_ids.h). Ids recorded
              // before have no caller, so no caller's key reaches them.
              db::Both(R"sql(
ALTER TABLE alerts ADD COLUMN request_caller TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN request_digest TEXT NOT NULL DEFAULT '';
DROP INDEX alerts_by_request;
CREATE UNIQUE INDEX alerts_by_request ON alerts(request_caller, request_id) WHERE request_id IS NOT NULL;
)sql"),
          },
      // PostgreSQL took the first two as one.
      .postgres_took = {{1, 2}, {3}},
      // Nothing new for both yet.
      .steps = {},
  };
  return *schema;
}

}  // namespace atrium::notifications
