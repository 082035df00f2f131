#include "services/meetings/handler.h"

#include "common/handler.h"

namespace atrium::meetings {

grpc::Status MeetingsHandler::CreateMeeting(grpc::ServerContext* context, const v1::CreateMeetingRequest* request,
                                            v1::Meeting* response) {
  return Handle(*verifier_, context, "CreateMeeting",
                [&](const Principal& who) { return Reply(meetings_->CreateMeeting(who, *request), response); });
}

grpc::Status MeetingsHandler::GetMeeting(grpc::ServerContext* context, const v1::GetMeetingRequest* request,
                                         v1::Meeting* response) {
  return Handle(*verifier_, context, "GetMeeting",
                [&](const Principal& who) { return Reply(meetings_->GetMeeting(who, *request), response); });
}

grpc::Status MeetingsHandler::ListMeetings(grpc::ServerContext* context, const v1::ListMeetingsRequest* request,
                                           v1::ListMeetingsResponse* response) {
  return Handle(*verifier_, context, "ListMeetings",
                [&](const Principal& who) { return Reply(meetings_->ListMeetings(who, *request), response); });
}

grpc::Status MeetingsHandler::MarkMeetingLost(grpc::ServerContext* context, const v1::MarkMeetingLostRequest* request,
                                              v1::Meeting* response) {
  return Handle(*verifier_, context, "MarkMeetingLost",
                [&](const Principal& who) { return Reply(meetings_->MarkMeetingLost(who, *request), response); });
}

grpc::Status MeetingsHandler::CancelMeeting(grpc::ServerContext* context, const v1::CancelMeetingRequest* request,
                                            v1::Meeting* response) {
  return Handle(*verifier_, context, "CancelMeeting",
                [&](const Principal& who) { return Reply(meetings_->CancelMeeting(who, *request), response); });
}

grpc::Status MeetingsHandler::CreateRoom(grpc::ServerContext* context, const v1::CreateRoomRequest* request,
                                         v1::Room* response) {
  return Handle(*verifier_, context, "CreateRoom",
                [&](const Principal& who) { return Reply(meetings_->CreateRoom(who, *request), response); });
}

grpc::Status MeetingsHandler::GetRoom(grpc::ServerContext* context, const v1::GetRoomRequest* request,
                                      v1::Room* response) {
  return Handle(*verifier_, context, "GetRoom",
                [&](const Principal& who) { return Reply(meetings_->GetRoom(who, *request), response); });
}

grpc::Status MeetingsHandler::ListRooms(grpc::ServerContext* context, const v1::ListRoomsRequest* request,
                                        v1::ListRoomsResponse* response) {
  return Handle(*verifier_, context, "ListRooms",
                [&](const Principal& who) { return Reply(meetings_->ListRooms(who, *request), response); });
}

grpc::Status MeetingsHandler::CreateBooking(grpc::ServerContext* context, const v1::CreateBookingRequest* request,
                                            v1::Booking* response) {
  return Handle(*verifier_, context, "CreateBooking",
                [&](const Principal& who) { return Reply(meetings_->CreateBooking(who, *request), response); });
}

grpc::Status MeetingsHandler::GetBooking(grpc::ServerContext* context, const v1::GetBookingRequest* request,
                                         v1::Booking* response) {
  return Handle(*verifier_, context, "GetBooking",
                [&](const Principal& who) { return Reply(meetings_->GetBooking(who, *request), response); });
}

grpc::Status MeetingsHandler::ListBookings(grpc::ServerContext* context, const v1::ListBookingsRequest* request,
                                           v1::ListBookingsResponse* response) {
  return Handle(*verifier_, context, "ListBookings",
                [&](const Principal& who) { return Reply(meetings_->ListBookings(who, *request), response); });
}

grpc::Status MeetingsHandler::ConfirmBooking(grpc::ServerContext* context, const v1::ConfirmBookingRequest* request,
                                             v1::Booking* response) {
  return Handle(*verifier_, context, "ConfirmBooking",
                [&](const Principal& who) { return Reply(meetings_->ConfirmBooking(who, *request), response); });
}

grpc::Status MeetingsHandler::CancelBooking(grpc::ServerContext* context, const v1::CancelBookingRequest* request,
                                            v1::Booking* response) {
  return Handle(*verifier_, context, "CancelBooking",
                [&](const Principal& who) { return Reply(meetings_->CancelBooking(who, *request), response); });
}

grpc::Status MeetingsHandler::GetAvailability(grpc::ServerContext* context, const v1::GetAvailabilityRequest* request,
                                              v1::Availability* response) {
  return Handle(*verifier_, context, "GetAvailability",
                [&](const Principal& who) { return Reply(meetings_->GetAvailability(who, *request), response); });
}

grpc::Status MeetingsHandler::RecordSiteVisit(grpc::ServerContext* context, const v1::RecordSiteVisitRequest* request,
                                              v1::Meeting* response) {
  return Handle(*verifier_, context, "RecordSiteVisit",
                [&](const Principal& who) { return Reply(meetings_->RecordSiteVisit(who, *request), response); });
}

grpc::Status MeetingsHandler::StartNegotiation(grpc::ServerContext* context, const v1::StartNegotiationRequest* request,
                                               v1::Meeting* response) {
  return Handle(*verifier_, context, "StartNegotiation",
                [&](const Principal& who) { return Reply(meetings_->StartNegotiation(who, *request), response); });
}

grpc::Status MeetingsHandler::RecordIntent(grpc::ServerContext* context, const v1::RecordIntentRequest* request,
                                           v1::Meeting* response) {
  return Handle(*verifier_, context, "RecordIntent",
                [&](const Principal& who) { return Reply(meetings_->RecordIntent(who, *request), response); });
}

grpc::Status MeetingsHandler::GetPriceList(grpc::ServerContext* context, const v1::GetPriceListRequest* request,
                                           v1::PriceList* response) {
  return Handle(*verifier_, context, "GetPriceList",
                [&](const Principal& who) { return Reply(meetings_->GetPriceList(who, *request), response); });
}

grpc::Status MeetingsHandler::UpdatePriceList(grpc::ServerContext* context, const v1::UpdatePriceListRequest* request,
                                              v1::PriceList* response) {
  return Handle(*verifier_, context, "UpdatePriceList",
                [&](const Principal& who) { return Reply(meetings_->UpdatePriceList(who, *request), response); });
}

grpc::Status MeetingsHandler::CreateAgreement(grpc::ServerContext* context, const v1::CreateAgreementRequest* request,
                                              v1::Agreement* response) {
  return Handle(*verifier_, context, "CreateAgreement",
                [&](const Principal& who) { return Reply(meetings_->CreateAgreement(who, *request), response); });
}

grpc::Status MeetingsHandler::GetAgreement(grpc::ServerContext* context, const v1::GetAgreementRequest* request,
                                           v1::Agreement* response) {
  return Handle(*verifier_, context, "GetAgreement",
                [&](const Principal& who) { return Reply(meetings_->GetAgreement(who, *request), response); });
}

grpc::Status MeetingsHandler::ListAgreements(grpc::ServerContext* context, const v1::ListAgreementsRequest* request,
                                             v1::ListAgreementsResponse* response) {
  return Handle(*verifier_, context, "ListAgreements",
                [&](const Principal& who) { return Reply(meetings_->ListAgreements(who, *request), response); });
}

grpc::Status MeetingsHandler::UpdateAgreement(grpc::ServerContext* context, const v1::UpdateAgreementRequest* request,
                                              v1::Agreement* response) {
  return Handle(*verifier_, context, "UpdateAgreement",
                [&](const Principal& who) { return Reply(meetings_->UpdateAgreement(who, *request), response); });
}

grpc::Status MeetingsHandler::SignAgreement(grpc::ServerContext* context, const v1::SignAgreementRequest* request,
                                            v1::Agreement* response) {
  return Handle(*verifier_, context, "SignAgreement",
                [&](const Principal& who) { return Reply(meetings_->SignAgreement(who, *request), response); });
}

grpc::Status MeetingsHandler::CreateApprovalRequest(grpc::ServerContext* context,
                                                    const v1::CreateApprovalRequestRequest* request,
                                                    v1::ApprovalRequest* response) {
  return Handle(*verifier_, context, "CreateApprovalRequest",
                [&](const Principal& who) { return Reply(meetings_->CreateApprovalRequest(who, *request), response); });
}

grpc::Status MeetingsHandler::GetApprovalRequest(grpc::ServerContext* context,
                                                 const v1::GetApprovalRequestRequest* request,
                                                 v1::ApprovalRequest* response) {
  return Handle(*verifier_, context, "GetApprovalRequest",
                [&](const Principal& who) { return Reply(meetings_->GetApprovalRequest(who, *request), response); });
}

grpc::Status MeetingsHandler::ListApprovalRequests(grpc::ServerContext* context,
                                                   const v1::ListApprovalRequestsRequest* request,
                                                   v1::ListApprovalRequestsResponse* response) {
  return Handle(*verifier_, context, "ListApprovalRequests",
                [&](const Principal& who) { return Reply(meetings_->ListApprovalRequests(who, *request), response); });
}

grpc::Status MeetingsHandler::ApproveRequest(grpc::ServerContext* context, const v1::ApproveRequestRequest* request,
                                             v1::ApprovalRequest* response) {
  return Handle(*verifier_, context, "ApproveRequest",
                [&](const Principal& who) { return Reply(meetings_->ApproveRequest(who, *request), response); });
}

grpc::Status MeetingsHandler::RejectRequest(grpc::ServerContext* context, const v1::RejectRequestRequest* request,
                                            v1::ApprovalRequest* response) {
  return Handle(*verifier_, context, "RejectRequest",
                [&](const Principal& who) { return Reply(meetings_->RejectRequest(who, *request), response); });
}

grpc::Status MeetingsHandler::IssueNotice(grpc::ServerContext* context, const v1::IssueNoticeRequest* request,
                                          v1::Meeting* response) {
  return Handle(*verifier_, context, "IssueNotice",
                [&](const Principal& who) { return Reply(meetings_->IssueNotice(who, *request), response); });
}

grpc::Status MeetingsHandler::GetMeetingNotice(grpc::ServerContext* context, const v1::GetMeetingNoticeRequest* request,
                                               v1::MeetingNotice* response) {
  return Handle(*verifier_, context, "GetMeetingNotice",
                [&](const Principal& who) { return Reply(meetings_->GetMeetingNotice(who, *request), response); });
}

grpc::Status MeetingsHandler::CheckItem(grpc::ServerContext* context, const v1::CheckItemRequest* request,
                                        v1::Meeting* response) {
  return Handle(*verifier_, context, "CheckItem",
                [&](const Principal& who) { return Reply(meetings_->CheckItem(who, *request), response); });
}

grpc::Status MeetingsHandler::MarkPrepared(grpc::ServerContext* context, const v1::MarkPreparedRequest* request,
                                           v1::Meeting* response) {
  return Handle(*verifier_, context, "MarkPrepared",
                [&](const Principal& who) { return Reply(meetings_->MarkPrepared(who, *request), response); });
}

grpc::Status MeetingsHandler::StartMeeting(grpc::ServerContext* context, const v1::StartMeetingRequest* request,
                                           v1::Meeting* response) {
  return Handle(*verifier_, context, "StartMeeting",
                [&](const Principal& who) { return Reply(meetings_->StartMeeting(who, *request), response); });
}

grpc::Status MeetingsHandler::CompleteMeeting(grpc::ServerContext* context, const v1::CompleteMeetingRequest* request,
                                              v1::Meeting* response) {
  return Handle(*verifier_, context, "CompleteMeeting",
                [&](const Principal& who) { return Reply(meetings_->CompleteMeeting(who, *request), response); });
}

grpc::Status MeetingsHandler::CreateTrackingEntry(grpc::ServerContext* context,
                                                  const v1::CreateTrackingEntryRequest* request,
                                                  v1::TrackingEntry* response) {
  return Handle(*verifier_, context, "CreateTrackingEntry",
                [&](const Principal& who) { return Reply(meetings_->CreateTrackingEntry(who, *request), response); });
}

grpc::Status MeetingsHandler::ListTrackingEntries(grpc::ServerContext* context,
                                                  const v1::ListTrackingEntriesRequest* request,
                                                  v1::ListTrackingEntriesResponse* response) {
  return Handle(*verifier_, context, "ListTrackingEntries",
                [&](const Principal& who) { return Reply(meetings_->ListTrackingEntries(who, *request), response); });
}

grpc::Status MeetingsHandler::GetSettlement(grpc::ServerContext* context, const v1::GetSettlementRequest* request,
                                            v1::Settlement* response) {
  return Handle(*verifier_, context, "GetSettlement",
                [&](const Principal& who) { return Reply(meetings_->GetSettlement(who, *request), response); });
}

grpc::Status MeetingsHandler::RecordCharges(grpc::ServerContext* context, const v1::RecordChargesRequest* request,
                                            v1::Settlement* response) {
  return Handle(*verifier_, context, "RecordCharges",
                [&](const Principal& who) { return Reply(meetings_->RecordCharges(who, *request), response); });
}

grpc::Status MeetingsHandler::RecordBillReview(grpc::ServerContext* context, const v1::RecordBillReviewRequest* request,
                                               v1::Settlement* response) {
  return Handle(*verifier_, context, "RecordBillReview",
                [&](const Principal& who) { return Reply(meetings_->RecordBillReview(who, *request), response); });
}

grpc::Status MeetingsHandler::RecordPayment(grpc::ServerContext* context, const v1::RecordPaymentRequest* request,
                                            v1::Settlement* response) {
  return Handle(*verifier_, context, "RecordPayment",
                [&](const Principal& who) { return Reply(meetings_->RecordPayment(who, *request), response); });
}

grpc::Status MeetingsHandler::SettleMeeting(grpc::ServerContext* context, const v1::SettleMeetingRequest* request,
                                            v1::Meeting* response) {
  return Handle(*verifier_, context, "SettleMeeting",
                [&](const Principal& who) { return Reply(meetings_->SettleMeeting(who, *request), response); });
}

grpc::Status MeetingsHandler::RecordGuestPreferences(grpc::ServerContext* context,
                                                     const v1::RecordGuestPreferencesRequest* request,
                                                     v1::Meeting* response) {
  return Handle(*verifier_, context, "RecordGuestPreferences", [&](const Principal& who) {
    return Reply(meetings_->RecordGuestPreferences(who, *request), response);
  });
}

grpc::Status MeetingsHandler::GetTodayView(grpc::ServerContext* context, const v1::GetTodayViewRequest* request,
                                           v1::TodayView* response) {
  return Handle(*verifier_, context, "GetTodayView",
                [&](const Principal& who) { return Reply(meetings_->GetTodayView(who, *request), response); });
}

grpc::Status MeetingsHandler::DiscardAgreement(grpc::ServerContext* context, const v1::DiscardAgreementRequest* request,
                                               v1::Agreement* response) {
  return Handle(*verifier_, context, "DiscardAgreement",
                [&](const Principal& who) { return Reply(meetings_->DiscardAgreement(who, *request), response); });
}

grpc::Status MeetingsHandler::UpdateRoom(grpc::ServerContext* context, const v1::UpdateRoomRequest* request,
                                         v1::Room* response) {
  return Handle(*verifier_, context, "UpdateRoom",
                [&](const Principal& who) { return Reply(meetings_->UpdateRoom(who, *request), response); });
}

grpc::Status MeetingsHandler::RetireRoom(grpc::ServerContext* context, const v1::RetireRoomRequest* request,
                                         v1::Room* response) {
  return Handle(*verifier_, context, "RetireRoom",
                [&](const Principal& who) { return Reply(meetings_->RetireRoom(who, *request), response); });
}

grpc::Status MeetingsHandler::MoveBooking(grpc::ServerContext* context, const v1::MoveBookingRequest* request,
                                          v1::Booking* response) {
  return Handle(*verifier_, context, "MoveBooking",
                [&](const Principal& who) { return Reply(meetings_->MoveBooking(who, *request), response); });
}

}  // namespace atrium::meetings
