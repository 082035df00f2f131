#include "common/serve.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/metrics.h"
#include "common/text.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "spdlog/spdlog.h"

namespace atrium {
namespace {

// The path of the first string field in `bytes` (a message of type `type`)
// that is not valid UTF-8, e.g. "account.display_name", or "".
std::string InvalidUtf8Field(const google::protobuf::Descriptor& type, const std::string& bytes,
                             const std::string& prefix, int depth) {
  google::protobuf::UnknownFieldSet fields;
  if (depth > 64 || !fields.ParseFromString(bytes)) return "";
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const google::protobuf::FieldDescriptor* field = type.FindFieldByNumber(f.number());
    if (field == nullptr) continue;
    const std::string path = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      if (!IsValidUtf8(f.length_delimited())) return path;
    } else if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      std::string inner = InvalidUtf8Field(*field->message_type(), f.length_delimited(), path, depth + 1);
      if (!inner.empty()) return inner;
    }
  }
  return "";
}

}  // namespace

absl::Status ParseRequest(const grpc::ByteBuffer& raw, google::protobuf::Message* request) {
  grpc::ByteBuffer buffer(raw);  // shares the slices; the reader consumes its own copy
  {
    grpc::ProtoBufferReader reader(&buffer);
    if (reader.status().ok() && request->ParseFromZeroCopyStream(&reader)) return absl::OkStatus();
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (raw.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  const std::string field = InvalidUtf8Field(*request->GetDescriptor(), bytes, "", 0);
  if (!field.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
  return absl::InvalidArgumentError(absl::StrCat("the request is not a valid ", request->GetTypeName()));
}

Executor::Executor(int threads, int max_queued) : max_queued_(max_queued < 1 ? 1 : max_queued) {
  for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) threads_.emplace_back([this] { Work(); });
}

Executor::~Executor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

bool Executor::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || static_cast<int>(queue_.size()) >= max_queued_) return false;
  queue_.push_back(std::move(task));
  return true;
}

int Executor::queued() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

void Executor::Work() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Executor* e) ABSL_NO_THREAD_SAFETY_ANALYSIS { return e->stopping_ || !e->queue_.empty(); }, this));
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

Bindings::Bindings(const std::string& service, const TokenVerifier* verifier, Executor* executor)
    : service_(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service)),
      verifier_(verifier),
      executor_(executor) {
  if (service_ == nullptr) {
    spdlog::critical("no service {} in the descriptors linked into this binary", service);
    std::abort();
  }
  for (int i = 0; i < service_->method_count(); ++i) {
    paths_.push_back("/" + service_->full_name() + "/" + service_->method(i)->name());
  }
  bound_.assign(paths_.size(), false);
}

const Bindings::Method& Bindings::Bind(const google::protobuf::Descriptor* request,
                                       const google::protobuf::Descriptor* response, bool server_streaming) {
  for (int i = 0; i < service_->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = service_->method(i);
    if (m->input_type() != request || m->server_streaming() != server_streaming) continue;
    if (m->output_type() != response || m->client_streaming()) {
      spdlog::critical("{}: bound with the wrong response type or streaming", m->full_name());
      std::abort();
    }
    if (bound_[static_cast<size_t>(i)]) {
      spdlog::critical("{} is bound twice", m->full_name());
      std::abort();
    }
    bound_[static_cast<size_t>(i)] = true;
    return bindings_.emplace_back(Method{i, m});
  }
  spdlog::critical("{} has no method taking {}", service_->full_name(), request->full_name());
  std::abort();
}

void Bindings::Seal() {
  for (size_t i = 0; i < paths_.size(); ++i) {
    if (!bound_[i]) {
      spdlog::critical("{} is not bound", service_->method(static_cast<int>(i))->full_name());
      std::abort();
    }
    const bool streaming = service_->method(static_cast<int>(i))->server_streaming();
    // The handler is marked on the method below (grpc::Service keeps them by index).
    AddMethod(new grpc::internal::RpcServiceMethod(
        paths_[i].c_str(),
        streaming ? grpc::internal::RpcMethod::SERVER_STREAMING : grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
  }
  for (const auto& mark : pending_) mark();
  pending_.clear();
}

void Bindings::Dispatch(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, const std::string& method,
                        std::function<absl::Status(const Principal&)> run) {
  const absl::Time arrived = absl::Now();
  const bool queued = executor_->TrySubmit([this, ctx, reactor, &method, arrived, run = std::move(run)] {
    if (ctx->IsCancelled() || ctx->deadline() <= std::chrono::system_clock::now()) {
      // The client gave up (or its deadline passed) while the call waited.
      Metrics::Get().ObserveCall(method, grpc::StatusCode::CANCELLED, absl::Now() - arrived);
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the call ended before it could run"));
      return;
    }
    reactor->Finish(Handle(*verifier_, ctx, method.c_str(), run, arrived));
  });
  if (!queued) {
    Metrics::Get().ObserveCall(method, grpc::StatusCode::RESOURCE_EXHAUSTED, absl::Now() - arrived);
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "the service has as many calls waiting as it takes; retry with backoff"));
  }
}

}  // namespace atrium
