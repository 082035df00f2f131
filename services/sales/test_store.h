// The store the sales domain tests run on, SQLite or (the sales_pg_test
// binary) PostgreSQL: tests/test_store.h.
#pragma once

#include "services/sales/store.h"
#include "tests/test_store.h"

namespace atrium::sales {

inline absl::StatusOr<std::unique_ptr<SalesStore>> OpenTestStore(const std::string& name) {
  return testing::OpenTestStore<SalesStore>(name, SalesSchema());
}

}  // namespace atrium::sales
