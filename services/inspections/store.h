// Storage of inspection points, the forms recorded (with one row per item
// result and monthly tallies for the reports), corrective actions, the
// missed-inspection reporting marks and the outbox, on SQLite or PostgreSQL
// (common/db.h).
//
// Days are DateKey integers (yyyymmdd) of the hotel's calendar, months yyyymm.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atrium/inspections/v1/inspections.pb.h"
#include "common/db.h"

namespace atrium::inspections {

// Checks and failures of one (point, item, person responsible).
struct Tally {
  std::string point;  // the point id
  std::string item;
  std::string responsible;
  int64_t checks = 0;
  int64_t failures = 0;
};

// A corrective action with what it is listed by.
struct ActionFilter {
  bool open_only = false;
  int64_t due_before_micros = 0;  // > 0: open and due before this
  std::string assignee;
  std::string point;                                     // a point id
  std::optional<std::pair<int64_t, std::string>> after;  // (due micros, id)
  int limit = 50;
};

// What an outbox message of this service is (OutboxMessage::kind; the
// messages are built by AlertMessage, forwarder.h).
enum OutboxKind {
  kAlert = 0,        // body: notifications CreateAlertRequest, sent as it is
  kRoomFailure = 1,  // body: CreateAlertRequest without recipient; the KAM of room `key`'s next meeting gets it
};

// What the service's gauges show.
struct InspectionsGauges {
  int64_t open_actions = 0;
  int64_t overdue_actions = 0;
  int64_t outbox = 0;
};

// A transaction on the inspections: the queries of its own tables, and the
// outbox and marks every store has (db::TxBase).
class InspectionsTx : public db::TxBase {
 public:
  using db::TxBase::TxBase;

  absl::StatusOr<std::optional<v1::InspectionPoint>> GetPoint(const std::string& id);
  absl::Status PutPoint(const std::string& id, const v1::InspectionPoint& point);
  // By id after `after_id`.
  absl::StatusOr<std::vector<v1::InspectionPoint>> ListPoints(const std::string& after_id, int limit);

  absl::StatusOr<std::optional<v1::Inspection>> GetForm(const std::string& point_id, int64_t day);
  // Stores the form, a result row per item and adds to the monthly tallies.
  absl::Status InsertForm(const std::string& point_id, int64_t day, const v1::Inspection& form);
  // Forms of a point (all points when empty) with day in [from, to], by
  // (day, point) after `after`.
  absl::StatusOr<std::vector<v1::Inspection>> ListForms(const std::string& point_id, int64_t from_day, int64_t to_day,
                                                        const std::optional<std::pair<int64_t, std::string>>& after,
                                                        int limit);
  // How many forms each point has with day in [from, to].
  absl::StatusOr<std::map<std::string, int64_t>> CountForms(int64_t from_day, int64_t to_day);
  // Tallies from the monthly table for months in [from, to] ...
  absl::StatusOr<std::vector<Tally>> TallyMonths(int64_t from_month, int64_t to_month);
  // ... and from the result rows for days in [from, to].
  absl::StatusOr<std::vector<Tally>> TallyDays(int64_t from_day, int64_t to_day);

  absl::StatusOr<std::optional<v1::CorrectiveAction>> GetAction(const std::string& id);
  // `day` is the day of the form it came from.
  absl::Status PutAction(const std::string& id, int64_t day, const v1::CorrectiveAction& action);
  absl::StatusOr<std::vector<v1::CorrectiveAction>> ListActions(const ActionFilter& filter);
  // Open actions from forms with day in [from, to], counted per point id
  // and per assignee.
  absl::StatusOr<std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>>> CountOpenActions(
      int64_t from_day, int64_t to_day);

  absl::StatusOr<InspectionsGauges> ReadGauges(int64_t now_micros);
};

using InspectionsStore = db::Store<InspectionsTx>;

// The inspections' schema on both backends (schema.cc).
const db::Schema& InspectionsSchema();

}  // namespace atrium::inspections
