// The outside load generator of bench/outside.sh for what h2load cannot
// send: calls that must each differ (a new account, a booking of a free
// slot, a notice not dispatched before). A separate process that knows no
// Atrium code: gRPC's generic callback client sends pre-encoded requests,
// read from a file of gRPC messages as on the wire (a 5-byte frame header,
// then the serialized message; bench/clients_fixture writes them), each used
// once in order unless --cycle.
//
//   grpc_load --target=127.0.0.1:N --method=/pkg.Service/Method --requests=FILE
//             [--token=JWT] [--connections=8] [--streams=32] [--seconds=5]
//             [--warmup=1] [--first=K] [--cycle] [--rate=R [--start-at=UNIX_NANOS]]
//   grpc_load --target=... --method=... --requests=FILE --token=JWT --hold=N [--seconds=S]
//
// Closed loop (the default): connections x streams calls in flight. With
// --rate, open loop: calls start at their scheduled times, and latency runs
// from the scheduled time (so a stall counts for every call it delays);
// --start-at fixes the schedule's start on the wall clock, so that another
// process (a subscriber) knows when call k was due.
// With --hold, opens N server-streaming calls with the first request,
// holds them for --seconds and reports how many were still open.
//
// Prints one line of key=value: calls (answered in the measured window), ok,
// failed, rate (ok calls/s), p50_ms, p99_ms, used (requests taken from the
// file, warm-up included), first_error.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string target, method, requests, token;
  int connections = 8, streams = 32, hold = 0;
  double seconds = 5, warmup = 1, rate = 0;
  long first = 0, start_at = 0;
  bool cycle = false;
};

bool ParseFlag(const std::string& a, const char* name, std::string* v) {
  const std::string prefix = std::string("--") + name + "=";
  if (a.rfind(prefix, 0) != 0) return false;
  *v = a.substr(prefix.size());
  return true;
}

// The messages of a file of gRPC frames.
std::vector<grpc::ByteBuffer> ReadFrames(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<grpc::ByteBuffer> out;
  for (size_t at = 0; at + 5 <= data.size();) {
    const auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(data[at + i])); };
    const uint32_t n = b(1) << 24 | b(2) << 16 | b(3) << 8 | b(4);
    if (at + 5 + n > data.size()) break;
    grpc::Slice slice(data.data() + at + 5, n);
    out.emplace_back(&slice, 1);
    at += 5 + n;
  }
  return out;
}

// The p-th fraction of sorted `v`.
double Percentile(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<size_t>(static_cast<double>(v.size()) * p))];
}

