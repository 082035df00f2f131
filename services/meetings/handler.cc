#include "services/meetings/handler.h"

namespace atrium::meetings {

MeetingsHandler::MeetingsHandler(Meetings* d, const TokenVerifier* verifier, Executor* executor)
    : Bindings(v1::MeetingsService::service_full_name(), verifier, executor) {
  Unary(d, &Meetings::CreateMeeting);
  Unary(d, &Meetings::GetMeeting);
  Unary(d, &Meetings::ListMeetings);
  Unary(d, &Meetings::MarkMeetingLost);
  Unary(d, &Meetings::CancelMeeting);
  Unary(d, &Meetings::CreateRoom);
  Unary(d, &Meetings::GetRoom);
  Unary(d, &Meetings::ListRooms);
  Unary(d, &Meetings::CreateBooking);
  Unary(d, &Meetings::GetBooking);
  Unary(d, &Meetings::ListBookings);
  Unary(d, &Meetings::ConfirmBooking);
  Unary(d, &Meetings::CancelBooking);
  Unary(d, &Meetings::GetAvailability);
  Unary(d, &Meetings::RecordSiteVisit);
  Unary(d, &Meetings::StartNegotiation);
  Unary(d, &Meetings::RecordIntent);
  Unary(d, &Meetings::GetPriceList);
  Unary(d, &Meetings::UpdatePriceList);
  Unary(d, &Meetings::CreateAgreement);
  Unary(d, &Meetings::GetAgreement);
  Unary(d, &Meetings::ListAgreements);
  Unary(d, &Meetings::UpdateAgreement);
  Unary(d, &Meetings::SignAgreement);
  Unary(d, &Meetings::CreateApprovalRequest);
  Unary(d, &Meetings::GetApprovalRequest);
  Unary(d, &Meetings::ListApprovalRequests);
  Unary(d, &Meetings::ApproveRequest);
  Unary(d, &Meetings::RejectRequest);
  Unary(d, &Meetings::IssueNotice);
  Unary(d, &Meetings::GetMeetingNotice);
  Unary(d, &Meetings::CheckItem);
  Unary(d, &Meetings::MarkPrepared);
  Unary(d, &Meetings::StartMeeting);
  Unary(d, &Meetings::CompleteMeeting);
  Unary(d, &Meetings::CreateTrackingEntry);
  Unary(d, &Meetings::ListTrackingEntries);
  Unary(d, &Meetings::GetSettlement);
  Unary(d, &Meetings::RecordCharges);
  Unary(d, &Meetings::RecordBillReview);
  Unary(d, &Meetings::RecordPayment);
  Unary(d, &Meetings::SettleMeeting);
  Unary(d, &Meetings::RecordGuestPreferences);
  Unary(d, &Meetings::GetTodayView);
  Unary(d, &Meetings::DiscardAgreement);
  Unary(d, &Meetings::UpdateRoom);
  Unary(d, &Meetings::RetireRoom);
  Unary(d, &Meetings::MoveBooking);
  Seal();
}

}  // namespace atrium::meetings
