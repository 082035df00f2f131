// The outbox relay: writes to another service that a transaction recorded in
// the writing service's own database (its outbox), sent afterwards with the
// service's own identity and deleted once the other service has them.
//
// While a peer is down, restarting or busy (IsTransientPeerFailure) its
// messages wait and are retried with backoff (1 s doubling to 256 s); the
// rest of that peer's batch waits for the next pass, the other peers go on.
// A message the peer refuses is an answer about the message itself: it is
// logged at error level and kept for an operator, retried hourly, never
// dropped. Every write an outbox sends is idempotent at the peer (a
// request_id, a ledger reference, a notice revision), so a retry after a lost
// reply creates nothing new.
//
//   OutboxRelay relay("clients", &queue, clock, alg, signing_key, options);
//   relay.AddPeer("notifications", OutboxRelay::ByMethod(channel));
//   relay.Every(absl::Minutes(1), [&] { domain.AlertOverdue(); });
//   relay.Start();
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"

namespace atrium {

// One write waiting in an outbox.
struct OutboxMessage {
  int64_t id = 0;
  // The service it goes to (a name given to OutboxRelay::AddPeer).
  std::string peer;
  // The full gRPC method, e.g. "/atrium.notifications.v1.NotificationsService/CreateAlert".
  std::string method;
  // The serialized request.
  std::string body;
  // The trace of the call that caused it; the send continues it.
  std::string traceparent;
  // Failed sends so far.
  int attempts = 0;
  // What the logs call it (a request id, a resource name).
  std::string label;
  // The owning service's own tag and key, for a sender that does more than
  // send (e.g. looks up the recipient of an alert about `key`, a room).
  int kind = 0;
  std::string key;
};

// A service's outbox table, as the relay sees it.
class OutboxQueue {
 public:
  virtual ~OutboxQueue() = default;
  // Messages due at `now`, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<OutboxMessage>> Due(absl::Time now, int limit) = 0;
  // The peer has it: the message is deleted.
  virtual absl::Status Delivered(int64_t id) = 0;
  // One more failed attempt; next tried at `next`.
  virtual absl::Status Retry(int64_t id, absl::Time next) = 0;
};

// When a message that failed `attempts` times before this failure is tried
// again: transient failures after 1 s doubling to 256 s, refusals hourly.
absl::Duration OutboxRetryDelay(int attempts, bool transient);

class OutboxRelay final {
 public:
  // Sends one message with `context` (deadline, identity and trace set).
  using Sender = std::function<grpc::Status(const OutboxMessage& message, grpc::ClientContext* context)>;

  struct Options {
    absl::Duration deadline = absl::Seconds(2);  // of each call to a peer
    absl::Duration poll_interval = absl::Milliseconds(500);
    int batch = 100;  // messages read per pass
  };

  // Signs its calls as `service:<service>` with `signing_key`.
  OutboxRelay(std::string service, OutboxQueue* queue, const Clock* clock, TokenAlgorithm alg, std::string signing_key,
              Options options);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Where the messages of `peer` go. A message whose peer has no sender is
  // refused (and kept).
  void AddPeer(const std::string& peer, Sender sender);
  // Sends `body` as the request of `method` over `channel`, unchanged.
  static Sender ByMethod(std::shared_ptr<grpc::Channel> channel);
  // Runs `task` on the relay's thread at most every `interval` (work that
  // fills the outbox on a schedule, e.g. looking for overdue entries).
  void Every(absl::Duration interval, std::function<void()> task);

  // Sets a call's deadline, the service's identity and the current trace:
  // what every send gets, for the calls a Sender makes on its own.
  void Prepare(grpc::ClientContext* context);

  void Start();
  // Stops the thread; what was not sent stays in the outbox.
  void Stop();

  // One pass: the scheduled tasks that are due, then the messages that are
  // due. Returns how many were delivered. (Start() calls it in a loop; tests
  // call it directly.)
  int Pass();

 private:
  struct Task {
    absl::Duration interval;
    std::function<void()> run;
    absl::Time next = absl::InfinitePast();
  };
  void Run();

  std::string service_;
  OutboxQueue* queue_;
  const Clock* clock_;
  ServiceTokenSource token_;
  Options options_;
  std::map<std::string, Sender> peers_;
  std::vector<Task> tasks_;
  absl::Notification stop_;
  std::thread worker_;
};

}  // namespace atrium

namespace atrium {

// The OutboxQueue of a service store whose transactions (Store::Read and
// Store::Write taking a function of the store's transaction Tx) have
// DueOutbox, DeleteOutbox and RetryOutbox in microseconds. A store that
// keeps its own kind of row (Entry) gives the function that turns one into
// the message it stands for.
template <typename Store, typename Tx, typename Entry = OutboxMessage>
class StoreOutbox final : public OutboxQueue {
 public:
  explicit StoreOutbox(Store* store, std::function<OutboxMessage(const Entry&)> to_message = {})
      : store_(store), to_message_(std::move(to_message)) {}
  absl::StatusOr<std::vector<OutboxMessage>> Due(absl::Time now, int limit) override {
    std::vector<OutboxMessage> out;
    absl::Status s = store_->Read([&](Tx& tx) -> absl::Status {
      auto rows = tx.DueOutbox(absl::ToUnixMicros(now), limit);
      if (!rows.ok()) return rows.status();
      for (auto& row : *rows) {
        if constexpr (std::is_same_v<Entry, OutboxMessage>) {
          out.push_back(std::move(row));
        } else {
          out.push_back(to_message_(row));
        }
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return out;
  }
  absl::Status Delivered(int64_t id) override {
    return store_->Write([&](Tx& tx) { return tx.DeleteOutbox(id); });
  }
  absl::Status Retry(int64_t id, absl::Time next) override {
    return store_->Write([&](Tx& tx) { return tx.RetryOutbox(id, absl::ToUnixMicros(next)); });
  }

 private:
  Store* store_;
  std::function<OutboxMessage(const Entry&)> to_message_;
};

}  // namespace atrium
