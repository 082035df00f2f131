// gRPC bindings of atrium.sales.v1.SalesService: each method is the
// Management method of the same request type (common/serve.h), which
// authenticates the caller, runs it on the executor and translates its
// status. Nothing else happens here.
#pragma once

#include "atrium/sales/v1/sales.grpc.pb.h"
#include "common/serve.h"
#include "services/sales/management.h"

namespace atrium::sales {

class SalesHandler final : public Bindings {
 public:
  SalesHandler(Management* domain, const TokenVerifier* verifier, Executor* executor);
};

}  // namespace atrium::sales
