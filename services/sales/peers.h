// What the sales management service asks of the services that own the
// records, on the caller's behalf (their token: each service applies its own
// rules to the person): the months of a year of one target's metric and
// scope, from the meetings service's SummarizeSales (settled business, by
// month of the event) and the clients service's SummarizeBook (accounts
// created, visits done).
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "atrium/sales/v1/sales.pb.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"
#include "services/sales/split.h"

namespace atrium::sales {

class Figures {
 public:
  virtual ~Figures() = default;
  // The months of `year` of `target`'s metric, for its scope (its year is
  // not read). UNAVAILABLE when a peer cannot be reached; PERMISSION_DENIED
  // as the peer says.
  virtual absl::StatusOr<Months> MonthsOf(const Principal& who, const v1::Target& target, int year) = 0;
};

class PeerFigures final : public Figures {
 public:
  PeerFigures(std::shared_ptr<grpc::Channel> meetings, std::shared_ptr<grpc::Channel> clients, absl::Duration deadline);
  absl::StatusOr<Months> MonthsOf(const Principal& who, const v1::Target& target, int year) override;

 private:
  std::unique_ptr<meetings::v1::MeetingsService::Stub> meetings_;
  std::unique_ptr<clients::v1::ClientsService::Stub> clients_;
  absl::Duration deadline_;
};

}  // namespace atrium::sales
