// The store the clients domain tests run on, SQLite or (the clients_pg_test
// binary) PostgreSQL: tests/test_store.h.
#pragma once

#include "services/clients/store.h"
#include "tests/test_store.h"

namespace atrium::clients {

inline absl::StatusOr<std::unique_ptr<ClientsStore>> OpenTestStore(const std::string& name) {
  return testing::OpenTestStore<ClientsStore>(name, ClientsSchema());
}

}  // namespace atrium::clients
