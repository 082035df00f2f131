// The domain of the meetings service (this part: enquiries, the function
// diary). Takes the verified caller and the request, returns the resource or
// a status; every operation runs in one store transaction.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "common/time_util.h"
#include "services/meetings/directory.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

class Meetings final {
 public:
  Meetings(MeetingsStore* store, AccountDirectory* accounts, const Clock* clock, PageTokens page_tokens);

  absl::StatusOr<v1::Meeting> CreateMeeting(const Principal& who, const v1::CreateMeetingRequest& req);
  absl::StatusOr<v1::Meeting> GetMeeting(const Principal& who, const v1::GetMeetingRequest& req);
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const Principal& who, const v1::ListMeetingsRequest& req);
  absl::StatusOr<v1::Meeting> RecordSiteVisit(const Principal& who, const v1::MoveMeetingRequest& req);
  absl::StatusOr<v1::Meeting> StartNegotiation(const Principal& who, const v1::MoveMeetingRequest& req);
  absl::StatusOr<v1::Meeting> RecordIntent(const Principal& who, const v1::MoveMeetingRequest& req);
  absl::StatusOr<v1::Meeting> MarkMeetingLost(const Principal& who, const v1::CloseMeetingRequest& req);
  absl::StatusOr<v1::Meeting> CancelMeeting(const Principal& who, const v1::CloseMeetingRequest& req);

  absl::StatusOr<v1::Room> CreateRoom(const Principal& who, const v1::CreateRoomRequest& req);
  absl::StatusOr<v1::Room> GetRoom(const Principal& who, const v1::GetRoomRequest& req);
  absl::StatusOr<v1::ListRoomsResponse> ListRooms(const Principal& who, const v1::ListRoomsRequest& req);

  absl::StatusOr<v1::Booking> CreateBooking(const Principal& who, const v1::CreateBookingRequest& req);
  absl::StatusOr<v1::Booking> GetBooking(const Principal& who, const v1::GetBookingRequest& req);
  absl::StatusOr<v1::ListBookingsResponse> ListBookings(const Principal& who, const v1::ListBookingsRequest& req);
  absl::StatusOr<v1::Booking> ConfirmBooking(const Principal& who, const v1::ConfirmBookingRequest& req);
  absl::StatusOr<v1::Booking> CancelBooking(const Principal& who, const v1::CancelBookingRequest& req);
  absl::StatusOr<v1::Availability> GetAvailability(const Principal& who, const v1::GetAvailabilityRequest& req);

 private:
  // Moves a meeting from one of `from` to `to`, recording who, when and why;
  // `release_rooms` cancels its bookings in the same transaction.
  absl::StatusOr<v1::Meeting> Move(const Principal& who, const std::string& name, const std::string& etag,
                                   const std::string& note, std::initializer_list<v1::Meeting::State> from,
                                   v1::Meeting::State to, bool release_rooms);
  // The booking `name` of a meeting `who` may change, and the meeting.
  absl::Status ChangeBooking(const Principal& who, const std::string& name,
                             const std::function<absl::Status(MeetingsTx&, v1::Booking&)>& change, v1::Booking* out);

  MeetingsStore* store_;
  AccountDirectory* accounts_;
  const Clock* clock_;
  PageTokens page_tokens_;
};

// The units a room occupies: its parts for a combination, else itself.
std::vector<std::string> UnitsOf(const v1::Room& room);

}  // namespace atrium::meetings
