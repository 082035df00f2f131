// The meeting notice (会议通知单) generated from the signed agreement, and
// the pre-meeting checklist (会前检查) derived from it. Pure functions: the
// domain stores and sends what they return.
//
// A section per department: F&B (meals, menus, times, headcount, venue
// set-ups), Rooms (the room block per night and the arrival list), Front
// Office (VIP arrivals and reception), Engineering (AV and sound control per
// venue). Every section opens with the meeting's general fields. Field paths
// are stable, so the notifications service can compute the field-level
// changes between revisions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "services/meetings/directory.h"

namespace atrium::meetings {

// `room_names` maps "rooms/{id}" to the room's display name (a room not in
// it shows by its id). `cancelled_reason` non-empty: the revision tells the
// departments the meeting is cancelled.
notifications::v1::NoticeRevision BuildNotice(const v1::Meeting& meeting, const v1::Agreement& agreement, int revision,
                                              absl::TimeZone zone,
                                              const std::map<std::string, std::string>& room_names = {},
                                              const std::string& cancelled_reason = "");

// One item per requirement of each section (the general fields excepted).
// An item that is the same as in `previous` keeps its check; a changed one
// must be checked again.
google::protobuf::RepeatedPtrField<v1::ChecklistItem> DeriveChecklist(
    const notifications::v1::NoticeRevision& notice,
    const google::protobuf::RepeatedPtrField<v1::ChecklistItem>& previous);

// How the notice and the printed agreement write a day ("2027-03-15") and a
// meal ("午餐").
std::string Day(const type::v1::Date& d);
const char* MealName(v1::Meal::Kind k);

// The departments every notice concerns.
inline constexpr const char* kNoticeDepartments[] = {"fnb", "rooms", "front_office", "engineering"};

// The departments of `departments` that have not signed the meeting's
// current revision, as
// `board` (the notifications service's view; nullopt = it has no notice yet)
// reports them.
std::vector<std::string> UnsignedDepartments(const v1::Meeting& m, const std::optional<NoticeStatus>& board,
                                             const std::vector<std::string>& departments);

// Keeps only the sections of `departments` (the hotel's, of those a notice
// concerns).
void KeepDepartments(notifications::v1::NoticeRevision* notice, const std::vector<std::string>& departments);

// Keeps only `department`'s section and changes: what a department reads of
// a revision.
void KeepDepartment(notifications::v1::NoticeRevision* notice, const std::string& department);

// The notice id at the notifications service for a meeting id.
inline std::string NoticeIdOf(const std::string& meeting_id) { return meeting_id; }

}  // namespace atrium::meetings
