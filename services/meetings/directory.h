// The accounts of the clients service, as the meetings service needs them.
// The gRPC implementation calls the clients service on the caller's behalf:
// the call carries the caller's own token, so the clients service applies
// its own rules to the person, and a deadline.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/clients/v1/clients.grpc.pb.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"

namespace atrium::meetings {

struct AccountInfo {
  std::string name;   // accounts/{id}
  std::string owner;  // the KAM
  std::string display_name;
  bool archived = false;
};

class AccountDirectory {
 public:
  virtual ~AccountDirectory() = default;
  // NOT_FOUND, PERMISSION_DENIED as the clients service says; UNAVAILABLE
  // when it cannot be reached in time.
  virtual absl::StatusOr<AccountInfo> Lookup(const Principal& who, const std::string& account) = 0;
};

class ClientsDirectory final : public AccountDirectory {
 public:
  ClientsDirectory(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline);
  absl::StatusOr<AccountInfo> Lookup(const Principal& who, const std::string& account) override;

 private:
  std::unique_ptr<clients::v1::ClientsService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace atrium::meetings
