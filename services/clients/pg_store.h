// ClientsStore on PostgreSQL, for several replicas of the service on one
// database (--database-url). Write transactions are SERIALIZABLE, so the
// uniqueness rules checked in the domain (credit code, normalised name,
// references) hold across replicas. Name search by substring uses a pg_trgm
// GIN index (the extension is created by the first migration, which needs a
// role allowed to create it).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg.h"
#include "services/clients/store.h"

namespace atrium::clients {

class PgClientsStore final : public ClientsStore {
 public:
  static absl::StatusOr<std::unique_ptr<PgClientsStore>> Open(const std::string& url, int connections = 4);

  absl::Status Write(const std::function<absl::Status(ClientsTx&)>& fn) override;
  absl::Status Read(const std::function<absl::Status(ClientsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit PgClientsStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace atrium::clients
