// Calling a service over gRPC as a person, in the cross-process tests: a
// token minted with the test's development key (HS256, an hour), and a
// deadline.
//
//   grpc::Status s = testing::CallAs(kKey, kManager, [&](auto* ctx) { return stub->GetX(ctx, req, &out); });
#pragma once

#include <chrono>
#include <string_view>

#include "absl/time/clock.h"
#include "common/auth.h"
#include "grpcpp/grpcpp.h"

namespace atrium::testing {

template <typename Fn>
grpc::Status CallAs(std::string_view key, const Principal& who, Fn&& fn,
                    std::chrono::seconds deadline = std::chrono::seconds(5)) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  ctx.AddMetadata("authorization",
                  "Bearer " + *MintToken(TokenAlgorithm::kHs256, key, who, absl::Now() + absl::Hours(1)));
  return fn(&ctx);
}

}  // namespace atrium::testing
