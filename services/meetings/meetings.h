// The domain of the meetings service: the sales process from enquiry to
// settlement, the function diary, the price list and discount authority.
// Each operation takes the verified caller and the request, returns the
// resource or a status, and runs in one store transaction. Writes to other
// services go into the store's outbox in the same transaction.
//
// The operations are split by the resource they work on, one class and one
// file each, all sharing one Context (context.h):
//   Pipeline    (meetings.cc)    meetings from the enquiry to the intention,
//                                lost or cancelled; (lost_reasons.cc) the
//                                coded reasons they are marked with;
//   Diary       (rooms.cc)       rooms, bookings, availability;
//   Sales       (sales.cc)       price list, agreements, approvals;
//   Preparation (preparation.cc) the notice, the pre-meeting check, the
//                                meeting's start and end;
//   Groups      (groups.cc)      the room block, pickup, cut-off, and the
//                                reminders of cut-offs and instalments;
//   FollowUp    (followup.cc)    tracking, settlement, guest preferences,
//                                today's view.
// Meetings owns the context and the parts.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/auth.h"
#include "services/meetings/context.h"

namespace atrium::doc {
class Document;
}  // namespace atrium::doc

namespace atrium::meetings {

// Meetings from the enquiry to the client's intention, and their close
// (lost, cancelled).
class Pipeline final {
 public:
  explicit Pipeline(const Context& ctx) : ctx_(ctx) {}

  absl::StatusOr<v1::Meeting> CreateMeeting(const Principal& who, const v1::CreateMeetingRequest& req);
  absl::StatusOr<v1::Meeting> GetMeeting(const Principal& who, const v1::GetMeetingRequest& req);
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const Principal& who, const v1::ListMeetingsRequest& req);
  absl::StatusOr<v1::Meeting> RecordSiteVisit(const Principal& who, const v1::RecordSiteVisitRequest& req);
  absl::StatusOr<v1::Meeting> StartNegotiation(const Principal& who, const v1::StartNegotiationRequest& req);
  absl::StatusOr<v1::Meeting> RecordIntent(const Principal& who, const v1::RecordIntentRequest& req);
  absl::StatusOr<v1::Meeting> MarkMeetingLost(const Principal& who, const v1::MarkMeetingLostRequest& req);
  absl::StatusOr<v1::Meeting> CancelMeeting(const Principal& who, const v1::CancelMeetingRequest& req);

  absl::StatusOr<v1::LostReason> CreateLostReason(const Principal& who, const v1::CreateLostReasonRequest& req);
  absl::StatusOr<v1::LostReason> GetLostReason(const Principal& who, const v1::GetLostReasonRequest& req);
  absl::StatusOr<v1::ListLostReasonsResponse> ListLostReasons(const Principal& who,
                                                              const v1::ListLostReasonsRequest& req);
  absl::StatusOr<v1::LostReason> UpdateLostReason(const Principal& who, const v1::UpdateLostReasonRequest& req);
  absl::StatusOr<v1::LostReason> RetireLostReason(const Principal& who, const v1::RetireLostReasonRequest& req);

 private:
  const Context& ctx_;
};

// The function diary: the rooms of the conference centre, the bookings
// holding them and what is free when.
class Diary final {
 public:
  explicit Diary(const Context& ctx) : ctx_(ctx) {}

  absl::StatusOr<v1::Room> CreateRoom(const Principal& who, const v1::CreateRoomRequest& req);
  absl::StatusOr<v1::Room> GetRoom(const Principal& who, const v1::GetRoomRequest& req);
  absl::StatusOr<v1::ListRoomsResponse> ListRooms(const Principal& who, const v1::ListRoomsRequest& req);
  absl::StatusOr<v1::Room> UpdateRoom(const Principal& who, const v1::UpdateRoomRequest& req);
  absl::StatusOr<v1::Room> RetireRoom(const Principal& who, const v1::RetireRoomRequest& req);

  absl::StatusOr<v1::Booking> CreateBooking(const Principal& who, const v1::CreateBookingRequest& req);
  absl::StatusOr<v1::Booking> GetBooking(const Principal& who, const v1::GetBookingRequest& req);
  absl::StatusOr<v1::ListBookingsResponse> ListBookings(const Principal& who, const v1::ListBookingsRequest& req);
  absl::StatusOr<v1::Booking> ConfirmBooking(const Principal& who, const v1::ConfirmBookingRequest& req);
  absl::StatusOr<v1::Booking> CancelBooking(const Principal& who, const v1::CancelBookingRequest& req);
  absl::StatusOr<v1::Booking> MoveBooking(const Principal& who, const v1::MoveBookingRequest& req);