class Load {
 public:
  Load(const Options& o, std::vector<grpc::ByteBuffer> requests)
      : o_(o), requests_(std::move(requests)), authorization_(o.token.empty() ? "" : "Bearer " + o.token) {
    for (int c = 0; c < o.connections; ++c) {
      grpc::ChannelArguments args;
      args.SetInt("grpc_load_channel", c);  // a connection of its own
      stubs_.push_back(std::make_unique<grpc::GenericStub>(
          grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args)));
    }
    next_ = o.first;
  }

  // Closed loop: every slot starts its next call when the last one ends.
  void RunClosed() {
    start_ = Clock::now();
    measure_from_ = start_ + ToDuration(o_.warmup);
    stop_at_ = measure_from_ + ToDuration(o_.seconds);
    const int slots = o_.connections * o_.streams;
    in_flight_ = slots;
    for (int s = 0; s < slots; ++s) StartNext(s % o_.connections, Clock::now(), true);
    WaitIdle();
  }

  // Open loop at o_.rate calls/s from this thread.
  void RunOpen() {
    start_ = Clock::now();
    if (o_.start_at > 0) {
      const auto wall = std::chrono::system_clock::now().time_since_epoch();
      start_ += std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(o_.start_at) - wall);
    }
    measure_from_ = start_ + ToDuration(o_.warmup);
    stop_at_ = measure_from_ + ToDuration(o_.seconds);
    const long total = static_cast<long>((o_.warmup + o_.seconds) * o_.rate);
    for (long k = 0; k < total; ++k) {
      const Clock::time_point due = start_ + ToDuration(static_cast<double>(k) / o_.rate);
      std::this_thread::sleep_until(due);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++in_flight_;
      }
      StartNext(static_cast<int>(k % o_.connections), due, false);
    }
    WaitIdle();
  }

  // Opens o_.hold streaming calls, holds them, then cancels them.
  void RunHold() {
    std::vector<std::unique_ptr<Stream>> streams;
    for (int i = 0; i < o_.hold; ++i) {
      streams.push_back(std::make_unique<Stream>(this, stubs_[i % stubs_.size()].get(), requests_.at(0)));
    }
    std::this_thread::sleep_for(ToDuration(o_.seconds));
    const int open = open_streams_.load();
    for (auto& s : streams) s->ctx.TryCancel();
    {
      std::unique_lock<std::mutex> lock(mu_);
      done_cv_.wait(lock, [&] { return streams_done_ == o_.hold; });
    }
    std::printf("streams=%d open=%d first_error=\"%s\"\n", o_.hold, open, first_error_.c_str());
  }

  void Print() {
    std::sort(latencies_ok_.begin(), latencies_ok_.end());
    const long ok = static_cast<long>(latencies_ok_.size()), failed = failed_.load();
    const double p50 = Percentile(latencies_ok_, 0.5), p99 = Percentile(latencies_ok_, 0.99);
    std::printf("calls=%ld ok=%ld failed=%ld rate=%.0f p50_ms=%.3f p99_ms=%.3f used=%ld first_error=\"%s\"\n",
                ok + failed, ok, failed, static_cast<double>(ok) / o_.seconds, p50, p99, next_.load() - o_.first,
                first_error_.c_str());
  }

 private:
  struct Call {
    grpc::ClientContext ctx;
    grpc::ByteBuffer request, response;
  };

  // A server-streaming call through the generic bidirectional reactor: one
  // request, then reads until cancelled.
  struct Stream : grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
    Stream(Load* load, grpc::GenericStub* stub, const grpc::ByteBuffer& req) : load(load), request(req) {
      if (!load->authorization_.empty()) ctx.AddMetadata("authorization", load->authorization_);
      stub->PrepareBidiStreamingCall(&ctx, load->o_.method, grpc::StubOptions(), this);
      StartWriteLast(&request, grpc::WriteOptions());
      StartRead(&response);
      load->open_streams_++;
      StartCall();
    }
    void OnReadDone(bool ok) override {
      if (ok) StartRead(&response);
    }
    void OnDone(const grpc::Status& s) override {
      load->open_streams_--;
      if (s.error_code() != grpc::StatusCode::CANCELLED) load->NoteError(s);
      std::lock_guard<std::mutex> lock(load->mu_);
      load->streams_done_++;
      load->done_cv_.notify_all();
    }
    Load* load;
    grpc::ClientContext ctx;
    grpc::ByteBuffer request, response;
  };

  static Clock::duration ToDuration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }

  void NoteError(const grpc::Status& s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_error_.empty()) first_error_ = std::to_string(s.error_code()) + " " + s.error_message();
  }

  // Starts the next request on connection `c`; `due` is when it was meant to
  // start. In a closed loop the slot continues until the window ends.
  void StartNext(int c, Clock::time_point due, bool closed) {
    const long k = next_++;
    if (!o_.cycle && k >= static_cast<long>(requests_.size())) {
      NoteError(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "the request file ran out"));
      Finished();
      return;
    }
    auto* call = new Call;
    call->request = requests_[static_cast<size_t>(k) % requests_.size()];
    if (!authorization_.empty()) call->ctx.AddMetadata("authorization", authorization_);
    stubs_[c]->UnaryCall(&call->ctx, o_.method, grpc::StubOptions(), &call->request, &call->response,
                         [this, call, c, due, closed](grpc::Status s) {
                           const Clock::time_point now = Clock::now();
                           delete call;
                           // Closed: the calls answered within the window. Open: every
                           // call due within it, however late its answer.
                           if (due >= measure_from_ && (!closed || now <= stop_at_)) {
                             if (s.ok()) {
                               std::lock_guard<std::mutex> lock(mu_);
                               latencies_ok_.push_back(std::chrono::duration<double, std::milli>(now - due).count());
                             } else {
                               failed_++;
                             }
                           }
                           if (!s.ok()) NoteError(s);
                           if (closed && now < stop_at_) {
                             StartNext(c, now, true);
                           } else {
                             Finished();
                           }
                         });
  }

  void Finished() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--in_flight_ == 0) done_cv_.notify_all();
  }
  void WaitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return in_flight_ == 0; });
  }

  const Options& o_;
  std::vector<grpc::ByteBuffer> requests_;
  const std::string authorization_;  // the header's value, or empty
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::atomic<long> next_{0}, failed_{0};
  std::atomic<int> open_streams_{0};
  Clock::time_point start_, measure_from_, stop_at_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  long in_flight_ = 0;
  int streams_done_ = 0;
  std::vector<double> latencies_ok_;  // ms, of the measured calls answered OK
  std::string first_error_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::string v;
    if (ParseFlag(a, "target", &o.target) || ParseFlag(a, "method", &o.method) ||
        ParseFlag(a, "requests", &o.requests) || ParseFlag(a, "token", &o.token)) {
    } else if (ParseFlag(a, "connections", &v)) {
      o.connections = std::stoi(v);
    } else if (ParseFlag(a, "streams", &v)) {
      o.streams = std::stoi(v);
    } else if (ParseFlag(a, "hold", &v)) {
      o.hold = std::stoi(v);
    } else if (ParseFlag(a, "seconds", &v)) {
      o.seconds = std::stod(v);
    } else if (ParseFlag(a, "warmup", &v)) {
      o.warmup = std::stod(v);
    } else if (ParseFlag(a, "rate", &v)) {
      o.rate = std::stod(v);
    } else if (ParseFlag(a, "start-at", &v)) {
      o.start_at = std::stol(v);
    } else if (ParseFlag(a, "first", &v)) {
      o.first = std::stol(v);
    } else if (a == "--cycle") {
      o.cycle = true;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (o.target.empty() || o.method.empty() || o.requests.empty() || o.connections < 1 || o.connections > 1024 ||
      o.streams < 1 || o.seconds <= 0 || o.rate < 0 || o.hold < 0) {
    std::fprintf(stderr,
                 "usage: grpc_load --target=HOST:PORT --method=/pkg.Service/Method --requests=FILE [--token=JWT]\n"
                 "                 [--connections=8] [--streams=32] [--seconds=5] [--warmup=1] [--first=K]\n"
                 "                 [--cycle] [--rate=R [--start-at=UNIX_NANOS]] [--hold=N]\n");
    return 2;
  }
  std::vector<grpc::ByteBuffer> requests = ReadFrames(o.requests);
  if (requests.empty()) {
    std::fprintf(stderr, "no request in %s\n", o.requests.c_str());
    return 2;
  }
  Load load(o, std::move(requests));
  if (o.hold > 0) {
    load.RunHold();
    return 0;
  }
  if (o.rate > 0) {
    load.RunOpen();
  } else {
    load.RunClosed();
  }
  load.Print();
  return 0;
}
