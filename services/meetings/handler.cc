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

grpc::Status MeetingsHandler::MarkMeetingLost(grpc::ServerContext* context, const v1::CloseMeetingRequest* request,
                                              v1::Meeting* response) {
  return Handle(*verifier_, context, "MarkMeetingLost",
                [&](const Principal& who) { return Reply(meetings_->MarkMeetingLost(who, *request), response); });
}

grpc::Status MeetingsHandler::CancelMeeting(grpc::ServerContext* context, const v1::CloseMeetingRequest* request,
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

grpc::Status MeetingsHandler::RecordSiteVisit(grpc::ServerContext* context, const v1::MoveMeetingRequest* request,
                                              v1::Meeting* response) {
  return Handle(*verifier_, context, "RecordSiteVisit",
                [&](const Principal& who) { return Reply(meetings_->RecordSiteVisit(who, *request), response); });
}

grpc::Status MeetingsHandler::StartNegotiation(grpc::ServerContext* context, const v1::MoveMeetingRequest* request,
                                               v1::Meeting* response) {
  return Handle(*verifier_, context, "StartNegotiation",
                [&](const Principal& who) { return Reply(meetings_->StartNegotiation(who, *request), response); });
}

grpc::Status MeetingsHandler::RecordIntent(grpc::ServerContext* context, const v1::MoveMeetingRequest* request,
                                           v1::Meeting* response) {
  return Handle(*verifier_, context, "RecordIntent",
                [&](const Principal& who) { return Reply(meetings_->RecordIntent(who, *request), response); });
}

}  // namespace atrium::meetings
