// What the meetings service asks of its peers on the caller's behalf: the
// accounts of the clients service, and the signatures of a notice at the
// notifications service. The gRPC implementations carry the caller's own
// token, so the peer applies its own rules to the person, and a deadline.
#pragma once

#include <memory>
#include <string>

#include <optional>
#include <vector>
#include "absl/status/statusor.h"
#include "absl/time/time.h"

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"

namespace atrium::meetings {

struct AccountInfo {
  std::string name;   // accounts/{id}
  std::string owner;  // the KAM
  std::string display_name;
  bool archived = false;
  std::string industry_segment;
};

class AccountDirectory {
 public:
  virtual ~AccountDirectory() = default;
  // NOT_FOUND, PERMISSION_DENIED as the clients service says; UNAVAILABLE
  // when it cannot be reached in time.
  virtual absl::StatusOr<AccountInfo> Lookup(const Principal& who, const std::string& account) = 0;
};

class ClientsDirectory final : public AccountDirectory {
 public:
  ClientsDirectory(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);
  absl::StatusOr<AccountInfo> Lookup(const Principal& who, const std::string& account) override;

 private:
  std::unique_ptr<clients::v1::ClientsService::Stub> stub_;
  absl::Duration deadline_;
};

// A notice as the notifications service holds it.
struct NoticeStatus {
  int current_revision = 0;
  std::vector<notifications::v1::DepartmentState> departments;  // of the current revision
};

class NoticeBoard {
 public:
  virtual ~NoticeBoard() = default;
  // nullopt when the notifications service does not have the notice (yet);
  // UNAVAILABLE when it cannot be reached in time.
  virtual absl::StatusOr<std::optional<NoticeStatus>> Status(const Principal& who, const std::string& notice_id) = 0;
  // A revision as the notifications service accepted it (its changes
  // computed), as `who` may read it (a department: its own section);
  // NOT_FOUND when it has not received it (yet), UNAVAILABLE when it cannot
  // be reached in time.
  virtual absl::StatusOr<notifications::v1::NoticeRevision> Revision(const Principal& who, const std::string& notice_id,
                                                                     int revision) = 0;
};

class NotificationsBoard final : public NoticeBoard {
 public:
  NotificationsBoard(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);
  absl::StatusOr<std::optional<NoticeStatus>> Status(const Principal& who, const std::string& notice_id) override;
  absl::StatusOr<notifications::v1::NoticeRevision> Revision(const Principal& who, const std::string& notice_id,
                                                             int revision) override;

 private:
  std::unique_ptr<notifications::v1::NotificationsService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace atrium::meetings
