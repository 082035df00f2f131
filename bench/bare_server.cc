// The ceiling of the outside benchmark (bench/outside.sh): a bare gRPC
// server on the callback API whose one method does nothing. No
// authentication, executor, metrics, logging or tracing: no design of a
// service answers faster on the same machine, so a service's rate is
// judged against it.
//
// Usage: bare_server --port=N   (serves 127.0.0.1:N until SIGTERM or SIGINT)
#include <cstdio>
#include <string>

#include "atrium/bench/v1/bench.grpc.pb.h"
#include "bench/termination.h"
#include "grpcpp/grpcpp.h"

namespace {

class Bare final : public atrium::bench::v1::BenchService::CallbackService {
  grpc::ServerUnaryReactor* Empty(grpc::CallbackServerContext* ctx, const google::protobuf::Empty*,
                                  google::protobuf::Empty*) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string port;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--port=", 0) == 0) port = a.substr(7);
  }
  if (port.empty()) {
    std::fprintf(stderr, "usage: bare_server --port=N\n");
    return 2;
  }
  const sigset_t signals = atrium::bench::BlockTermination();  // before gRPC starts its threads
  Bare service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + port, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    std::fprintf(stderr, "cannot serve on port %s\n", port.c_str());
    return 1;
  }
  atrium::bench::AwaitTermination(signals);
  server->Shutdown();
  return 0;
}
