// The meeting notice (会议通知单) as printed, laid out on a document of
// common/document: the notifications service prints a revision on its own,
// the meetings service puts tomorrow's in its daily batch. A layout of the
// notice's contract (atrium.notifications.v1.NoticeRevision), so both
// services link this one library.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/document.h"

namespace atrium::notifications {

// How a reader knows a department: "餐饮部 (fnb)"; a department without a
// name here prints as its id.
std::string DepartmentName(const std::string& id);

// A time in the hotel's zone, "2027-03-15 09:00"; "—" when unset.
std::string TimeOf(const google::protobuf::Timestamp& t, absl::TimeZone zone);

// "—" for an empty value.
std::string OrDash(const std::string& s);

// The title of the whole notice, or of one department's copy.
std::string NoticeTitle(const std::string& department);

// Appends revision `r` to `d`: the meeting's particulars, then each section
// (`department`'s only, when not empty) with what changed against the
// previous revision marked, then what was withdrawn; a department's copy
// ends with a box for its signature.
void AddNotice(doc::Document& d, const v1::NoticeRevision& r, const std::string& department, absl::TimeZone zone);

}  // namespace atrium::notifications
