// Storage of meetings, rooms and bookings, on SQLite or PostgreSQL
// (common/db.h).
//
// A booking occupies "units": the room itself, or for a combination each of
// its parts. Two active bookings conflict when they share a unit and their
// occupied intervals (set-up and tear-down included) overlap; the domain
// checks that inside the write transaction, so the check and the insert are
// one atomic step. Across replicas on PostgreSQL too: write transactions are
// SERIALIZABLE, so of two overlapping requests on different replicas one
// commits and the other runs again, sees the first and is refused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/db.h"
#include "services/meetings/facts.h"

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

// A write to another service, as the domain states it: ToMessage
// (forwarder.h) turns it into the request it stands for, which goes into the
// outbox in the same transaction as the change that causes it, to be sent
// afterwards (kept while the other service is down; in id order per target
// service). Also the shape of the rows of the legacy activity_outbox.
struct OutboxEntry {
  enum Kind {
    kActivity = 0,    // clients CreateActivity from the fields below
    kPreference = 1,  // clients CreatePreference; body = CreatePreferenceRequest
    kLedger = 2,      // clients CreateLedgerEntry; body = CreateLedgerEntryRequest
    kNotice = 3,      // notifications DispatchNotice; body = DispatchNoticeRequest
    kAlert = 4,       // notifications CreateAlert; body = CreateAlertRequest
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

// One row of the changes a person made to meetings (MeetingChange).
struct ChangeRow {
  int64_t id = 0;
  std::string actor;
  int64_t micros = 0;
  int kind = 0;  // MeetingChange::Kind
  std::string owner;
  std::string segment;
  int64_t month = 0;  // of `micros`, in the hotel's zone
  int revision = 0;   // NOTICE_REVISION's
  v1::MeetingChange change;
};

// Which sales facts a figure reads: those with `column` (event_month,
// create_month, close_month) in [from, to], optionally of one owner and
// segment, and (when `states` is not empty) in one of them.
struct FactQuery {
  std::string column;
  int64_t from = 0;
  int64_t to = 0;
  bool or_undated = false;  // also event_month = 0
  std::string owner;
  std::string segment;
  std::vector<int> states;
};

// Which definite changes: `column` (event_month or change_month) in
// [from, to], made at or before `as_of_micros`.
struct ChangeQuery {
  std::string column;
  int64_t from = 0;
  int64_t to = 0;
  int64_t as_of_micros = 0;
  std::string owner;
  std::string segment;
};

// The definite changes of one (owner, segment, month of `column`[, kind]),
// summed in the database.
struct DefiniteSum {
  std::string owner;
  std::string segment;
  int64_t month = 0;
  int kind = 0;          // when summed by kind
  int64_t changes = 0;   // how many
  int64_t meetings = 0;  // their meetings (+1 / -1)
  int64_t rising = 0;    // of them, those whose total did not fall (by kind only)
  Amounts delta;         // their sum
  Amounts rises;         // each measure's rises alone (by kind only)
};

// Sales facts of one (owner, segment, month of `column`[, state[, reason,
// competitor]]), counted and summed in the database.
struct FactSum {
  std::string owner;
  std::string segment;
  int64_t month = 0;
  int state = 0;
  std::string lost_reason;
  std::string competitor;
  int64_t facts = 0;
  int64_t contracted = 0;  // of them, ever contracted
  int64_t lost = 0;        // of them, LOST
  Amounts value;           // value, or for SETTLED what was billed
  int64_t lost_value = 0;
};

// What a sum of facts groups by and adds up.
enum class FactGroup {
  kSettled,    // by month; the bills
  kOpen,       // by month and stage; the worth
  kEnquiries,  // by month; how many, contracted, lost
  kClosed,     // by month, state, reason and competitor; the lost value
};

// One account's definite and settled business.
struct AccountSum {
  std::string account;
  int64_t meetings = 0;
  Amounts value;
};

// What the service's gauges show.
struct MeetingsGauges {
  std::map<int, int64_t> active_bookings;  // by hold, bookings not yet over
  std::map<int, int64_t> outbox;           // by OutboxEntry::Kind
};

// A transaction on the meetings' tables; request ids and the outbox are
// every store's (db::TxBase).
class MeetingsTx : public db::TxBase {
 public:
  using db::TxBase::TxBase;

  absl::StatusOr<std::optional<v1::Meeting>> GetMeeting(const std::string& id);
  absl::Status PutMeeting(const std::string& id, const v1::Meeting& meeting);
  // Newest first; `after` is (create micros, id) of the previous page's last.
  // `state` STATE_UNSPECIFIED = any state.
  absl::StatusOr<std::vector<v1::Meeting>> ListMeetings(const std::string& account, const std::string& owner,
                                                        v1::Meeting::State state,
                                                        const std::optional<std::pair<int64_t, std::string>>& after,
                                                        int limit);

  absl::StatusOr<std::optional<v1::Room>> GetRoom(const std::string& id);
  absl::Status InsertRoom(const std::string& id, const v1::Room& room);
  // Replaces a room that exists.
  absl::Status PutRoom(const std::string& id, const v1::Room& room);
  // By id, after `after_id`.
  absl::StatusOr<std::vector<v1::Room>> ListRooms(const std::string& after_id, int limit);

