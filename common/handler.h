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
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/errors.h"
#include "common/metrics.h"
#include "common/trace.h"
#include "grpcpp/server_context.h"
#include "spdlog/spdlog.h"

namespace atrium {

// The caller's `traceparent`, or "" (a new trace starts).
inline std::string_view IncomingTraceparent(const grpc::ServerContextBase& context) {
  const auto& md = context.client_metadata();
  auto it = md.find("traceparent");
  return it == md.end() ? std::string_view() : std::string_view(it->second.data(), it->second.size());
}

// How every call ends: logs a failure, counts the call and its latency
// (since `start`) per method and status code; the status gRPC sends.
inline grpc::Status Finished(const char* method, const absl::Status& status, absl::Time start) {
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnavailable) {
    spdlog::error("{} failed: {}", method, std::string(status.message()));
  } else if (!status.ok()) {
    spdlog::debug("{} refused: {}", method, std::string(status.message()));
  }
  grpc::Status out = ToGrpcStatus(status);
  Metrics::Get().ObserveCall(method, out.error_code(), absl::Now() - start);
  return out;
}

// Every call: continue the caller's trace (or start one), authenticate, run,
// log failures, count it and its latency (since `start`, when the call
// arrived) per method and status code.
template <typename Fn>
grpc::Status Handle(const TokenVerifier& verifier, grpc::ServerContextBase* context, const char* method, Fn&& fn,
                    absl::Time start = absl::Now()) {
  ScopedTrace trace(IncomingTraceparent(*context));
  absl::StatusOr<Principal> who = verifier.Authenticate(*context);
  return Finished(method, who.ok() ? std::forward<Fn>(fn)(*who) : who.status(), start);
}

// Moves a StatusOr's value into the response message.
template <typename T>
absl::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

}  // namespace atrium
