// gRPC bindings of atrium.clients.v1.ClientsService: each method is the
// Archive's method of the same request type (common/serve.h), which
// authenticates the caller, runs it on the executor and translates its
// status. Nothing else happens here.
#pragma once

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "common/serve.h"
#include "services/clients/archive.h"

namespace atrium::clients {

class ClientsHandler final : public Bindings {
 public:
  ClientsHandler(Archive* archive, const TokenVerifier* verifier, Executor* executor);
};

}  // namespace atrium::clients
