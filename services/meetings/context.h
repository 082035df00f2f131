// What every part of the meetings domain (meetings.h) works with: the store,
// the peers asked on the caller's behalf, the clock, the page tokens and the
// hotel's policy. Built once by Meetings and shared by its parts.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "common/time_util.h"
#include "services/meetings/agreement.h"
#include "services/meetings/directory.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

struct Policy {
  DiscountAuthority authority;
  // The hotel's time zone: dates of the notice and of today's view.
  absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  // How far ahead of now a room can be booked and a meeting (or its
  // agreement) can start: the `booking-horizon` setting.
  absl::Duration booking_horizon = absl::Hours(24 * 1096);
  // The hotel's name on every printed document (`hotel-name`).
  std::string hotel = "Atrium 酒店";
  // The departments a meeting's notice has a section for: those of
  // kNoticeDepartments (notice.h) the `departments` setting names. A
  // section for a department the hotel does not have would make the
  // notifications service refuse the whole notice, and its signature would
  // be waited for for ever.
  std::vector<std::string> notice_departments = {"fnb", "rooms", "front_office", "engineering"};
  // Every department the hotel has (the `departments` setting): alerts go
  // to rooms and finance only when they exist.
  std::vector<std::string> departments = DefaultDepartments();
  // How many days ahead of a block's cut-off its KAM is alerted
  // (`cut-off-alert-days`).
  int cut_off_alert_days = 7;
};

struct Context {
  MeetingsStore* store;
  AccountDirectory* accounts;
  const Clock* clock;
  PageTokens page_tokens;
  NoticeBoard* notices;  // may be null: no notifications service configured
  Policy policy;
};

}  // namespace atrium::meetings
