// gRPC bindings of atrium.meetings.v1.MeetingsService: each method is the
// method of the same request type on one part of Meetings (meetings.h: the
// pipeline, the diary, sales, the preparation, the follow-up), bound through
// common/serve.h, which authenticates the caller, runs it on the executor and
// translates its status. Nothing else happens here.
#pragma once

#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "common/serve.h"
#include "services/meetings/meetings.h"

namespace atrium::meetings {

class MeetingsHandler final : public Bindings {
 public:
  MeetingsHandler(Meetings* domain, const TokenVerifier* verifier, Executor* executor);
};

}  // namespace atrium::meetings
