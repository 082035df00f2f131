// The store the clients domain tests run on: a fresh SQLite file, or with
// ATRIUM_TEST_PG (the clients_pg_test binary) a fresh database on a real
// PostgreSQL server, so that every archive test runs on both.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/testing.h"
#include "services/clients/store.h"
#ifdef ATRIUM_TEST_PG
#include "services/clients/pg_store.h"
#include "tests/postgres.h"
#else
#include "services/clients/sqlite_store.h"
#endif

namespace atrium::clients {

inline absl::StatusOr<std::unique_ptr<ClientsStore>> OpenTestStore(const std::string& name) {
#ifdef ATRIUM_TEST_PG
  (void)name;
  auto store = PgClientsStore::Open(testing::FreshPostgresDatabase(), 2);
#else
  auto store = SqliteClientsStore::Open(testing::TempDir(name) + "/clients.db");
#endif
  if (!store.ok()) return store.status();
  return std::unique_ptr<ClientsStore>(std::move(*store));
}

}  // namespace atrium::clients
