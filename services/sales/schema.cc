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
          },
  };
  return *schema;
}

}  // namespace atrium::sales
