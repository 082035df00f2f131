// What the sales management service asks of the services that own the
// records, on the caller's behalf (their token: each service applies its own
// rules to the person): the meetings service's sales figures
// (SummarizeSales) and a person's changes to meetings (ListMeetingChanges),
// and the clients service's figures of the book (SummarizeBook) and a
// person's day (SummarizeWorkDay). measures.h reads a target's figures out of them.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"

namespace atrium::sales {

class Figures {
 public:
  virtual ~Figures() = default;
  // UNAVAILABLE when the peer cannot be reached (nothing was changed,
  // retry); PERMISSION_DENIED, INVALID_ARGUMENT, FAILED_PRECONDITION as the
  // peer says.
  virtual absl::StatusOr<meetings::v1::SalesSummary> Sales(const Principal& who,
                                                           const meetings::v1::SummarizeSalesRequest& req) = 0;
  virtual absl::StatusOr<clients::v1::BookSummary> Book(const Principal& who,
                                                        const clients::v1::SummarizeBookRequest& req) = 0;
  // A person's day at the clients service, and one page of their changes
  // to meetings.
  virtual absl::StatusOr<clients::v1::WorkDay> WorkDay(const Principal& who,
                                                       const clients::v1::SummarizeWorkDayRequest& req) = 0;
  virtual absl::StatusOr<meetings::v1::ListMeetingChangesResponse> Changes(
      const Principal& who, const meetings::v1::ListMeetingChangesRequest& req) = 0;
};

class PeerFigures final : public Figures {
 public:
  PeerFigures(std::shared_ptr<grpc::Channel> meetings, std::shared_ptr<grpc::Channel> clients, absl::Duration deadline);
  absl::StatusOr<meetings::v1::SalesSummary> Sales(const Principal& who,
                                                   const meetings::v1::SummarizeSalesRequest& req) override;
  absl::StatusOr<clients::v1::BookSummary> Book(const Principal& who,
                                                const clients::v1::SummarizeBookRequest& req) override;
  absl::StatusOr<clients::v1::WorkDay> WorkDay(const Principal& who,
                                               const clients::v1::SummarizeWorkDayRequest& req) override;
  absl::StatusOr<meetings::v1::ListMeetingChangesResponse> Changes(
      const Principal& who, const meetings::v1::ListMeetingChangesRequest& req) override;

 private:
  std::unique_ptr<meetings::v1::MeetingsService::Stub> meetings_;
  std::unique_ptr<clients::v1::ClientsService::Stub> clients_;
  absl::Duration deadline_;
};

}  // namespace atrium::sales
