// Storage of notices, their revisions, the dispatch records and the outbox of
// escalation events, behind an interface so that another database can be
// added without touching the domain code. Each resource is stored serialized,
// beside the few columns that queries need.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/request_ids.h"

namespace atrium::notifications {

struct StoredRevision {
  std::string digest;  // of the content as sent, to tell a retry from a conflict
  v1::NoticeRevision revision;
};

struct DispatchQuery {
  std::string department;
  std::string meeting;
  std::string notice_id;
  int revision = 0;                                      // 0 = any
  bool unsigned_only = false;                            // AWAITING_SIGNATURE only
  int64_t deadline_before = 0;                           // > 0: only sign deadlines before this
  std::optional<std::pair<int64_t, std::string>> after;  // (dispatch micros, name)
  int limit = 50;
};

struct OutboxEntry {
  int64_t id = 0;
  std::string channel;
  std::string payload;
  int attempts = 0;
};

// What the service's gauges show: per department, the dispatches awaiting a
// signature and those of them past their deadline; the outbox's depth.
struct DeliveryGauges {
  std::map<std::string, std::pair<int64_t, int64_t>> unsigned_and_overdue;
  int64_t outbox = 0;
};

class NotificationsTx {
 public:
  virtual ~NotificationsTx() = default;

  virtual absl::StatusOr<std::optional<v1::Notice>> GetNotice(const std::string& id) = 0;
  virtual absl::Status PutNotice(const std::string& id, const v1::Notice& notice) = 0;
  // Newest first; `after` is (create micros, id) of the previous page's last.
  virtual absl::StatusOr<std::vector<v1::Notice>> ListNotices(
      const std::string& meeting, const std::optional<std::pair<int64_t, std::string>>& after, int limit) = 0;

  virtual absl::StatusOr<std::optional<StoredRevision>> GetRevision(const std::string& notice_id, int revision) = 0;
  // `serialized` is the NoticeRevision as stored.
  virtual absl::Status PutRevision(const std::string& notice_id, int revision, const std::string& digest,
                                   const std::string& serialized) = 0;

  // With its most recent delivery attempts (lists carry attempt_count only).
  virtual absl::StatusOr<std::optional<v1::Dispatch>> GetDispatch(const std::string& name) = 0;
  // Inserts or replaces. `next_attempt_micros` is when the delivery worker
  // should next publish it (ignored unless it awaits a signature); nullopt
  // keeps the stored schedule. Delivery attempts are not taken from
  // `dispatch`: they are recorded with RecordAttempt.
  virtual absl::Status PutDispatch(const v1::Dispatch& dispatch, std::optional<int64_t> next_attempt_micros) = 0;
  // Inserts a new dispatch whose serialized form the caller built already.
  virtual absl::Status InsertDispatch(const v1::Dispatch& dispatch, const std::string& serialized,
                                      int64_t next_attempt_micros) = 0;
  // Records a delivery attempt of a dispatch (also when it was signed or
  // superseded since: the attempt happened) and, while it awaits signature,
  // schedules the next one. Returns false when there is no such dispatch. A
  // successful attempt counts in Dispatch.attempt_count.
  virtual absl::StatusOr<bool> RecordAttempt(const std::string& name, const v1::DeliveryAttempt& attempt,
                                             int64_t next_attempt_micros) = 0;
  // Oldest first by dispatch time, then name.
  virtual absl::StatusOr<std::vector<v1::Dispatch>> ListDispatches(const DispatchQuery& query) = 0;
  // The dispatches of one notice revision (every department).
  virtual absl::StatusOr<std::vector<v1::Dispatch>> RevisionDispatches(const std::string& notice_id, int revision) = 0;
  // Awaiting signature and due for (re)publication at `now`, earliest first.
  virtual absl::StatusOr<std::vector<v1::Dispatch>> DueForDelivery(int64_t now_micros, int limit) = 0;
  // Awaiting signature past their deadline and not yet escalated.
  virtual absl::StatusOr<std::vector<v1::Dispatch>> DueForEscalation(int64_t now_micros, int limit) = 0;
  // The latest revision this department signed for the notice (0 = none).
  virtual absl::StatusOr<int> LastSignedRevision(const std::string& notice_id, const std::string& department) = 0;

  virtual absl::Status AddOutbox(const std::string& channel, const std::string& payload, int64_t now_micros) = 0;
  virtual absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now_micros, int limit) = 0;
  virtual absl::Status DeleteOutbox(int64_t id) = 0;
  virtual absl::Status RetryOutbox(int64_t id, int64_t next_attempt_micros) = 0;

  virtual absl::StatusOr<DeliveryGauges> ReadGauges(int64_t now_micros) = 0;

  // Alerts to staff and roles, with the request id that created one, if any
  // (common/request_ids.h: scoped to its caller, with the request's digest).
  virtual absl::Status InsertAlert(const v1::Alert& alert, const std::optional<RequestKey>& key) = 0;
  // The alert `key`'s caller created with its request id, and that request's digest.
  virtual absl::StatusOr<std::optional<std::pair<v1::Alert, std::string>>> AlertByRequest(const RequestKey& key) = 0;
  // Newest first; `after` is (create micros, name) of the previous page's last.
  virtual absl::StatusOr<std::vector<v1::Alert>> ListAlerts(const std::string& recipient,
                                                            const std::optional<std::pair<int64_t, std::string>>& after,
                                                            int limit) = 0;

  // Counts for health and metrics.
  virtual absl::StatusOr<int64_t> CountUnsigned() = 0;
};

class NotificationsStore {
 public:
  virtual ~NotificationsStore() = default;
  // All changes of `fn` commit together when it returns OK, none otherwise.
  virtual absl::Status Write(const std::function<absl::Status(NotificationsTx&)>& fn) = 0;
  // The same, and `committed` runs as soon as the changes are committed and
  // safe from a crash of the process, which may be a moment before they are
  // on disk and Write returns (SQLite syncs its log after the commit; a
  // PostgreSQL commit is durable when it returns). Not run if `fn` fails.
  virtual absl::Status WriteThen(const std::function<absl::Status(NotificationsTx&)>& fn,
                                 const std::function<void()>& committed) = 0;
  virtual absl::Status Read(const std::function<absl::Status(NotificationsTx&)>& fn) = 0;
  virtual absl::Status Ping() = 0;
};

}  // namespace atrium::notifications
