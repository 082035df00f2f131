// The shape of every gRPC handler: authenticate, run the domain operation,
// translate its status. Handlers stay one line each.
//
//   grpc::Status GetAccount(grpc::ServerContext* ctx, const GetAccountRequest* req, Account* resp) override {
//     return Handle(verifier_, ctx, "GetAccount", [&](const Principal& who) { return Reply(archive_.GetAccount(who,
//     *req), resp); });
//   }
#pragma once

#include <utility>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/errors.h"
#include "grpcpp/server_context.h"
#include "spdlog/spdlog.h"

namespace atrium {

template <typename Fn>
grpc::Status Handle(const TokenVerifier& verifier, grpc::ServerContext* context, const char* method, Fn&& fn) {
  absl::StatusOr<Principal> who = verifier.Authenticate(*context);
  absl::Status status = who.ok() ? std::forward<Fn>(fn)(*who) : who.status();
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnavailable) {
    spdlog::error("{} failed: {}", method, std::string(status.message()));
  } else if (!status.ok()) {
    spdlog::debug("{} refused: {}", method, std::string(status.message()));
  }
  return ToGrpcStatus(status);
}

// Moves a StatusOr's value into the response message.
template <typename T>
absl::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

}  // namespace atrium
