// InspectionsStore on one SQLite file (WAL, synchronous=FULL), the default.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/sqlite.h"
#include "services/inspections/store.h"

namespace atrium::inspections {

class SqliteInspectionsStore final : public InspectionsStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteInspectionsStore>> Open(const std::string& path, int readers = 4);

  absl::Status Write(const std::function<absl::Status(InspectionsTx&)>& fn) override;
  absl::Status Read(const std::function<absl::Status(InspectionsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit SqliteInspectionsStore(std::unique_ptr<sqlite::ConnectionPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<sqlite::ConnectionPool> pool_;
};

}  // namespace atrium::inspections