  absl::StatusOr<v1::Availability> GetAvailability(const Principal& who, const v1::GetAvailabilityRequest& req);
  // (printing.cc)
  absl::StatusOr<type::v1::Document> PrintFunctionDiary(const Principal& who, const v1::PrintFunctionDiaryRequest& req);
  // The diary of `days` days from `first` (of `rooms`, or every room) as a
  // table of `d`, rooms x days (the function diary, the daily batch).
  absl::Status AddDiarySheet(const Principal& who, absl::CivilDay first, int days,
                             const google::protobuf::RepeatedPtrField<std::string>& rooms, doc::Document& d);

 private:
  // The booking `name` of a meeting `who` may change, and the meeting.
  absl::Status ChangeBooking(const Principal& who, const std::string& name,
                             const std::function<absl::Status(MeetingsTx&, v1::Booking&)>& change, v1::Booking* out);

  const Context& ctx_;
};

// The price list and discount authority, the versions of a meeting's
// agreement, and the approvals of discounts beyond an author's authority.
class Sales final {
 public:
  explicit Sales(const Context& ctx) : ctx_(ctx) {}

  absl::StatusOr<v1::PriceList> GetPriceList(const Principal& who, const v1::GetPriceListRequest& req);
  absl::StatusOr<v1::PriceList> UpdatePriceList(const Principal& who, const v1::UpdatePriceListRequest& req);

  absl::StatusOr<v1::Agreement> CreateAgreement(const Principal& who, const v1::CreateAgreementRequest& req);
  absl::StatusOr<v1::Agreement> GetAgreement(const Principal& who, const v1::GetAgreementRequest& req);
  // (printing.cc)
  absl::StatusOr<type::v1::Document> PrintAgreement(const Principal& who, const v1::PrintAgreementRequest& req);
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

 private:
  absl::StatusOr<v1::ApprovalRequest> Decide(const Principal& who, const std::string& name, const std::string& reason,
                                             bool approve);

  const Context& ctx_;
};

// From the contract to the end of the meeting: the meeting notice to the
// departments, the pre-meeting check, and the meeting's start and end.
class Preparation final {
 public:
  explicit Preparation(const Context& ctx) : ctx_(ctx) {}

  absl::StatusOr<v1::Meeting> IssueNotice(const Principal& who, const v1::IssueNoticeRequest& req);
  absl::StatusOr<v1::MeetingNotice> GetMeetingNotice(const Principal& who, const v1::GetMeetingNoticeRequest& req);
  absl::StatusOr<v1::Meeting> CheckItem(const Principal& who, const v1::CheckItemRequest& req);
  absl::StatusOr<v1::Meeting> MarkPrepared(const Principal& who, const v1::MarkPreparedRequest& req);
  absl::StatusOr<v1::Meeting> StartMeeting(const Principal& who, const v1::StartMeetingRequest& req);
  absl::StatusOr<v1::Meeting> CompleteMeeting(const Principal& who, const v1::CompleteMeetingRequest& req);

 private:
  const Context& ctx_;
};

// Group business: the room block of the signed agreement, the pickup the
// hotel's reservation system posts, the cut-off and its extension, and the
// reminders that run on their own (groups.cc).
class Groups final {
 public:
  explicit Groups(const Context& ctx) : ctx_(ctx) {}

  absl::StatusOr<v1::RoomBlock> GetRoomBlock(const Principal& who, const v1::GetRoomBlockRequest& req);
  absl::StatusOr<v1::RoomBlock> RecordPickup(const Principal& who, const v1::RecordPickupRequest& req);
  absl::StatusOr<v1::ListReservationsResponse> ListReservations(const Principal& who,
                                                                const v1::ListReservationsRequest& req);
  absl::StatusOr<v1::RoomBlock> ExtendCutOff(const Principal& who, const v1::ExtendCutOffRequest& req);

  // Does what has fallen due by today (in the hotel's zone): alerts the KAM
  // `cut_off_alert_days` ahead of a block's cut-off with the pickup so far;
  // the day after the cut-off releases the unpicked rooms (the KAM and
  // Rooms alerted); the day after an instalment's due date, if it is not
  // paid, alerts the KAM and finance. Each once; returns how many reminders
  // ran. Run periodically (the `reminder-interval` setting).
  absl::StatusOr<int> RunReminders();

 private:
  // Runs reminder `what` of `m`; returns its tag from now on.
  absl::StatusOr<std::string> RunReminder(MeetingsTx& tx, const v1::Meeting& m, const std::string& what,
                                          absl::CivilDay today, absl::Time now);

  const Context& ctx_;
};

