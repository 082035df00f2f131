// The meetings' schema, for SQLite and PostgreSQL side by side.
#include "absl/strings/str_cat.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

const db::Schema& MeetingsSchema() {
  static const db::Schema* schema = new db::Schema{
      .history =
          {
              // 1: meetings, rooms, bookings and what they occupy, idempotency keys.
              db::Both(R"sql(
CREATE TABLE meetings (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  owner TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX meetings_by_create ON meetings(create_micros, id);
CREATE INDEX meetings_by_account ON meetings(account, create_micros, id);
CREATE INDEX meetings_by_owner ON meetings(owner, create_micros, id);
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  data BYTEA NOT NULL
);
CREATE TABLE bookings (
  name TEXT PRIMARY KEY,
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  start_micros BIGINT NOT NULL,
  state INTEGER NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX bookings_by_meeting ON bookings(meeting_id, start_micros, name);
CREATE INDEX bookings_by_start ON bookings(start_micros, name);
CREATE TABLE occupancy (
  unit TEXT NOT NULL,
  start_micros BIGINT NOT NULL,
  end_micros BIGINT NOT NULL,
  booking TEXT NOT NULL,
  meeting TEXT NOT NULL,
  room TEXT NOT NULL,
  hold INTEGER NOT NULL
);
CREATE INDEX occupancy_by_unit ON occupancy(unit, start_micros);
CREATE INDEX occupancy_by_booking ON occupancy(booking);
CREATE INDEX occupancy_by_start ON occupancy(start_micros);
-- The longest occupancy ever stored: it bounds how far back an overlap
-- search must look (bookings may last 14 days; most last hours).
CREATE TABLE diary_meta (
  key TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  PRIMARY KEY (method, request_id)
);
)sql"),
              // 2: the outbox of sales-record entries for the clients service.
              db::Both(R"sql(
CREATE TABLE activity_outbox (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  request_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  detail TEXT NOT NULL,
  subject TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL
);
CREATE INDEX activity_outbox_due ON activity_outbox(next_attempt_micros);
)sql"),
              // 3: the outbox carries other writes too (preferences, receivables,
              // notices); meetings' dates for the day's view; sub-resources of meetings.
              db::Both(R"sql(
ALTER TABLE activity_outbox ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity_outbox ADD COLUMN body BYTEA NOT NULL DEFAULT '\x';
ALTER TABLE meetings ADD COLUMN start_micros BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN end_micros BIGINT NOT NULL DEFAULT 0;
CREATE INDEX activity_outbox_notices ON activity_outbox(subject, id) WHERE kind = 3;
CREATE INDEX meetings_by_start ON meetings(start_micros) WHERE start_micros > 0;
CREATE TABLE records (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent TEXT NOT NULL,
  tag TEXT NOT NULL,
  seq BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX records_by_parent ON records(kind, parent, seq, name);
CREATE INDEX records_by_tag ON records(kind, tag, seq, name) WHERE tag <> '';
)sql"),
              // 4: the trace an outbox entry continues.
              db::Both("ALTER TABLE activity_outbox ADD COLUMN traceparent TEXT NOT NULL DEFAULT '';\n"),
              // 5: meetings listed by state (0 = written before this migration, filled
              // in from the stored message at start-up).
              db::Both(R"sql(
ALTER TABLE meetings ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
CREATE INDEX meetings_by_state ON meetings(state, create_micros, id);
)sql"),
              // 6: request ids scoped to their caller (common/db.h).
              db::RequestIdsByCaller(),
          },
      // PostgreSQL took the first four as one.
      .postgres_took = {{1, 2, 3, 4}, {5}, {6}},
      .steps =
          {
              // The outbox every store has (db::kOutboxTable), holding the requests
              // themselves; the writes still waiting in activity_outbox move to it
              // at start-up (UpgradeRows). Notice revisions are looked up by meeting
              // (the key), to send them in order (MeetingsTx::DueOutbox).
              db::Both(absl::StrCat(db::kOutboxTable, "CREATE INDEX outbox_notices ON outbox(key, id) WHERE kind = ",
                                    OutboxEntry::kNotice, ";\n")),
              // The coded reasons lost and cancelled business is marked with.
              db::Both(R"sql(
CREATE TABLE lost_reasons (
  code TEXT COLLATE "C" PRIMARY KEY,
  state INTEGER NOT NULL,
  data BYTEA NOT NULL
);
)sql"),
              // The sales figures (facts.h): one fact per meeting, the changes of
              // the definite business (by month of the event, and of the change),
              // and each person's changes to meetings. Filled from the meetings
              // at start-up (UpgradeRows), then on every write of a meeting.
              db::Both(R"sql(
CREATE TABLE sales_facts (
  meeting_id TEXT COLLATE "C" PRIMARY KEY,
  account TEXT NOT NULL,
  owner TEXT NOT NULL,
  segment TEXT NOT NULL,
  state INTEGER NOT NULL,
  event_month INTEGER NOT NULL,
  create_month INTEGER NOT NULL,
  contracted INTEGER NOT NULL,
  close_month INTEGER NOT NULL,
  room_nights BIGINT NOT NULL,
  rooms BIGINT NOT NULL,
  fnb BIGINT NOT NULL,
  conference BIGINT NOT NULL,
  total BIGINT NOT NULL,
  actual_room_nights BIGINT NOT NULL,
  actual_rooms BIGINT NOT NULL,
  actual_fnb BIGINT NOT NULL,
  actual_conference BIGINT NOT NULL,
  actual_total BIGINT NOT NULL,
  lost_reason TEXT NOT NULL,
  competitor TEXT NOT NULL,
  lost_value BIGINT NOT NULL,
  history_size INTEGER NOT NULL
);
CREATE INDEX sales_facts_by_event ON sales_facts(event_month);
CREATE INDEX sales_facts_by_create ON sales_facts(create_month);
CREATE INDEX sales_facts_by_close ON sales_facts(close_month) WHERE close_month > 0;
CREATE TABLE definite_changes (
  id BIGSERIAL PRIMARY KEY,
  meeting_id TEXT NOT NULL,
  account TEXT NOT NULL,
  owner TEXT NOT NULL,
  segment TEXT NOT NULL,
  kind INTEGER NOT NULL,
  event_month INTEGER NOT NULL,
  change_month INTEGER NOT NULL,
  micros BIGINT NOT NULL,
  meetings INTEGER NOT NULL,
  room_nights BIGINT NOT NULL,
  rooms BIGINT NOT NULL,
  fnb BIGINT NOT NULL,
  conference BIGINT NOT NULL,
  total BIGINT NOT NULL
);
CREATE INDEX definite_changes_by_event ON definite_changes(event_month, micros);
CREATE INDEX definite_changes_by_change ON definite_changes(change_month, micros);
CREATE TABLE meeting_changes (
  id BIGSERIAL PRIMARY KEY,
  actor TEXT NOT NULL,
  micros BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  owner TEXT NOT NULL,
  segment TEXT NOT NULL,
  month INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX meeting_changes_by_actor ON meeting_changes(actor, micros, id);
CREATE INDEX meeting_changes_revisions ON meeting_changes(month) WHERE revision > 1;
)sql"),
              // The sums of SummarizeSales are read from the indexes alone: each
              // holds every column its query groups by (the month first, then
              // owner and segment, the order of the groups) and adds up, so a
              // year of figures is one range of one index, summed as it is read.
              db::Both(R"sql(
DROP INDEX definite_changes_by_event;
DROP INDEX definite_changes_by_change;
DROP INDEX sales_facts_by_event;
DROP INDEX sales_facts_by_create;
DROP INDEX sales_facts_by_close;
CREATE INDEX definite_changes_by_event ON definite_changes(event_month, owner, segment, micros, account, meetings,
  room_nights, rooms, fnb, conference, total);
CREATE INDEX definite_changes_by_change ON definite_changes(change_month, owner, segment, kind, micros, meetings,
  room_nights, rooms, fnb, conference, total);
CREATE INDEX sales_facts_by_event ON sales_facts(event_month, owner, segment, state, account, room_nights, rooms, fnb,
  conference, total, actual_room_nights, actual_rooms, actual_fnb, actual_conference, actual_total);
CREATE INDEX sales_facts_by_create ON sales_facts(create_month, owner, segment, contracted, state);
CREATE INDEX sales_facts_by_close ON sales_facts(close_month, owner, segment, state, lost_reason, competitor,
  lost_value) WHERE close_month > 0;
)sql"),
          },
  };
  return *schema;
}

}  // namespace atrium::meetings
