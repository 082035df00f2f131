// ClientsStore on one SQLite file (WAL, synchronous=FULL), the default.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/sqlite.h"
#include "services/clients/store.h"

namespace atrium::clients {

class SqliteClientsStore final : public ClientsStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteClientsStore>> Open(const std::string& path, int readers = 4);

  absl::Status Write(const std::function<absl::Status(ClientsTx&)>& fn) override;
  absl::Status Read(const std::function<absl::Status(ClientsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit SqliteClientsStore(std::unique_ptr<sqlite::ConnectionPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<sqlite::ConnectionPool> pool_;
};

// The schema, one migration per element (exposed for tests).
const sqlite::Migrations& ClientsMigrations();

}  // namespace atrium::clients
