// A small, status-returning Redis client over hiredis, for what Atrium needs
// of Redis: PUBLISH (pipelined) on the service side and SUBSCRIBE on the
// subscriber side. Not thread-safe: one Connection per thread. After an I/O
// error a Connection is broken() and must be replaced (reconnect).
//
//   auto conn = redis::Connection::Connect({"127.0.0.1", 6379}, absl::Seconds(2));
//   auto results = (*conn)->Publish({{"atrium.dispatches.fnb", payload}});
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct redisContext;

namespace atrium::redis {

struct Endpoint {
  std::string host;
  int port = 6379;
  std::string ToString() const;
};

// "host:port" (port defaults to 6379); `field` names the setting in errors.
absl::StatusOr<Endpoint> ParseEndpoint(const std::string& text, const std::string& field);

struct Message {
  std::string channel;
  std::string payload;
};

class Connection final {
 public:
  // Connects, with `timeout` for the connection and for every later call.
  static absl::StatusOr<std::unique_ptr<Connection>> Connect(const Endpoint& endpoint, absl::Duration timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::Status Ping();

  // Publishes every message in one round trip. One result per message: how
  // many subscribers received it, or the error. After a connection error the
  // remaining results are that error too and the connection is broken.
  std::vector<absl::StatusOr<int64_t>> Publish(const std::vector<Message>& messages);

  // Subscribes to channels; afterwards only NextMessage() may be called.
  absl::Status Subscribe(const std::vector<std::string>& channels);
  // Waits up to `timeout` for the next message; nullopt when none came.
  absl::StatusOr<std::optional<Message>> NextMessage(absl::Duration timeout);

  bool broken() const { return broken_; }

 private:
  explicit Connection(redisContext* ctx) : ctx_(ctx) {}
  absl::Status IoError(const char* what);

  redisContext* ctx_;
  bool broken_ = false;
};

}  // namespace atrium::redis
