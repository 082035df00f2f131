// MeetingsStore on PostgreSQL, for several replicas of the service on one
// database (--database-url). Write transactions are SERIALIZABLE, so the
// conflict check of a booking and its insert stay one atomic step across
// replicas: of two overlapping requests on different replicas, one commits
// and the other is run again, sees the first and is refused.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

class PgMeetingsStore final : public MeetingsStore {
 public:
  static absl::StatusOr<std::unique_ptr<PgMeetingsStore>> Open(const std::string& url, int connections = 4);

  absl::Status Write(const std::function<absl::Status(MeetingsTx&)>& fn) override;
  absl::Status Read(const std::function<absl::Status(MeetingsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit PgMeetingsStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace atrium::meetings
