// gRPC handlers of atrium.meetings.v1.MeetingsService: authenticate the
// caller, call the domain, translate its status. Nothing else happens here.
#pragma once

#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "common/auth.h"
#include "services/meetings/meetings.h"

namespace atrium::meetings {

class MeetingsHandler final : public v1::MeetingsService::Service {
 public:
  MeetingsHandler(Meetings* meetings, const TokenVerifier* verifier) : meetings_(meetings), verifier_(verifier) {}

  grpc::Status CreateMeeting(grpc::ServerContext* context, const v1::CreateMeetingRequest* request,
                             v1::Meeting* response) override;
  grpc::Status GetMeeting(grpc::ServerContext* context, const v1::GetMeetingRequest* request,
                          v1::Meeting* response) override;
  grpc::Status ListMeetings(grpc::ServerContext* context, const v1::ListMeetingsRequest* request,
                            v1::ListMeetingsResponse* response) override;
  grpc::Status RecordSiteVisit(grpc::ServerContext* context, const v1::RecordSiteVisitRequest* request,
                               v1::Meeting* response) override;
  grpc::Status StartNegotiation(grpc::ServerContext* context, const v1::StartNegotiationRequest* request,
                                v1::Meeting* response) override;
  grpc::Status RecordIntent(grpc::ServerContext* context, const v1::RecordIntentRequest* request,
                            v1::Meeting* response) override;
  grpc::Status MarkMeetingLost(grpc::ServerContext* context, const v1::MarkMeetingLostRequest* request,
                               v1::Meeting* response) override;
  grpc::Status CancelMeeting(grpc::ServerContext* context, const v1::CancelMeetingRequest* request,
                             v1::Meeting* response) override;
  grpc::Status CreateRoom(grpc::ServerContext* context, const v1::CreateRoomRequest* request,
                          v1::Room* response) override;
  grpc::Status GetRoom(grpc::ServerContext* context, const v1::GetRoomRequest* request, v1::Room* response) override;
  grpc::Status ListRooms(grpc::ServerContext* context, const v1::ListRoomsRequest* request,
                         v1::ListRoomsResponse* response) override;
  grpc::Status CreateBooking(grpc::ServerContext* context, const v1::CreateBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status GetBooking(grpc::ServerContext* context, const v1::GetBookingRequest* request,
                          v1::Booking* response) override;
  grpc::Status ListBookings(grpc::ServerContext* context, const v1::ListBookingsRequest* request,
                            v1::ListBookingsResponse* response) override;
  grpc::Status ConfirmBooking(grpc::ServerContext* context, const v1::ConfirmBookingRequest* request,
                              v1::Booking* response) override;
  grpc::Status CancelBooking(grpc::ServerContext* context, const v1::CancelBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status GetAvailability(grpc::ServerContext* context, const v1::GetAvailabilityRequest* request,
                               v1::Availability* response) override;

  grpc::Status GetPriceList(grpc::ServerContext* context, const v1::GetPriceListRequest* request,
                            v1::PriceList* response) override;
  grpc::Status UpdatePriceList(grpc::ServerContext* context, const v1::UpdatePriceListRequest* request,
                               v1::PriceList* response) override;
  grpc::Status CreateAgreement(grpc::ServerContext* context, const v1::CreateAgreementRequest* request,
                               v1::Agreement* response) override;
  grpc::Status GetAgreement(grpc::ServerContext* context, const v1::GetAgreementRequest* request,
                            v1::Agreement* response) override;
  grpc::Status ListAgreements(grpc::ServerContext* context, const v1::ListAgreementsRequest* request,
                              v1::ListAgreementsResponse* response) override;
  grpc::Status UpdateAgreement(grpc::ServerContext* context, const v1::UpdateAgreementRequest* request,
                               v1::Agreement* response) override;
  grpc::Status DiscardAgreement(grpc::ServerContext* context, const v1::DiscardAgreementRequest* request,
                                v1::Agreement* response) override;
  grpc::Status UpdateRoom(grpc::ServerContext* context, const v1::UpdateRoomRequest* request,
                          v1::Room* response) override;
  grpc::Status RetireRoom(grpc::ServerContext* context, const v1::RetireRoomRequest* request,
                          v1::Room* response) override;
  grpc::Status MoveBooking(grpc::ServerContext* context, const v1::MoveBookingRequest* request,
                           v1::Booking* response) override;
  grpc::Status SignAgreement(grpc::ServerContext* context, const v1::SignAgreementRequest* request,
                             v1::Agreement* response) override;
  grpc::Status CreateApprovalRequest(grpc::ServerContext* context, const v1::CreateApprovalRequestRequest* request,
                                     v1::ApprovalRequest* response) override;
  grpc::Status GetApprovalRequest(grpc::ServerContext* context, const v1::GetApprovalRequestRequest* request,
                                  v1::ApprovalRequest* response) override;
  grpc::Status ListApprovalRequests(grpc::ServerContext* context, const v1::ListApprovalRequestsRequest* request,
                                    v1::ListApprovalRequestsResponse* response) override;
  grpc::Status ApproveRequest(grpc::ServerContext* context, const v1::ApproveRequestRequest* request,
                              v1::ApprovalRequest* response) override;
  grpc::Status RejectRequest(grpc::ServerContext* context, const v1::RejectRequestRequest* request,
                             v1::ApprovalRequest* response) override;
  grpc::Status IssueNotice(grpc::ServerContext* context, const v1::IssueNoticeRequest* request,
                           v1::Meeting* response) override;
  grpc::Status GetMeetingNotice(grpc::ServerContext* context, const v1::GetMeetingNoticeRequest* request,
                                v1::MeetingNotice* response) override;
  grpc::Status CheckItem(grpc::ServerContext* context, const v1::CheckItemRequest* request,
                         v1::Meeting* response) override;
  grpc::Status MarkPrepared(grpc::ServerContext* context, const v1::MarkPreparedRequest* request,
                            v1::Meeting* response) override;
  grpc::Status StartMeeting(grpc::ServerContext* context, const v1::StartMeetingRequest* request,
                            v1::Meeting* response) override;
  grpc::Status CompleteMeeting(grpc::ServerContext* context, const v1::CompleteMeetingRequest* request,
                               v1::Meeting* response) override;
  grpc::Status CreateTrackingEntry(grpc::ServerContext* context, const v1::CreateTrackingEntryRequest* request,
                                   v1::TrackingEntry* response) override;
  grpc::Status ListTrackingEntries(grpc::ServerContext* context, const v1::ListTrackingEntriesRequest* request,
                                   v1::ListTrackingEntriesResponse* response) override;
  grpc::Status GetSettlement(grpc::ServerContext* context, const v1::GetSettlementRequest* request,
                             v1::Settlement* response) override;
  grpc::Status RecordCharges(grpc::ServerContext* context, const v1::RecordChargesRequest* request,
                             v1::Settlement* response) override;
  grpc::Status RecordBillReview(grpc::ServerContext* context, const v1::RecordBillReviewRequest* request,
                                v1::Settlement* response) override;
  grpc::Status RecordPayment(grpc::ServerContext* context, const v1::RecordPaymentRequest* request,
                             v1::Settlement* response) override;
  grpc::Status SettleMeeting(grpc::ServerContext* context, const v1::SettleMeetingRequest* request,
                             v1::Meeting* response) override;
  grpc::Status RecordGuestPreferences(grpc::ServerContext* context, const v1::RecordGuestPreferencesRequest* request,
                                      v1::Meeting* response) override;
  grpc::Status GetTodayView(grpc::ServerContext* context, const v1::GetTodayViewRequest* request,
                            v1::TodayView* response) override;

 private:
  Meetings* meetings_;
  const TokenVerifier* verifier_;
};

}  // namespace atrium::meetings
