// NotificationsStore on PostgreSQL, for several replicas of the service on
// one database (--database-url). Write transactions are SERIALIZABLE: two
// replicas signing, superseding or escalating the same dispatch serialize,
// so the first signature stands and nothing is escalated twice; both
// replicas' delivery workers publish from the same stored schedule (a
// dispatch may be published by both: subscribers drop the duplicate by its
// event id).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg.h"
#include "services/notifications/store.h"

namespace atrium::notifications {

class PgNotificationsStore final : public NotificationsStore {
 public:
  static absl::StatusOr<std::unique_ptr<PgNotificationsStore>> Open(const std::string& url, int connections = 4);

  absl::Status Write(const std::function<absl::Status(NotificationsTx&)>& fn) override;
  absl::Status WriteThen(const std::function<absl::Status(NotificationsTx&)>& fn,
                         const std::function<void()>& committed) override;
  absl::Status Read(const std::function<absl::Status(NotificationsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit PgNotificationsStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace atrium::notifications