// The meeting from the guests' arrival on: full tracking (全程跟踪), the
// settlement of the bill, the guests' preferences, and today's view (当日客情).
class FollowUp final {
 public:
  explicit FollowUp(const Context& ctx) : ctx_(ctx) {}

  absl::StatusOr<v1::TrackingEntry> CreateTrackingEntry(const Principal& who,
                                                        const v1::CreateTrackingEntryRequest& req);
  absl::StatusOr<v1::ListTrackingEntriesResponse> ListTrackingEntries(const Principal& who,
                                                                      const v1::ListTrackingEntriesRequest& req);

  absl::StatusOr<v1::Settlement> GetSettlement(const Principal& who, const v1::GetSettlementRequest& req);
  absl::StatusOr<v1::Settlement> RecordCharges(const Principal& who, const v1::RecordChargesRequest& req);
  absl::StatusOr<v1::Settlement> RecordBillReview(const Principal& who, const v1::RecordBillReviewRequest& req);
  absl::StatusOr<v1::Settlement> RecordPayment(const Principal& who, const v1::RecordPaymentRequest& req);
  absl::StatusOr<v1::Settlement> WaiveAttrition(const Principal& who, const v1::WaiveAttritionRequest& req);
  absl::StatusOr<v1::Meeting> SettleMeeting(const Principal& who, const v1::SettleMeetingRequest& req);

  absl::StatusOr<v1::Meeting> RecordGuestPreferences(const Principal& who,
                                                     const v1::RecordGuestPreferencesRequest& req);
  absl::StatusOr<v1::TodayView> GetTodayView(const Principal& who, const v1::GetTodayViewRequest& req);
  // (printing.cc)
  absl::StatusOr<type::v1::Document> PrintDailyBatch(const Principal& who, const v1::PrintDailyBatchRequest& req);

 private:
  // Reads the meeting's settlement with the agreed amounts brought up to
  // date (signed agreement, extras sold).
  absl::StatusOr<v1::Settlement> LoadSettlement(MeetingsTx& tx, const v1::Meeting& m);
  // Runs `fn` on the settlement of meeting `name` in a write transaction
  // and stores the result.
  absl::StatusOr<v1::Settlement> ChangeSettlement(
      const Principal& who, const std::string& name, std::initializer_list<Role> roles, const char* rule,
      const std::function<absl::Status(MeetingsTx&, v1::Meeting&, v1::Settlement&)>& fn);

  const Context& ctx_;
};

// The figures of conference sales for the sales management service
// (figures.cc): per KAM, segment and month, and each person's changes.
class Figures final {
 public:
  explicit Figures(const Context& ctx);

  absl::StatusOr<v1::SalesSummary> SummarizeSales(const Principal& who, const v1::SummarizeSalesRequest& req);
  absl::StatusOr<v1::ListMeetingChangesResponse> ListMeetingChanges(const Principal& who,
                                                                    const v1::ListMeetingChangesRequest& req);

 private:
  const Context& ctx_;
};

// The whole domain: the context and the parts built on it. Not copied: the
// parts refer to its context.
class Meetings final {
 public:
  Meetings(MeetingsStore* store, AccountDirectory* accounts, const Clock* clock, PageTokens page_tokens,
           NoticeBoard* notices = nullptr, Policy policy = {});
  Meetings(const Meetings&) = delete;
  Meetings& operator=(const Meetings&) = delete;

  Pipeline& pipeline() { return pipeline_; }
  Diary& diary() { return diary_; }
  Sales& sales() { return sales_; }
  Preparation& preparation() { return preparation_; }
  Groups& groups() { return groups_; }
  FollowUp& followup() { return followup_; }
  Figures& figures() { return figures_; }

  // Gives the meetings stored before the sales figures existed their facts
  // (what they are worth, from their agreements and bills; their moves);
  // returns how many. Run at start-up; a no-op once done.
  absl::StatusOr<int> FillSalesFacts();
  // Gives the meetings signed before room blocks existed (contracted to
  // completed) the block of their agreement in force; returns how many.
  // Their cut-offs and schedules are not reminded of until a version is
  // signed again. Run at start-up; a no-op once done.
  absl::StatusOr<int> FillRoomBlocks();

 private:
  const Context ctx_;  // first: the parts below refer to it
  Pipeline pipeline_{ctx_};
  Diary diary_{ctx_};
  Sales sales_{ctx_};
  Preparation preparation_{ctx_};
  Groups groups_{ctx_};
  FollowUp followup_{ctx_};
  Figures figures_{ctx_};
};

// The units a room occupies: its parts for a combination, else itself.
std::vector<std::string> UnitsOf(const v1::Room& room);

}  // namespace atrium::meetings
