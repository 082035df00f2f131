// Storage of notices, their revisions, the dispatch records, alerts and the
// outbox of events to publish, on SQLite or PostgreSQL (common/db.h). Each
// resource is stored serialized, beside the few columns that queries need.
//
// On PostgreSQL, for several replicas on one database, write transactions
// are SERIALIZABLE: two replicas signing, superseding or escalating the same
// dispatch serialize, so the first signature stands and nothing is escalated
// twice; both replicas' delivery workers publish from the same stored
// schedule (a dispatch may be published by both: subscribers drop the
// duplicate by its event id).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/db.h"
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

// A transaction on the service's tables. The outbox here is the service's
// own (messages to publish on Redis channels), not db::kOutboxTable: TxBase's
// outbox methods do not apply to it, hence the names of its own.
class NotificationsTx : public db::TxBase {
 public:
  using db::TxBase::TxBase;

  absl::StatusOr<std::optional<v1::Notice>> GetNotice(const std::string& id);
  absl::Status PutNotice(const std::string& id, const v1::Notice& notice);
  // Newest first; `after` is (create micros, id) of the previous page's last.
  absl::StatusOr<std::vector<v1::Notice>> ListNotices(const std::string& meeting,
                                                      const std::optional<std::pair<int64_t, std::string>>& after,
                                                      int limit);

  absl::StatusOr<std::optional<StoredRevision>> GetRevision(const std::string& notice_id, int revision);
  // `serialized` is the NoticeRevision as stored.
  absl::Status PutRevision(const std::string& notice_id, int revision, const std::string& digest,
                           const std::string& serialized);

  // With its most recent delivery attempts (lists carry attempt_count only).
  absl::StatusOr<std::optional<v1::Dispatch>> GetDispatch(const std::string& name);
  // Inserts or replaces. `next_attempt_micros` is when the delivery worker
  // should next publish it (ignored unless it awaits a signature); nullopt
  // keeps the stored schedule. Delivery attempts are not taken from
  // `dispatch`: they are recorded with RecordAttempt.
  absl::Status PutDispatch(const v1::Dispatch& dispatch, std::optional<int64_t> next_attempt_micros);
  // Inserts a new dispatch whose serialized form the caller built already.
  absl::Status InsertDispatch(const v1::Dispatch& dispatch, const std::string& serialized, int64_t next_attempt_micros);
  // Records a delivery attempt of a dispatch (also when it was signed or
  // superseded since: the attempt happened) and, while it awaits signature,
  // schedules the next one. Returns false when there is no such dispatch. A
  // successful attempt counts in Dispatch.attempt_count.
  absl::StatusOr<bool> RecordAttempt(const std::string& name, const v1::DeliveryAttempt& attempt,
                                     int64_t next_attempt_micros);
  // Oldest first by dispatch time, then name.
  absl::StatusOr<std::vector<v1::Dispatch>> ListDispatches(const DispatchQuery& query);
  // The dispatches of one notice revision (every department).
  absl::StatusOr<std::vector<v1::Dispatch>> RevisionDispatches(const std::string& notice_id, int revision);
  // Awaiting signature and due for (re)publication at `now`, earliest first.
  absl::StatusOr<std::vector<v1::Dispatch>> DueForDelivery(int64_t now_micros, int limit);
  // Awaiting signature past their deadline and not yet escalated.
  absl::StatusOr<std::vector<v1::Dispatch>> DueForEscalation(int64_t now_micros, int limit);
  // The latest revision this department signed for the notice (0 = none).
  absl::StatusOr<int> LastSignedRevision(const std::string& notice_id, const std::string& department);

  // The service's outbox: `payload` to publish on `channel`, added in the
  // transaction of the change it announces.
  absl::Status AddPublication(const std::string& channel, const std::string& payload, int64_t now_micros);
  absl::StatusOr<std::vector<OutboxEntry>> DuePublications(int64_t now_micros, int limit);
  absl::Status DeletePublication(int64_t id);
  absl::Status RetryPublication(int64_t id, int64_t next_attempt_micros);

  absl::StatusOr<DeliveryGauges> ReadGauges(int64_t now_micros);

  // Alerts to staff and roles, with the request id that created one, if any
  // (common/request_ids.h: scoped to its caller, with the request's digest).
  // The id is kept on the alert row (unique per caller), where existing
  // databases hold it, rather than in TxBase's request_ids table.
  absl::Status InsertAlert(const v1::Alert& alert, const std::optional<RequestKey>& key);
  // The alert `key`'s caller created with its request id, and that request's digest.
  absl::StatusOr<std::optional<std::pair<v1::Alert, std::string>>> AlertByRequest(const RequestKey& key);
  // Newest first; `after` is (create micros, name) of the previous page's last.
  absl::StatusOr<std::vector<v1::Alert>> ListAlerts(const std::string& recipient,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit);
};

using NotificationsStore = db::Store<NotificationsTx>;

// The service's schema on both backends (schema.cc).
const db::Schema& NotificationsSchema();

}  // namespace atrium::notifications
