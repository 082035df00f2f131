// The store the notifications domain tests run on, SQLite or (the notifications_pg_test
// binary) PostgreSQL: tests/test_store.h.
#pragma once

#include "services/notifications/store.h"
#include "tests/test_store.h"

namespace atrium::notifications {

inline absl::StatusOr<std::unique_ptr<NotificationsStore>> OpenTestStore(const std::string& name) {
  return testing::OpenTestStore<NotificationsStore>(name, NotificationsSchema());
}

}  // namespace atrium::notifications
