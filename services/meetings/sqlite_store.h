// MeetingsStore on one SQLite file (WAL, synchronous=FULL), the default.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/sqlite.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

class SqliteMeetingsStore final : public MeetingsStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteMeetingsStore>> Open(const std::string& path, int readers = 4);

  absl::Status Write(const std::function<absl::Status(MeetingsTx&)>& fn) override;
  absl::Status Read(const std::function<absl::Status(MeetingsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit SqliteMeetingsStore(std::unique_ptr<sqlite::ConnectionPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<sqlite::ConnectionPool> pool_;
};

}  // namespace atrium::meetings
