// InspectionsStore on PostgreSQL, for several replicas of the service on one
// database (--database-url). Write transactions are SERIALIZABLE: two
// inspectors recording the same point and day through different replicas
// leave one form; the missed-inspection marks advance once.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg.h"
#include "services/inspections/store.h"

namespace atrium::inspections {

class PgInspectionsStore final : public InspectionsStore {
 public:
  static absl::StatusOr<std::unique_ptr<PgInspectionsStore>> Open(const std::string& url, int connections = 4);

  absl::Status Write(const std::function<absl::Status(InspectionsTx&)>& fn) override;
  absl::Status Read(const std::function<absl::Status(InspectionsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit PgInspectionsStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace atrium::inspections
