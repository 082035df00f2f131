// The store a service's domain tests run on: a fresh SQLite file, or, in the
// service's *_pg_test binary (compiled with ATRIUM_TEST_PG), a fresh
// database on a real PostgreSQL server, so that every domain test runs on
// both backends.
//
//   auto store = testing::OpenTestStore<ClientsStore, PgClientsStore, SqliteClientsStore>("clients");
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/db.h"
#include "common/testing.h"
#ifdef ATRIUM_TEST_PG
#include "tests/postgres.h"
#endif

namespace atrium::testing {

template <typename Store, typename PgStore, typename SqliteStore>
absl::StatusOr<std::unique_ptr<Store>> OpenTestStore(const std::string& name) {
#ifdef ATRIUM_TEST_PG
  (void)name;
  auto store = PgStore::Open(FreshPostgresDatabase(), 2);
#else
  auto store = SqliteStore::Open(TempDir(name) + "/store.db");
#endif
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

// The same for a store on the common storage layer (common/db.h):
//   auto store = testing::OpenTestStore<ClientsStore>("clients", ClientsSchema());
template <typename Store>
absl::StatusOr<std::unique_ptr<Store>> OpenTestStore(const std::string& name, const db::Schema& schema) {
#ifdef ATRIUM_TEST_PG
  (void)name;
  return Store::Of(db::Database::OpenPostgres(FreshPostgresDatabase(), schema, 2));
#else
  return Store::Of(db::Database::OpenSqlite(TempDir(name) + "/store.db", schema));
#endif
}

}  // namespace atrium::testing
