// How every service serves its gRPC methods: one binding per method, on
// gRPC's callback API, with the blocking work on a bounded executor.
//
// A service's handler is its list of bindings. Each RPC has its own request
// message, so a domain method `StatusOr<Resp> M(const Principal&, const Req&)`
// names its RPC by its types: the method (and the name its metrics and logs
// carry) is looked up in the service's descriptor, not typed beside it.
// Seal() refuses a service with a method left unbound.
//
//   class ClientsHandler final : public Bindings {
//    public:
//     ClientsHandler(Archive* a, const TokenVerifier* v, Executor* e)
//         : Bindings(v1::ClientsService::service_full_name(), v, e) {
//       Unary(a, &Archive::CreateAccount);
//       Unary(a, &Archive::GetAccount);
//       Seal();
//     }
//   };
//
// A unary call is read by gRPC's own threads, which hand it to the executor
// at once: authentication, the trace, the domain method, logging and the
// metrics run there (common/handler.h: Handle). A full queue refuses the call
// with RESOURCE_EXHAUSTED, so a slow database or a flood of calls holds a
// bounded number of threads and of waiting calls; a call whose client gave up
// while it waited is not run. A streaming method is a reactor of its own
// (ServerStream): it holds no thread while it waits.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/handler.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/impl/service_type.h"

namespace atrium {

// A fixed number of threads and a bounded queue of work for them.
class Executor final {
 public:
  Executor(int threads, int max_queued);
  // Runs what is queued, then stops the threads.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // False, and `task` is dropped, when `max_queued` tasks already wait.
  bool TrySubmit(std::function<void()> task);
  int threads() const { return static_cast<int>(threads_.size()); }
  // Tasks waiting for a thread.
  int queued();
  int max_queued() const { return max_queued_; }

 private:
  void Work();

  const int max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// Parses a request as received; a request that does not parse is
// INVALID_ARGUMENT naming, where it can, the field at fault (a string that is
// not valid UTF-8).
absl::Status ParseRequest(const grpc::ByteBuffer& raw, google::protobuf::Message* request);

class Bindings : public grpc::Service {
 public:
  // `service`: the full name of a service in the generated descriptor pool.
  Bindings(const std::string& service, const TokenVerifier* verifier, Executor* executor);

  // The unary method whose request is Req, answered by `fn` on the executor.
  // The request is parsed there too, so that one that does not parse is
  // refused naming its field (invalid UTF-8 in a string: INVALID_ARGUMENT).
  template <typename Req, typename Resp>
  void Unary(std::function<absl::StatusOr<Resp>(const Principal&, const Req&)> fn) {
    const Method& m = Bind(Req::descriptor(), Resp::descriptor(), false);
    auto handler = std::make_shared<std::function<absl::StatusOr<Resp>(const Principal&, const Req&)>>(std::move(fn));
    const std::string* name = &m.descriptor->name();
    pending_.push_back([this, index = m.index, handler, name] {
      MarkMethodCallback(index, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, Resp>(
                                    [this, handler, name](grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* raw,
                                                          Resp* resp) -> grpc::ServerUnaryReactor* {
                                      grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
                                      Dispatch(ctx, reactor, *name, [handler, raw, resp](const Principal& who) {
                                        Req req;
                                        if (absl::Status s = ParseRequest(*raw, &req); !s.ok()) return s;
                                        return Reply((*handler)(who, req), resp);
                                      });
                                      return reactor;
                                    }));
    });
  }
  // The same for a domain object's method.
  template <typename T, typename Req, typename Resp>
  void Unary(T* domain, absl::StatusOr<Resp> (T::*method)(const Principal&, const Req&)) {
    Unary<Req, Resp>([domain, method](const Principal& who, const Req& req) { return (domain->*method)(who, req); });
  }
  template <typename T, typename Req, typename Resp>
  void Unary(const T* domain, absl::StatusOr<Resp> (T::*method)(const Principal&, const Req&) const) {
    Unary<Req, Resp>([domain, method](const Principal& who, const Req& req) { return (domain->*method)(who, req); });
  }

  // A server-streaming method whose request is Req, served by the reactor
  // `start` returns, given the method's name for its logs and metrics
  // (gRPC's callback API: an open stream holds no thread; the reactor hands
  // its blocking work to executor()).
  template <typename Req, typename Resp>
  using StreamStart =
      std::function<grpc::ServerWriteReactor<Resp>*(grpc::CallbackServerContext*, const Req*, const std::string&)>;
  template <typename Req, typename Resp>
  void ServerStream(StreamStart<Req, Resp> start) {
    const Method& m = Bind(Req::descriptor(), Resp::descriptor(), true);
    const std::string* name = &m.descriptor->name();
    pending_.push_back([this, index = m.index, name, start = std::move(start)] {
      MarkMethodCallback(index, new grpc::internal::CallbackServerStreamingHandler<Req, Resp>(
                                    [start, name](grpc::CallbackServerContext* ctx, const Req* req) {
                                      return start(ctx, req, *name);
                                    }));
    });
  }

 protected:
  // Registers every method with gRPC; aborts naming a method left unbound
  // (a programming error every test of the service finds).
  void Seal();
  Executor* executor() const { return executor_; }
  const TokenVerifier* verifier() const { return verifier_; }

 private:
  struct Method {
    int index;
    const google::protobuf::MethodDescriptor* descriptor;
  };
  // The method taking `request` and answering `response`; aborts if the
  // service has none, or it is bound twice.
  const Method& Bind(const google::protobuf::Descriptor* request, const google::protobuf::Descriptor* response,
                     bool server_streaming);
  // Hands a call to the executor (or refuses it when the queue is full).
  void Dispatch(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, const std::string& method,
                std::function<absl::Status(const Principal&)> run);

  const google::protobuf::ServiceDescriptor* service_;
  const TokenVerifier* verifier_;
  Executor* executor_;
  std::vector<std::string> paths_;  // "/package.Service/Method", by index
  std::vector<Method> bindings_;
  std::vector<bool> bound_;
  std::vector<std::function<void()>> pending_;  // the handlers, marked once the methods exist
};

}  // namespace atrium
