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
  grpc::Status RecordSiteVisit(grpc::ServerContext* context, const v1::MoveMeetingRequest* request,
                               v1::Meeting* response) override;
  grpc::Status StartNegotiation(grpc::ServerContext* context, const v1::MoveMeetingRequest* request,
                                v1::Meeting* response) override;
  grpc::Status RecordIntent(grpc::ServerContext* context, const v1::MoveMeetingRequest* request,
                            v1::Meeting* response) override;
  grpc::Status MarkMeetingLost(grpc::ServerContext* context, const v1::CloseMeetingRequest* request,
                               v1::Meeting* response) override;
  grpc::Status CancelMeeting(grpc::ServerContext* context, const v1::CloseMeetingRequest* request,
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

 private:
  Meetings* meetings_;
  const TokenVerifier* verifier_;
};

}  // namespace atrium::meetings
