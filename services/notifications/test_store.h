// The store the notifications tests run on: a fresh SQLite file, or with
// ATRIUM_TEST_PG (the notifications_pg_test binary) a fresh database on a
// real PostgreSQL server, so that every store-backed test runs on both.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/testing.h"
#include "services/notifications/store.h"
#ifdef ATRIUM_TEST_PG
#include "services/notifications/pg_store.h"
#include "tests/postgres.h"
#else
#include "services/notifications/sqlite_store.h"
#endif

namespace atrium::notifications {

inline absl::StatusOr<std::unique_ptr<NotificationsStore>> OpenTestStore(const std::string& name) {
#ifdef ATRIUM_TEST_PG
  (void)name;
  auto store = PgNotificationsStore::Open(testing::FreshPostgresDatabase(), 2);
#else
  auto store = SqliteNotificationsStore::Open(testing::TempDir(name) + "/n.db");
#endif
  if (!store.ok()) return store.status();
  return std::unique_ptr<NotificationsStore>(std::move(*store));
}

}  // namespace atrium::notifications
