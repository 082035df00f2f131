// Storage of meetings, rooms and bookings, behind an interface so that
// another database can be added without touching the domain code.
//
// A booking occupies "units": the room itself, or for a combination each of
// its parts. Two active bookings conflict when they share a unit and their
// occupied intervals (set-up and tear-down included) overlap; the domain
// checks that inside the write transaction, so the check and the insert are
// one atomic step.
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
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/request_ids.h"

namespace atrium::meetings {

// One unit a booking occupies.
struct Occupancy {
  std::string unit;     // a plain room's id
  std::string booking;  // the booking's name
  std::string meeting;  // meetings/{id}
  std::string room;     // the booked room (rooms/{id}; may be a combination)
  int hold = 0;
  int64_t start_micros = 0;  // set-up included
  int64_t end_micros = 0;    // tear-down included
};

// A write to another service waiting in the outbox: written in the same
// transaction as the change that causes it, sent afterwards, kept while the
// other service is down. Sent in id order per target service.
struct OutboxEntry {
  enum Kind {
    kActivity = 0,    // clients CreateActivity from the fields below
    kPreference = 1,  // clients CreatePreference; body = CreatePreferenceRequest
    kLedger = 2,      // clients CreateLedgerEntry; body = CreateLedgerEntryRequest
    kNotice = 3,      // notifications DispatchNotice; body = DispatchNoticeRequest
  };
  int64_t id = 0;
  std::string account;     // accounts/{id}
  std::string request_id;  // makes the append idempotent in the clients service
  std::string summary;
  std::string detail;
  std::string subject;  // the meeting
  int attempts = 0;
  int kind = kActivity;
  std::string body;
  // The trace of the call that caused it; the send continues it.
  std::string traceparent;
};

// A stored sub-resource of a meeting (agreement version, approval request,
// tracking entry, settlement, notice) or the price list: a serialized message
// under its resource name, listed by parent in `seq` order; `tag` (when
// not empty) is a second index, e.g. the approver queue.
struct Record {
  std::string name;
  std::string kind;
  std::string parent;
  std::string tag;
  int64_t seq = 0;
  std::string data;
};

// What the service's gauges show.
struct MeetingsGauges {
  std::map<int, int64_t> active_bookings;  // by hold, bookings not yet over
  std::map<int, int64_t> outbox;           // by OutboxEntry::Kind
};

class MeetingsTx {
 public:
  virtual ~MeetingsTx() = default;

  virtual absl::StatusOr<std::optional<v1::Meeting>> GetMeeting(const std::string& id) = 0;
  virtual absl::Status PutMeeting(const std::string& id, const v1::Meeting& meeting) = 0;
  // Newest first; `after` is (create micros, id) of the previous page's last.
  // `state` STATE_UNSPECIFIED = any state.
  virtual absl::StatusOr<std::vector<v1::Meeting>> ListMeetings(
      const std::string& account, const std::string& owner, v1::Meeting::State state,
      const std::optional<std::pair<int64_t, std::string>>& after, int limit) = 0;

  virtual absl::StatusOr<std::optional<v1::Room>> GetRoom(const std::string& id) = 0;
  virtual absl::Status InsertRoom(const std::string& id, const v1::Room& room) = 0;
  // Replaces a room that exists.
  virtual absl::Status PutRoom(const std::string& id, const v1::Room& room) = 0;
  // By id, after `after_id`.
  virtual absl::StatusOr<std::vector<v1::Room>> ListRooms(const std::string& after_id, int limit) = 0;

  virtual absl::StatusOr<std::optional<v1::Booking>> GetBooking(const std::string& name) = 0;
  // Inserts or replaces the booking; its occupancy is `units` while it is
  // active and nothing once cancelled.
  virtual absl::Status PutBooking(const std::string& meeting_id, const v1::Booking& booking,
                                  const std::vector<std::string>& units) = 0;
  // By start time; `meeting_id` empty = every meeting.
  virtual absl::StatusOr<std::vector<v1::Booking>> ListBookings(
      const std::string& meeting_id, bool show_cancelled, const std::optional<std::pair<int64_t, std::string>>& after,
      int limit) = 0;
  // Active occupancies of `units` overlapping [start, end), by start.
  virtual absl::StatusOr<std::vector<Occupancy>> Occupancies(const std::vector<std::string>& units,
                                                             int64_t start_micros, int64_t end_micros, int limit) = 0;

  // Every active occupancy overlapping [start, end), by start.
  virtual absl::StatusOr<std::vector<Occupancy>> AllOccupancies(int64_t start_micros, int64_t end_micros,
                                                                int limit) = 0;

  // Meetings whose dates overlap [start, end) (meetings with dates only).
  virtual absl::StatusOr<std::vector<v1::Meeting>> MeetingsBetween(int64_t start_micros, int64_t end_micros) = 0;

  virtual absl::StatusOr<std::optional<Record>> GetRecord(const std::string& name) = 0;
  virtual absl::Status PutRecord(const Record& record) = 0;
  // Of `kind` under `parent` (or with `tag` when `by_tag`), by (seq, name)
  // after `after`.
  virtual absl::StatusOr<std::vector<Record>> ListRecords(const std::string& kind, const std::string& key, bool by_tag,
                                                          const std::optional<std::pair<int64_t, std::string>>& after,
                                                          int limit) = 0;

  virtual absl::StatusOr<MeetingsGauges> ReadGauges(int64_t now_micros) = 0;

  virtual absl::Status AddOutbox(const OutboxEntry& entry, int64_t now_micros) = 0;
  virtual absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now_micros, int limit) = 0;
  virtual absl::Status DeleteOutbox(int64_t id) = 0;
  virtual absl::Status RetryOutbox(int64_t id, int64_t next_attempt_micros) = 0;

  // Idempotency keys (common/request_ids.h): what a caller's request_id of a
  // method created, and the digest of the request that created it.
  virtual absl::StatusOr<std::optional<RememberedRequest>> LookupRequest(const RequestKey& key) = 0;
  virtual absl::Status RememberRequest(const RequestKey& key, const std::string& resource_name, int64_t now_micros) = 0;
};

class MeetingsStore {
 public:
  virtual ~MeetingsStore() = default;
  virtual absl::Status Write(const std::function<absl::Status(MeetingsTx&)>& fn) = 0;
  virtual absl::Status Read(const std::function<absl::Status(MeetingsTx&)>& fn) = 0;
  virtual absl::Status Ping() = 0;
};

}  // namespace atrium::meetings
