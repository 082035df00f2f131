// The store the meetings domain tests run on, SQLite or (the meetings_pg_test
// binary) PostgreSQL: tests/test_store.h.
#pragma once

#include "services/meetings/store.h"
#include "tests/test_store.h"

namespace atrium::meetings {

inline absl::StatusOr<std::unique_ptr<MeetingsStore>> OpenTestStore(const std::string& name) {
  auto store = testing::OpenTestStore<MeetingsStore>(name, MeetingsSchema());
  if (!store.ok()) return store;
  if (auto s = UpgradeRows(**store); !s.ok()) return s;
  return store;
}

}  // namespace atrium::meetings
