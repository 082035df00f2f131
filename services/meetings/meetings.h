// The domain of the meetings service: the sales process from enquiry to
// settlement, the function diary, the price list and discount authority.
// Takes the verified caller and the request, returns the resource or a
// status; every operation runs in one store transaction. Writes to other
// services go into the store's outbox in the same transaction.
//
// The operations live in three files: meetings.cc (meetings, rooms, the
// diary), sales.cc (price list, agreements, approvals, the notice and the
// pre-meeting check), followup.cc (tracking, settlement, preferences,
// today's view).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/meetings/v1/meetings.pb.h"
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
};

class Meetings final {
 public:
  Meetings(MeetingsStore* store, AccountDirectory* accounts, const Clock* clock, PageTokens page_tokens,
           NoticeBoard* notices = nullptr, Policy policy = {});

  absl::StatusOr<v1::Meeting> CreateMeeting(const Principal& who, const v1::CreateMeetingRequest& req);
  absl::StatusOr<v1::Meeting> GetMeeting(const Principal& who, const v1::GetMeetingRequest& req);
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const Principal& who, const v1::ListMeetingsRequest& req);
  absl::StatusOr<v1::Meeting> RecordSiteVisit(const Principal& who, const v1::RecordSiteVisitRequest& req);
  absl::StatusOr<v1::Meeting> StartNegotiation(const Principal& who, const v1::StartNegotiationRequest& req);
  absl::StatusOr<v1::Meeting> RecordIntent(const Principal& who, const v1::RecordIntentRequest& req);
  absl::StatusOr<v1::Meeting> MarkMeetingLost(const Principal& who, const v1::MarkMeetingLostRequest& req);
  absl::StatusOr<v1::Meeting> CancelMeeting(const Principal& who, const v1::CancelMeetingRequest& req);

  absl::StatusOr<v1::Room> CreateRoom(const Principal& who, const v1::CreateRoomRequest& req);
  absl::StatusOr<v1::Room> GetRoom(const Principal& who, const v1::GetRoomRequest& req);
  absl::StatusOr<v1::ListRoomsResponse> ListRooms(const Principal& who, const v1::ListRoomsRequest& req);

  absl::StatusOr<v1::Booking> CreateBooking(const Principal& who, const v1::CreateBookingRequest& req);
  absl::StatusOr<v1::Booking> GetBooking(const Principal& who, const v1::GetBookingRequest& req);
  absl::StatusOr<v1::ListBookingsResponse> ListBookings(const Principal& who, const v1::ListBookingsRequest& req);
  absl::StatusOr<v1::Booking> ConfirmBooking(const Principal& who, const v1::ConfirmBookingRequest& req);
  absl::StatusOr<v1::Booking> CancelBooking(const Principal& who, const v1::CancelBookingRequest& req);

  // rooms.cc
  absl::StatusOr<v1::Room> UpdateRoom(const Principal& who, const v1::UpdateRoomRequest& req);
  absl::StatusOr<v1::Room> RetireRoom(const Principal& who, const v1::RetireRoomRequest& req);
  absl::StatusOr<v1::Booking> MoveBooking(const Principal& who, const v1::MoveBookingRequest& req);
  absl::StatusOr<v1::Availability> GetAvailability(const Principal& who, const v1::GetAvailabilityRequest& req);

  // sales.cc
  absl::StatusOr<v1::PriceList> GetPriceList(const Principal& who, const v1::GetPriceListRequest& req);
  absl::StatusOr<v1::PriceList> UpdatePriceList(const Principal& who, const v1::UpdatePriceListRequest& req);
  absl::StatusOr<v1::Agreement> CreateAgreement(const Principal& who, const v1::CreateAgreementRequest& req);
  absl::StatusOr<v1::Agreement> GetAgreement(const Principal& who, const v1::GetAgreementRequest& req);
  absl::StatusOr<v1::ListAgreementsResponse> ListAgreements(const Principal& who, const v1::ListAgreementsRequest& req);
  absl::StatusOr<v1::Agreement> UpdateAgreement(const Principal& who, const v1::UpdateAgreementRequest& req);
  absl::StatusOr<v1::Agreement> SignAgreement(const Principal& who, const v1::SignAgreementRequest& req);
  absl::StatusOr<v1::Agreement> DiscardAgreement(const Principal& who, const v1::DiscardAgreementRequest& req);
  absl::StatusOr<v1::ApprovalRequest> CreateApprovalRequest(const Principal& who,
                                                            const v1::CreateApprovalRequestRequest& req);
  absl::StatusOr<v1::ApprovalRequest> GetApprovalRequest(const Principal& who,
                                                         const v1::GetApprovalRequestRequest& req);
  absl::StatusOr<v1::ListApprovalRequestsResponse> ListApprovalRequests(const Principal& who,
                                                                        const v1::ListApprovalRequestsRequest& req);
  absl::StatusOr<v1::ApprovalRequest> ApproveRequest(const Principal& who, const v1::ApproveRequestRequest& req);
  absl::StatusOr<v1::ApprovalRequest> RejectRequest(const Principal& who, const v1::RejectRequestRequest& req);
  absl::StatusOr<v1::Meeting> IssueNotice(const Principal& who, const v1::IssueNoticeRequest& req);
  absl::StatusOr<v1::MeetingNotice> GetMeetingNotice(const Principal& who, const v1::GetMeetingNoticeRequest& req);
  absl::StatusOr<v1::Meeting> CheckItem(const Principal& who, const v1::CheckItemRequest& req);
  absl::StatusOr<v1::Meeting> MarkPrepared(const Principal& who, const v1::MarkPreparedRequest& req);
  absl::StatusOr<v1::Meeting> StartMeeting(const Principal& who, const v1::StartMeetingRequest& req);
  absl::StatusOr<v1::Meeting> CompleteMeeting(const Principal& who, const v1::CompleteMeetingRequest& req);

  // followup.cc
  absl::StatusOr<v1::TrackingEntry> CreateTrackingEntry(const Principal& who,
                                                        const v1::CreateTrackingEntryRequest& req);
  absl::StatusOr<v1::ListTrackingEntriesResponse> ListTrackingEntries(const Principal& who,
                                                                      const v1::ListTrackingEntriesRequest& req);
  absl::StatusOr<v1::Settlement> GetSettlement(const Principal& who, const v1::GetSettlementRequest& req);
  absl::StatusOr<v1::Settlement> RecordCharges(const Principal& who, const v1::RecordChargesRequest& req);
  absl::StatusOr<v1::Settlement> RecordBillReview(const Principal& who, const v1::RecordBillReviewRequest& req);
  absl::StatusOr<v1::Settlement> RecordPayment(const Principal& who, const v1::RecordPaymentRequest& req);
  absl::StatusOr<v1::Meeting> SettleMeeting(const Principal& who, const v1::SettleMeetingRequest& req);
  absl::StatusOr<v1::Meeting> RecordGuestPreferences(const Principal& who,
                                                     const v1::RecordGuestPreferencesRequest& req);
  absl::StatusOr<v1::TodayView> GetTodayView(const Principal& who, const v1::GetTodayViewRequest& req);

 private:
  using MoveHook = std::function<absl::Status(MeetingsTx&, v1::Meeting&)>;
  // Moves a meeting from one of `from` to `to`, recording who, when and why;
  // `release_rooms` cancels its bookings in the same transaction.
  absl::StatusOr<v1::Meeting> Move(const Principal& who, const std::string& name, const std::string& etag,
                                   const std::string& note, std::initializer_list<v1::Meeting::State> from,
                                   v1::Meeting::State to, bool release_rooms, const MoveHook& also = {});
  absl::StatusOr<v1::ApprovalRequest> Decide(const Principal& who, const std::string& name, const std::string& reason,
                                             bool approve);
  // Generates the next notice revision of `m` from its agreement in force
  // (or a cancellation), puts it in the outbox and re-derives the checklist.
  absl::Status IssueRevision(MeetingsTx& tx, v1::Meeting& m, const Principal& who,
                             const std::string& cancelled_reason = "");
  // Reads the meeting's settlement with the agreed amounts brought up to
  // date (signed agreement, extras sold).
  absl::StatusOr<v1::Settlement> LoadSettlement(MeetingsTx& tx, const v1::Meeting& m);
  // Runs `fn` on the settlement of meeting `name` in a write transaction
  // and stores the result.
  absl::StatusOr<v1::Settlement> ChangeSettlement(
      const Principal& who, const std::string& name, std::initializer_list<Role> roles, const char* rule,
      const std::function<absl::Status(MeetingsTx&, v1::Meeting&, v1::Settlement&)>& fn);
  // The booking `name` of a meeting `who` may change, and the meeting.
  absl::Status ChangeBooking(const Principal& who, const std::string& name,
                             const std::function<absl::Status(MeetingsTx&, v1::Booking&)>& change, v1::Booking* out);

  MeetingsStore* store_;
  AccountDirectory* accounts_;
  const Clock* clock_;
  PageTokens page_tokens_;
  NoticeBoard* notices_;
  Policy policy_;
};

// The units a room occupies: its parts for a combination, else itself.
std::vector<std::string> UnitsOf(const v1::Room& room);

}  // namespace atrium::meetings
