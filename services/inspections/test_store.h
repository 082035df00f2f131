// The store the inspections domain tests run on: a fresh SQLite file, or
// with ATRIUM_TEST_PG (the inspections_pg_test binary) a fresh database on a
// real PostgreSQL server, so that every domain test runs on both.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/testing.h"
#include "services/inspections/store.h"
#ifdef ATRIUM_TEST_PG
#include "services/inspections/pg_store.h"
#include "tests/postgres.h"
#else
#include "services/inspections/sqlite_store.h"
#endif

namespace atrium::inspections {

inline absl::StatusOr<std::unique_ptr<InspectionsStore>> OpenTestStore(const std::string& name) {
#ifdef ATRIUM_TEST_PG
  (void)name;
  auto store = PgInspectionsStore::Open(testing::FreshPostgresDatabase(), 2);
#else
  auto store = SqliteInspectionsStore::Open(testing::TempDir(name) + "/i.db");
#endif
  if (!store.ok()) return store.status();
  return std::unique_ptr<InspectionsStore>(std::move(*store));
}

}  // namespace atrium::inspections
