#include "services/meetings/handler.h"

namespace atrium::meetings {

MeetingsHandler::MeetingsHandler(Meetings* d, const TokenVerifier* verifier, Executor* executor)
    : Bindings(v1::MeetingsService::service_full_name(), verifier, executor) {
  Pipeline* pipeline = &d->pipeline();
  Unary(pipeline, &Pipeline::CreateMeeting);
  Unary(pipeline, &Pipeline::GetMeeting);
  Unary(pipeline, &Pipeline::ListMeetings);
  Unary(pipeline, &Pipeline::RecordSiteVisit);
  Unary(pipeline, &Pipeline::StartNegotiation);
  Unary(pipeline, &Pipeline::RecordIntent);
  Unary(pipeline, &Pipeline::MarkMeetingLost);
  Unary(pipeline, &Pipeline::CancelMeeting);
  Unary(pipeline, &Pipeline::CreateLostReason);
  Unary(pipeline, &Pipeline::GetLostReason);
  Unary(pipeline, &Pipeline::ListLostReasons);
  Unary(pipeline, &Pipeline::UpdateLostReason);
  Unary(pipeline, &Pipeline::RetireLostReason);

  Diary* diary = &d->diary();
  Unary(diary, &Diary::CreateRoom);
  Unary(diary, &Diary::GetRoom);
  Unary(diary, &Diary::ListRooms);
  Unary(diary, &Diary::UpdateRoom);
  Unary(diary, &Diary::RetireRoom);
  Unary(diary, &Diary::CreateBooking);
  Unary(diary, &Diary::GetBooking);
  Unary(diary, &Diary::ListBookings);
  Unary(diary, &Diary::ConfirmBooking);
  Unary(diary, &Diary::CancelBooking);
  Unary(diary, &Diary::MoveBooking);
  Unary(diary, &Diary::GetAvailability);

  Sales* sales = &d->sales();
  Unary(sales, &Sales::GetPriceList);
  Unary(sales, &Sales::UpdatePriceList);
  Unary(sales, &Sales::CreateAgreement);
  Unary(sales, &Sales::GetAgreement);
  Unary(sales, &Sales::PrintAgreement);
  Unary(diary, &Diary::PrintFunctionDiary);
  Unary(sales, &Sales::ListAgreements);
  Unary(sales, &Sales::UpdateAgreement);
  Unary(sales, &Sales::SignAgreement);
  Unary(sales, &Sales::DiscardAgreement);
  Unary(sales, &Sales::CreateApprovalRequest);
  Unary(sales, &Sales::GetApprovalRequest);
  Unary(sales, &Sales::ListApprovalRequests);
  Unary(sales, &Sales::ApproveRequest);
  Unary(sales, &Sales::RejectRequest);

  Preparation* preparation = &d->preparation();
  Unary(preparation, &Preparation::IssueNotice);
  Unary(preparation, &Preparation::GetMeetingNotice);
  Unary(preparation, &Preparation::CheckItem);
  Unary(preparation, &Preparation::MarkPrepared);
  Unary(preparation, &Preparation::StartMeeting);
  Unary(preparation, &Preparation::CompleteMeeting);

  Groups* groups = &d->groups();
  Unary(groups, &Groups::GetRoomBlock);
  Unary(groups, &Groups::RecordPickup);
  Unary(groups, &Groups::ListReservations);
  Unary(groups, &Groups::ExtendCutOff);

  FollowUp* followup = &d->followup();
  Unary(followup, &FollowUp::CreateTrackingEntry);
  Unary(followup, &FollowUp::ListTrackingEntries);
  Unary(followup, &FollowUp::PrintDailyBatch);
  Unary(followup, &FollowUp::GetSettlement);
  Unary(followup, &FollowUp::RecordCharges);
  Unary(followup, &FollowUp::RecordBillReview);
  Unary(followup, &FollowUp::RecordPayment);
  Unary(followup, &FollowUp::WaiveAttrition);
  Unary(followup, &FollowUp::SettleMeeting);
  Unary(followup, &FollowUp::RecordGuestPreferences);
  Unary(followup, &FollowUp::GetTodayView);

  Figures* figures = &d->figures();
  Unary(figures, &Figures::SummarizeSales);
  Unary(figures, &Figures::ListMeetingChanges);
  Seal();
}

}  // namespace atrium::meetings
