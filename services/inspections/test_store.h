// The store the inspections domain tests run on, SQLite or (the inspections_pg_test
// binary) PostgreSQL: tests/test_store.h.
#pragma once

#include "services/inspections/store.h"
#include "tests/test_store.h"

namespace atrium::inspections {

inline absl::StatusOr<std::unique_ptr<InspectionsStore>> OpenTestStore(const std::string& name) {
  return testing::OpenTestStore<InspectionsStore>(name, InspectionsSchema());
}

}  // namespace atrium::inspections
