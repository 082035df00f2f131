// Delivery of dispatches on Redis pub/sub, made reliable around it.
//
// The dispatch record is stored before anything is published (notices.h).
// The delivery worker then:
//   - publishes each new dispatch at once (the fast path, told by
//     Notices through DispatchSink);
//   - republishes every dispatch still awaiting signature when its stored
//     schedule comes due, with exponential backoff, until it is signed; a
//     dispatch whose first publication was missed (crash, Redis down) comes
//     due after NoticesOptions::fresh_grace;
//   - escalates dispatches unsigned past their deadline: marks them and puts
//     an escalation event for the owning KAM and the manager in the outbox,
//     in one transaction, then publishes the outbox;
//   - reconnects to Redis with backoff when it is lost, reporting the
//     component "redis" NOT_SERVING meanwhile; nothing is lost, since all that
//     is pending is in the database.
// Every publication carries the same CloudEvent id (the dispatch name), so a
// subscriber drops duplicates.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis.h"
#include "common/time_util.h"
#include "services/notifications/notices.h"
#include "services/notifications/store.h"

namespace atrium::notifications {

// Where events go: Redis in production; unit tests may substitute a fake.
class Bus {
 public:
  virtual ~Bus() = default;
  // One result per message: receivers, or the error.
  virtual std::vector<absl::StatusOr<int64_t>> Publish(const std::vector<redis::Message>& messages) = 0;
  // True once the connection is lost; the worker then connects anew.
  virtual bool broken() const = 0;
  // Checks the connection when there is nothing to publish.
  virtual absl::Status Ping() = 0;
};
using BusFactory = std::function<absl::StatusOr<std::unique_ptr<Bus>>()>;
// Connects to Redis at `endpoint`.
BusFactory RedisBusFactory(redis::Endpoint endpoint, absl::Duration timeout);

struct DeliveryOptions {
  std::string channel_prefix = "atrium";
  // The CloudEvents `source` of every event.
  std::string event_source = "//atrium/notifications";
  // Redelivery of an unsigned dispatch: after `redeliver_initial`, doubling
  // up to `redeliver_max`.
  absl::Duration redeliver_initial = absl::Minutes(1);
  absl::Duration redeliver_max = absl::Minutes(30);
  // How often the stored schedule is checked when nothing wakes the worker.
  absl::Duration poll_interval = absl::Milliseconds(500);
  // Backoff between reconnection attempts (doubling up to the max).
  absl::Duration reconnect_initial = absl::Milliseconds(200);
  absl::Duration reconnect_max = absl::Seconds(5);
  int batch_size = 500;
};

// Channel names: <prefix>.dispatches.<department>, <prefix>.staff.<subject>,
// <prefix>.role.manager.
std::string DispatchChannel(const std::string& prefix, const std::string& department);
std::string StaffChannel(const std::string& prefix, const std::string& subject);
std::string ManagerChannel(const std::string& prefix);

// The CloudEvent (protobuf, serialized) for one delivery of a dispatch.
std::string DispatchCloudEvent(const v1::Dispatch& dispatch, int attempt, absl::Time now, const std::string& source);
std::string EscalationCloudEvent(const v1::Dispatch& dispatch, absl::Time now, const std::string& source);

class Deliverer final : public DispatchSink {
 public:
  Deliverer(NotificationsStore* store, const Clock* clock, BusFactory bus, DeliveryOptions options);
  ~Deliverer() override;

  // Told of the connection's state: true = connected.
  void OnBusStatus(std::function<void(bool)> fn) { on_status_ = std::move(fn); }
  void Start();
  // Stops the worker; what is pending stays in the database.
  void Stop();

  void Dispatched(const DispatchBatch& dispatches) override;

  bool connected() const { return connected_.load(); }

 private:
  struct Record {
    std::string name;
    v1::DeliveryAttempt attempt;
    int64_t next_attempt_micros = 0;
  };
  void Run();
  void RecordLoop();
  // One pass: publishes new dispatches and, with `scan`, what the stored
  // schedule says is due. Returns true when a scan may have left work.
  bool Pass(bool scan);
  bool EnsureConnected();
  void Publish(const std::vector<const v1::Dispatch*>& dispatches);
  bool Escalate();
  bool PublishOutbox();
  absl::Duration Backoff(int attempts) const;

  NotificationsStore* store_;
  const Clock* clock_;
  BusFactory bus_factory_;
  DeliveryOptions options_;
  std::function<void(bool)> on_status_;
  std::unique_ptr<Bus> bus_;
  std::atomic<bool> connected_{false};
  absl::Time next_connect_ = absl::InfinitePast();
  absl::Time last_contact_ = absl::InfinitePast();
  absl::Duration connect_backoff_;

  absl::Mutex mu_;
  std::vector<DispatchBatch> fresh_ ABSL_GUARDED_BY(mu_);
  std::vector<Record> records_ ABSL_GUARDED_BY(mu_);
  // Published, attempt not yet recorded.
  std::set<std::string> unrecorded_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread worker_;
  std::thread recorder_;
};

}  // namespace atrium::notifications