  // The coded reasons business is lost or cancelled for, by code.
  absl::StatusOr<std::optional<v1::LostReason>> GetLostReason(const std::string& code);
  // ALREADY_EXISTS when the code is taken.
  absl::Status InsertLostReason(const std::string& code, const v1::LostReason& reason);
  absl::Status PutLostReason(const std::string& code, const v1::LostReason& reason);
  // In code order after `after_code`; the retired ones only with `retired`.
  absl::StatusOr<std::vector<v1::LostReason>> ListLostReasons(const std::string& after_code, bool retired, int limit);

  absl::StatusOr<std::optional<v1::Booking>> GetBooking(const std::string& name);
  // Inserts or replaces the booking; its occupancy is `units` while it is
  // active and nothing once cancelled.
  absl::Status PutBooking(const std::string& meeting_id, const v1::Booking& booking,
                          const std::vector<std::string>& units);
  // By start time; `meeting_id` empty = every meeting.
  absl::StatusOr<std::vector<v1::Booking>> ListBookings(const std::string& meeting_id, bool show_cancelled,
                                                        const std::optional<std::pair<int64_t, std::string>>& after,
                                                        int limit);
  // Active occupancies of `units` overlapping [start, end), by start.
  absl::StatusOr<std::vector<Occupancy>> Occupancies(const std::vector<std::string>& units, int64_t start_micros,
                                                     int64_t end_micros, int limit);
  // Every active occupancy overlapping [start, end), by start.
  absl::StatusOr<std::vector<Occupancy>> AllOccupancies(int64_t start_micros, int64_t end_micros, int limit);

  // Meetings whose dates overlap [start, end) (meetings with dates only).
  absl::StatusOr<std::vector<v1::Meeting>> MeetingsBetween(int64_t start_micros, int64_t end_micros);

  absl::StatusOr<std::optional<Record>> GetRecord(const std::string& name);
  absl::Status PutRecord(const Record& record);
  // Of `kind` under `parent` (or with `tag` when `by_tag`), by (seq, name)
  // after `after`.
  absl::StatusOr<std::vector<Record>> ListRecords(const std::string& kind, const std::string& key, bool by_tag,
                                                  const std::optional<std::pair<int64_t, std::string>>& after,
                                                  int limit);

  // The sales figures' rows (facts.h), kept by internal::SaveMeeting.
  absl::StatusOr<std::optional<SalesFact>> GetSalesFact(const std::string& meeting_id);
  absl::Status PutSalesFact(const SalesFact& fact);
  absl::Status AddDefiniteChange(const SalesFact& fact, const DefiniteChange& change, int64_t micros,
                                 int64_t change_month);
  absl::Status AddMeetingChange(const ChangeRow& row);
  // The figures of SummarizeSales, summed in the database (a sum past what
  // 64 bits hold is SUM_TOO_LARGE): the definite changes per (owner,
  // segment, month[, kind]); the facts per FactGroup; the accounts with the
  // most definite business (more meetings on the books than off), most
  // first, then by name; and the settled business of some accounts.
  absl::StatusOr<std::vector<DefiniteSum>> SumDefiniteChanges(const ChangeQuery& query, bool by_kind);
  absl::StatusOr<std::vector<FactSum>> SumSalesFacts(FactGroup group, const FactQuery& query);
  absl::StatusOr<std::vector<AccountSum>> TopDefiniteAccounts(const ChangeQuery& query, int limit);
  absl::StatusOr<std::vector<AccountSum>> SettledOfAccounts(const FactQuery& query,
                                                            const std::vector<std::string>& accounts);
  // The changes of `actor` made in [from, to), by (micros, id) after `after`.
  absl::StatusOr<std::vector<ChangeRow>> ChangesBy(const std::string& actor, int64_t from_micros, int64_t to_micros,
                                                   const std::optional<std::pair<int64_t, int64_t>>& after, int limit);
  // Notice revisions after the first issued in months [from, to], counted
  // per (owner, segment, month).
  absl::StatusOr<std::map<std::tuple<std::string, std::string, int64_t>, int>> LaterRevisions(
      int64_t from_month, int64_t to_month, const std::string& owner, const std::string& segment);

  absl::StatusOr<MeetingsGauges> ReadGauges(int64_t now_micros);

  // TxBase's, except that a notice revision waits for the earlier revisions
  // of its meeting (the message's key): the notifications service accepts
  // them in order only. (Hides TxBase::DueOutbox, for StoreOutbox.)
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now_micros, int limit);
};

using MeetingsStore = db::Store<MeetingsTx>;

// The meetings' schema on both backends (schema.cc).
const db::Schema& MeetingsSchema();

// Brings up to date what earlier releases left in an opened store: fills in
// the state of meetings written before it had a column, and moves the writes
// waiting in the legacy activity_outbox to the outbox. Run once after
// opening; a no-op once done.
absl::Status UpgradeRows(MeetingsStore& store);

}  // namespace atrium::meetings
