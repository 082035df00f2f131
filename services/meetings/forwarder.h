// Sends the outbox to the other services, with the meetings service's own
// identity (a `service:meetings` token it signs itself): this is work the
// service does on its own, after the person's call has returned. Sales-record
// entries, guest preferences and receivables go to the clients service,
// notice revisions to the notifications service. An entry is deleted once
// the other service has it; while that service is down entries wait and are
// retried with backoff. Every write is idempotent there (request_id, ledger
// reference, notice revision), so a retry after a lost reply creates nothing
// new.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/auth.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

class OutboxForwarder final {
 public:
  OutboxForwarder(MeetingsStore* store, const Clock* clock, std::shared_ptr<grpc::Channel> clients,
                  std::shared_ptr<grpc::Channel> notifications, TokenAlgorithm alg, std::string signing_key,
                  absl::Duration deadline, absl::Duration poll_interval = absl::Milliseconds(500));
  ~OutboxForwarder();
  void Start();
  void Stop();

 private:
  void Run();
  // Sends what is due; returns how many were sent.
  int Pass();
  grpc::Status Send(const OutboxEntry& entry);

  MeetingsStore* store_;
  const Clock* clock_;
  std::unique_ptr<clients::v1::ClientsService::Stub> stub_;
  std::unique_ptr<notifications::v1::NotificationsService::Stub> notifications_;
  ServiceTokenSource token_;
  absl::Duration deadline_;
  absl::Duration poll_interval_;
  absl::Notification stop_;
  std::thread worker_;
};

}  // namespace atrium::meetings
