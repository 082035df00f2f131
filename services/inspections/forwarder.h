// Sends the inspections outbox with the service's own identity: alerts to
// the notifications service (missed inspections to the GM office), and for
// a failed item in a meeting room, the alert to the KAM of the next meeting
// booked there, found through the meetings service. Entries wait and are
// retried with backoff while a peer is down; the alert's request_id makes a
// retry after a lost reply create nothing new.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/auth.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "services/inspections/inspections.h"
#include "services/inspections/store.h"

namespace atrium::inspections {

class OutboxForwarder final {
 public:
  // `domain` (may be null) is asked to report missed inspections on every
  // pass, so that they reach the outbox on the same schedule.
  OutboxForwarder(InspectionsStore* store, Inspections* domain, const Clock* clock,
                  std::shared_ptr<grpc::Channel> notifications, std::shared_ptr<grpc::Channel> meetings,
                  TokenAlgorithm alg, std::string signing_key, absl::Duration deadline,
                  absl::Duration poll_interval = absl::Milliseconds(500),
                  absl::Duration missed_check_interval = absl::Minutes(1));
  ~OutboxForwarder();
  void Start();
  void Stop();
  // One pass: reports missed inspections, sends what is due; returns how
  // many entries were sent.
  int Pass();

 private:
  void Run();
  grpc::Status Send(const OutboxEntry& entry);
  // The KAM of the next meeting holding `room` from now on ("" if none).
  grpc::Status NextMeetingOwner(const std::string& room, std::string* owner);
  void Authorize(grpc::ClientContext* ctx);

  InspectionsStore* store_;
  Inspections* domain_;
  const Clock* clock_;
  std::unique_ptr<notifications::v1::NotificationsService::Stub> notifications_;
  std::unique_ptr<meetings::v1::MeetingsService::Stub> meetings_;
  ServiceTokenSource token_;
  absl::Duration deadline_;
  absl::Duration poll_interval_;
  absl::Duration missed_check_interval_;
  absl::Time next_missed_check_ = absl::InfinitePast();
  absl::Notification stop_;
  std::thread worker_;
};

}  // namespace atrium::inspections
