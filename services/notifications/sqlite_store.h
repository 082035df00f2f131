// NotificationsStore on one SQLite file (WAL, synchronous=FULL), the default.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/sqlite.h"
#include "services/notifications/store.h"

namespace atrium::notifications {

class SqliteNotificationsStore final : public NotificationsStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteNotificationsStore>> Open(const std::string& path, int readers = 4);

  absl::Status Write(const std::function<absl::Status(NotificationsTx&)>& fn) override;
  absl::Status WriteThen(const std::function<absl::Status(NotificationsTx&)>& fn,
                         const std::function<void()>& committed) override;
  absl::Status Read(const std::function<absl::Status(NotificationsTx&)>& fn) override;
  absl::Status Ping() override { return pool_->Ping(); }

 private:
  explicit SqliteNotificationsStore(std::unique_ptr<sqlite::ConnectionPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<sqlite::ConnectionPool> pool_;
};

}  // namespace atrium::notifications
