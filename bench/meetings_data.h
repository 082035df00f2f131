// The function diary the meetings benchmarks measure against, written
// through the store (the API path is measured separately): `rooms` rooms,
// every tenth a combination of the two before it, and `meetings` meetings
// each holding a plain room for an evening — each plain room every third
// evening from 2027-01-01, about 2.3 years for 50,000 meetings (60 functions
// a day). Meeting i is meetings/m<i>, room r is rooms/room-<r>.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/time_util.h"
#include "services/meetings/store.h"

namespace atrium::bench {

// The diary's first day, 2027-01-01 00:00 UTC.
inline absl::Time DiaryBase() { return absl::FromUnixSeconds(1798732800); }

// Loads the diary; `plain` receives the ids of the rooms that are not
// combinations, in order.
inline absl::Status LoadDiary(meetings::MeetingsStore* store, long meetings_n, int rooms_n, absl::Time t0,
                              std::vector<std::string>* plain) {
  namespace v1 = meetings::v1;
  plain->clear();
  absl::Status s = store->Write([&](meetings::MeetingsTx& tx) -> absl::Status {
    for (int r = 0; r < rooms_n; ++r) {
      v1::Room room;
      const std::string id = absl::StrCat("room-", r);
      room.set_name("rooms/" + id);
      room.set_display_name(id);
      auto* c = room.add_capacities();
      c->set_style(v1::BANQUET);
      c->set_seats(500);
      if (r % 10 == 9) {
        room.add_parts(absl::StrCat("rooms/room-", r - 2));
        room.add_parts(absl::StrCat("rooms/room-", r - 1));
      } else {
        plain->push_back(id);
      }
      if (auto st = tx.InsertRoom(id, room); !st.ok()) return st;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  const absl::Time base = DiaryBase();
  for (long done = 0; done < meetings_n;) {
    const long batch = std::min(5000L, meetings_n - done);
    s = store->Write([&](meetings::MeetingsTx& tx) -> absl::Status {
      for (long i = done; i < done + batch; ++i) {
        v1::Meeting m;
        const std::string id = absl::StrCat("m", i);
        m.set_name("meetings/" + id);
        m.set_account("accounts/a" + std::to_string(i % 3000));
        m.set_title("Meeting " + id);
        m.set_owner("kam-bench");
        m.set_state(v1::Meeting::ENQUIRY);
        *m.mutable_audit()->mutable_create_time() = ToProto(t0 + absl::Milliseconds(i));
        if (auto st = tx.PutMeeting(id, m); !st.ok()) return st;
        // One evening per meeting; (room, day) never repeats.
        const std::string& room = (*plain)[static_cast<size_t>(i) % plain->size()];
        const long day = static_cast<long>(i / static_cast<long>(plain->size())) * 3 + (i % 3);
        v1::Booking b;
        b.set_name(absl::StrCat("meetings/", id, "/bookings/b", i));
        b.set_room("rooms/" + room);
        *b.mutable_start_time() = ToProto(base + absl::Hours(24 * day + 18));
        *b.mutable_end_time() = ToProto(base + absl::Hours(24 * day + 21));
        b.set_setup_minutes(60);
        b.set_style(v1::BANQUET);
        b.set_attendees(100);
        b.set_hold(v1::Booking::DEFINITE);
        b.set_state(v1::Booking::ACTIVE);
        if (auto st = tx.PutBooking(id, b, {room}); !st.ok()) return st;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    done += batch;
  }
  return absl::OkStatus();
}

// A free slot for booking number `n` of `slots` callers: slot s takes room
// plain[s] and walks forward through free mornings and afternoons from
// 2030 on, past the loaded period (the conflict check still searches the
// room's diary). Fills `b` with a two-hour banquet for 100.
inline void FreeSlot(const std::vector<std::string>& plain, long slot, long n, meetings::v1::Booking* b) {
  b->set_room("rooms/" + plain[static_cast<size_t>(slot) % plain.size()]);
  // Callers beyond the number of rooms share a room on other days.
  const long lap = slot / static_cast<long>(plain.size());
  const absl::Time start = DiaryBase() + absl::Hours(24 * (1100 + 1000 * lap + n / 3)) + absl::Hours(8 + 3 * (n % 3));
  *b->mutable_start_time() = ToProto(start);
  *b->mutable_end_time() = ToProto(start + absl::Hours(2));
  b->set_style(meetings::v1::BANQUET);
  b->set_attendees(100);
}

}  // namespace atrium::bench
