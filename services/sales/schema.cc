// The sales management service's schema, for SQLite and PostgreSQL.
#include "absl/strings/str_cat.h"
#include "services/sales/store.h"

namespace atrium::sales {

const db::Schema& SalesSchema() {
  static const db::Schema* schema = new db::Schema{
      .history = {},
      .postgres_took = {},
      .steps =
          {
              // 1: segment assignments, targets and their versions, settings,
              // and what every store has (request ids, the outbox, marks).
              db::Both(absl::StrCat(R"sql(
CREATE TABLE assignments (
  id TEXT COLLATE "C" PRIMARY KEY,
  segment TEXT COLLATE "C" NOT NULL,
  kam TEXT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX assignments_by_segment ON assignments(segment, id);
CREATE INDEX assignments_by_kam ON assignments(kam, segment, id);
CREATE TABLE targets (
  id TEXT COLLATE "C" PRIMARY KEY,
  year INTEGER NOT NULL,
  scope INTEGER NOT NULL,
  kam TEXT NOT NULL,
  segment TEXT NOT NULL,
  metric INTEGER NOT NULL,
  data BYTEA NOT NULL,
  UNIQUE (year, scope, kam, segment, metric)
);
CREATE TABLE target_versions (
  target_id TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (target_id, version)
);
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  data BYTEA NOT NULL
);
)sql",
                                    db::kRequestIdsTable, db::kOutboxTable, db::kMarksTable)),
              // 2: the KAMs' daily reports (day as yyyymmdd) and the manager's
              // evaluations.
              db::Both(R"sql(
CREATE TABLE daily_reports (
  kam TEXT COLLATE "C" NOT NULL,
  day INTEGER NOT NULL,
  state INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (kam, day)
);
CREATE INDEX daily_reports_by_day ON daily_reports(day, kam);
CREATE INDEX daily_reports_by_state ON daily_reports(state, day, kam);
CREATE TABLE evaluations (
  id TEXT COLLATE "C" PRIMARY KEY,
  kam TEXT COLLATE "C" NOT NULL,
  create_micros BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX evaluations_by_kam ON evaluations(kam, create_micros, id);
CREATE INDEX evaluations_by_time ON evaluations(create_micros, id);
)sql"),
          },
  };
  return *schema;
}

}  // namespace atrium::sales
