// Calling a service over gRPC as a person, in the cross-process tests: a
// token minted with the test's development key (HS256, an hour), and a
// deadline.
//
//   grpc::Status s = testing::CallAs(kKey, kManager, [&](auto* ctx) { return stub->GetX(ctx, req, &out); });
//
// A test that defines `As(who, fn)` (CallAs with its key) asserts a call
// with ASSERT_CALL(kManager, stub->GetX(ctx, req, &out)).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/clock.h"
#include "atrium/type/v1/money.pb.h"
#include "common/auth.h"
#include "common/outbox.h"
#include "google/protobuf/descriptor.h"
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

// The unary methods of `service` at `address` that answer anything but
// UNAUTHENTICATED to an empty request without a token, or with a token
// signed by another key: empty when every method requires one.
inline std::vector<std::string> MethodsServedWithoutAToken(const google::protobuf::ServiceDescriptor* service,
                                                           const std::string& address) {
  auto send = OutboxRelay::ByMethod(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const Principal someone{"mgr-wang", "Wang Min", Role::kManager, ""};
  std::vector<std::string> out;
  for (int i = 0; i < service->method_count(); ++i) {
    for (bool forged : {false, true}) {
      grpc::ClientContext ctx;
      if (forged) {
        ctx.AddMetadata("authorization", "Bearer " + *MintToken(TokenAlgorithm::kHs256, "another-key", someone,
                                                                absl::Now() + absl::Hours(1)));
      }
      OutboxMessage call;  // an empty message of any request type
      call.method = "/" + service->full_name() + "/" + service->method(i)->name();
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      if (send(call, &ctx).error_code() != grpc::StatusCode::UNAUTHENTICATED) {
        out.push_back(service->method(i)->name() + (forged ? " (forged token)" : " (no token)"));
      }
    }
  }
  return out;
}

// An amount of whole yuan.
inline type::v1::Money Yuan(int64_t yuan) {
  type::v1::Money m;
  m.set_currency_code("CNY");
  m.set_amount_minor(yuan * 100);
  return m;
}

}  // namespace atrium::testing

#define ASSERT_CALL(who, call)                                   \
  do {                                                           \
    grpc::Status s_ = As(who, [&](auto* ctx) { return call; });  \
    ASSERT_TRUE(s_.ok()) << #call << ": " << s_.error_message(); \
  } while (0)
