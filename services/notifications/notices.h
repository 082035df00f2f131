// The domain of the notifications service: accepting notice revisions,
// keeping each department's dispatch record, signing, and the queries.
// Delivery (Redis, redelivery, escalation) is in delivery.h; it and the
// WatchDispatches streams learn of new dispatches through DispatchSink.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "common/time_util.h"
#include "services/notifications/store.h"

namespace atrium::notifications {

struct NoticesOptions {
  // The departments notices may concern (configuration); must include fnb and rooms.
  std::vector<std::string> departments = {"fnb",          "rooms",    "front_office", "engineering",
                                          "housekeeping", "security", "finance"};
  // How long a department has to sign, and the shorter time when the meeting
  // starts within `urgent_window` of the dispatch.
  absl::Duration sign_within = absl::Hours(4);
  absl::Duration urgent_sign_within = absl::Minutes(30);
  absl::Duration urgent_window = absl::Hours(48);
  // A new dispatch is published at once by the delivery worker; the stored
  // schedule picks it up after this grace if that did not happen (crash,
  // Redis down).
  absl::Duration fresh_grace = absl::Seconds(5);
  // Printed documents: the hotel's name on every page, times in its zone.
  std::string hotel = "Atrium 酒店";
  absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
};

// Told, after the commit, of the dispatches a revision created.
// New dispatches of one accepted revision, shared (not copied) by every sink.
using DispatchBatch = std::shared_ptr<const std::vector<v1::Dispatch>>;

class DispatchSink {
 public:
  virtual ~DispatchSink() = default;
  // The batch is shared between the sinks and never changes. Called in the
  // order of the commits and before the next one: queue the work, never wait.
  virtual void Dispatched(const DispatchBatch& dispatches) = 0;
};

class Notices final {
 public:
  Notices(NotificationsStore* store, const Clock* clock, PageTokens page_tokens, NoticesOptions options);

  // Sinks must outlive this object.
  void AddSink(DispatchSink* sink);
  const NoticesOptions& options() const { return options_; }

  absl::StatusOr<v1::Notice> DispatchNotice(const Principal& who, const v1::DispatchNoticeRequest& req);
  absl::StatusOr<v1::Notice> GetNotice(const Principal& who, const v1::GetNoticeRequest& req);
  absl::StatusOr<v1::ListNoticesResponse> ListNotices(const Principal& who, const v1::ListNoticesRequest& req);
  absl::StatusOr<v1::NoticeRevision> GetNoticeRevision(const Principal& who, const v1::GetNoticeRevisionRequest& req);
  // (printing.cc)
  absl::StatusOr<type::v1::Document> PrintNoticeRevision(const Principal& who,
                                                         const v1::PrintNoticeRevisionRequest& req);
  absl::StatusOr<type::v1::Document> PrintDispatchRecord(const Principal& who,
                                                         const v1::PrintDispatchRecordRequest& req);
  absl::StatusOr<v1::ListNoticeRevisionsResponse> ListNoticeRevisions(const Principal& who,
                                                                      const v1::ListNoticeRevisionsRequest& req);
  absl::StatusOr<v1::Dispatch> GetDispatch(const Principal& who, const v1::GetDispatchRequest& req);
  absl::StatusOr<v1::ListDispatchesResponse> ListDispatches(const Principal& who, const v1::ListDispatchesRequest& req);
  absl::StatusOr<v1::Dispatch> SignDispatch(const Principal& who, const v1::SignDispatchRequest& req);
  // Checks a WatchDispatches request; OK when `who` may watch the department.
  absl::Status CheckWatch(const Principal& who, const v1::WatchDispatchesRequest& req) const;

 private:
  bool IsDepartment(const std::string& d) const;
  absl::Status ValidateRevision(const v1::NoticeRevision& r) const;
  // The notice with its departments' states; `current` are the current
  // revision's dispatches when the caller has them already.
  absl::StatusOr<v1::Notice> View(NotificationsTx& tx, v1::Notice notice,
                                  const std::vector<v1::Dispatch>* current = nullptr) const;
  v1::Dispatch NewDispatch(const v1::NoticeRevision& rev, const std::string& department, absl::Time now) const;
  // What accepting `rev` creates, built against the previous revision
  // (nullptr for the first): the revision with its changes, one dispatch per
  // department, all serialized.
  struct Prepared {
    int against = 0;  // the previous revision's number, 0 = none
    v1::NoticeRevision revision;
    std::string revision_blob;
    std::vector<v1::Dispatch> dispatches;
    std::vector<std::string> dispatch_blobs;
  };
  Prepared Prepare(v1::NoticeRevision rev, const v1::NoticeRevision* previous, absl::Time now) const;

  NotificationsStore* store_;
  const Clock* clock_;
  PageTokens page_tokens_;
  NoticesOptions options_;
  absl::Mutex sinks_mu_;
  std::vector<DispatchSink*> sinks_ ABSL_GUARDED_BY(sinks_mu_);
};

// Dispatch names: notices/{notice}/revisions/{revision}/dispatches/{department}.
std::string DispatchName(const std::string& notice_id, int revision, const std::string& department);
struct DispatchKey {
  std::string notice_id;
  int revision = 0;
  std::string department;
};
absl::StatusOr<DispatchKey> ParseDispatchName(const std::string& name, const std::string& field);

}  // namespace atrium::notifications
