// Storage of inspection points, the forms recorded (with one row per item
// result and monthly tallies for the reports), corrective actions, the
// missed-inspection reporting mark and the outbox, behind an interface so
// that another database can be added without touching the domain code.
//
// Days are DateKey integers (yyyymmdd) of the hotel's calendar, months yyyymm.
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
#include "atrium/inspections/v1/inspections.pb.h"

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

// A write to another service waiting to be sent.
struct OutboxEntry {
  enum Kind {
    kAlert = 0,        // body: notifications CreateAlertRequest, sent as it is
    kRoomFailure = 1,  // body: CreateAlertRequest without recipient; `room`'s next meeting's KAM gets it
  };
  int64_t id = 0;
  int kind = kAlert;
  std::string room;
  std::string body;
  int attempts = 0;
  // The trace of the call that caused it; the send continues it.
  std::string traceparent;
};

// What the service's gauges show.
struct InspectionsGauges {
  int64_t open_actions = 0;
  int64_t overdue_actions = 0;
  int64_t outbox = 0;
};

class InspectionsTx {
 public:
  virtual ~InspectionsTx() = default;

  virtual absl::StatusOr<std::optional<v1::InspectionPoint>> GetPoint(const std::string& id) = 0;
  virtual absl::Status PutPoint(const std::string& id, const v1::InspectionPoint& point) = 0;
  // By id after `after_id`.
  virtual absl::StatusOr<std::vector<v1::InspectionPoint>> ListPoints(const std::string& after_id, int limit) = 0;

  virtual absl::StatusOr<std::optional<v1::Inspection>> GetForm(const std::string& point_id, int64_t day) = 0;
  // Stores the form, a result row per item and adds to the monthly tallies.
  virtual absl::Status InsertForm(const std::string& point_id, int64_t day, const v1::Inspection& form) = 0;
  // Forms of a point (all points when empty) with day in [from, to], by
  // (day, point) after `after`.
  virtual absl::StatusOr<std::vector<v1::Inspection>> ListForms(
      const std::string& point_id, int64_t from_day, int64_t to_day,
      const std::optional<std::pair<int64_t, std::string>>& after, int limit) = 0;
  // How many forms each point has with day in [from, to].
  virtual absl::StatusOr<std::map<std::string, int64_t>> CountForms(int64_t from_day, int64_t to_day) = 0;
  // Tallies from the monthly table for months in [from, to] ...
  virtual absl::StatusOr<std::vector<Tally>> TallyMonths(int64_t from_month, int64_t to_month) = 0;
  // ... and from the result rows for days in [from, to].
  virtual absl::StatusOr<std::vector<Tally>> TallyDays(int64_t from_day, int64_t to_day) = 0;

  virtual absl::StatusOr<std::optional<v1::CorrectiveAction>> GetAction(const std::string& id) = 0;
  // `day` is the day of the form it came from.
  virtual absl::Status PutAction(const std::string& id, int64_t day, const v1::CorrectiveAction& action) = 0;
  virtual absl::StatusOr<std::vector<v1::CorrectiveAction>> ListActions(const ActionFilter& filter) = 0;
  // Open actions from forms with day in [from, to], counted per point id
  // and per assignee.
  virtual absl::StatusOr<std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>>> CountOpenActions(
      int64_t from_day, int64_t to_day) = 0;

  virtual absl::StatusOr<std::optional<int64_t>> GetMark(const std::string& key) = 0;
  virtual absl::Status SetMark(const std::string& key, int64_t value) = 0;

  virtual absl::StatusOr<InspectionsGauges> ReadGauges(int64_t now_micros) = 0;

  virtual absl::Status AddOutbox(const OutboxEntry& entry, int64_t now_micros) = 0;
  virtual absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now_micros, int limit) = 0;
  virtual absl::Status DeleteOutbox(int64_t id) = 0;
  virtual absl::Status RetryOutbox(int64_t id, int64_t next_attempt_micros) = 0;
};

class InspectionsStore {
 public:
  virtual ~InspectionsStore() = default;
  virtual absl::Status Write(const std::function<absl::Status(InspectionsTx&)>& fn) = 0;
  virtual absl::Status Read(const std::function<absl::Status(InspectionsTx&)>& fn) = 0;
  virtual absl::Status Ping() = 0;
};

}  // namespace atrium::inspections
