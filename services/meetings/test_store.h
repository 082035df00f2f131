// The store the domain tests run on: a fresh SQLite file, or with
// ATRIUM_TEST_PG (the meetings_pg_test binary) a fresh database on a real
// PostgreSQL server, so that every domain test runs on both backends.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/testing.h"
#include "services/meetings/store.h"
#ifdef ATRIUM_TEST_PG
#include "services/meetings/pg_store.h"
#include "tests/postgres.h"
#else
#include "services/meetings/sqlite_store.h"
#endif

namespace atrium::meetings {

inline absl::StatusOr<std::unique_ptr<MeetingsStore>> OpenTestStore(const std::string& name) {
#ifdef ATRIUM_TEST_PG
  (void)name;
  auto store = PgMeetingsStore::Open(testing::FreshPostgresDatabase(), 2);
#else
  auto store = SqliteMeetingsStore::Open(testing::TempDir(name) + "/m.db");
#endif
  if (!store.ok()) return store.status();
  return std::unique_ptr<MeetingsStore>(std::move(*store));
}

}  // namespace atrium::meetings
