// The store the meetings domain tests run on, SQLite or (the meetings_pg_test
// binary) PostgreSQL: tests/test_store.h.
#pragma once

#include "services/meetings/pg_store.h"
#include "services/meetings/sqlite_store.h"
#include "tests/test_store.h"

namespace atrium::meetings {

inline absl::StatusOr<std::unique_ptr<MeetingsStore>> OpenTestStore(const std::string& name) {
  return testing::OpenTestStore<MeetingsStore, PgMeetingsStore, SqliteMeetingsStore>(name);
}

}  // namespace atrium::meetings
