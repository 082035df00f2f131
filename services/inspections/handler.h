// gRPC bindings of atrium.inspections.v1.InspectionsService: each method is the Inspections
// method of the same request type (common/serve.h), which authenticates the
// caller, runs it on the executor and translates its status. Nothing else
// happens here.
#pragma once

#include "atrium/inspections/v1/inspections.grpc.pb.h"
#include "common/serve.h"
#include "services/inspections/inspections.h"

namespace atrium::inspections {

class InspectionsHandler final : public Bindings {
 public:
  InspectionsHandler(Inspections* domain, const TokenVerifier* verifier, Executor* executor);
};

}  // namespace atrium::inspections
