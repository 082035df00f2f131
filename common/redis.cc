#include "common/redis.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace atrium::redis {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace

std::string Endpoint::ToString() const { return absl::StrCat(host, ":", port); }

absl::StatusOr<Endpoint> ParseEndpoint(const std::string& text, const std::string& field) {
  Endpoint e;
  auto colon = text.rfind(':');
  e.host = text.substr(0, colon);
  if (colon != std::string::npos && !absl::SimpleAtoi(text.substr(colon + 1), &e.port)) e.port = -1;
  if (e.host.empty() || e.port <= 0 || e.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration ", field, ": \"", text, "\" is not host:port (e.g. 127.0.0.1:6379)"));
  }
  return e;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Connect(const Endpoint& endpoint, absl::Duration timeout) {
  redisContext* ctx = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, absl::ToTimeval(timeout));
  if (ctx == nullptr) return absl::UnavailableError("redis: out of memory");
  if (ctx->err != 0) {
    std::string msg = ctx->errstr;
    redisFree(ctx);
    return absl::UnavailableError(absl::StrCat("redis ", endpoint.ToString(), ": ", msg));
  }
  redisSetTimeout(ctx, absl::ToTimeval(timeout));
  redisEnableKeepAlive(ctx);
  return std::unique_ptr<Connection>(new Connection(ctx));
}

Connection::~Connection() { redisFree(ctx_); }

absl::Status Connection::IoError(const char* what) {
  broken_ = true;
  return absl::UnavailableError(absl::StrCat("redis ", what, ": ", ctx_->err != 0 ? ctx_->errstr : "no reply"));
}

absl::Status Connection::Ping() {
  if (broken_) return absl::UnavailableError("redis connection broken");
  Reply r(static_cast<redisReply*>(redisCommand(ctx_, "PING")));
  if (!r) return IoError("PING");
  if (r->type == REDIS_REPLY_ERROR) return absl::UnavailableError(absl::StrCat("redis PING: ", r->str));
  return absl::OkStatus();
}

std::vector<absl::StatusOr<int64_t>> Connection::Publish(const std::vector<Message>& messages) {
  std::vector<absl::StatusOr<int64_t>> out;
  out.reserve(messages.size());
  if (broken_) {
    out.assign(messages.size(), absl::UnavailableError("redis connection broken"));
    return out;
  }
  for (const Message& m : messages) {
    const char* argv[] = {"PUBLISH", m.channel.data(), m.payload.data()};
    const size_t len[] = {7, m.channel.size(), m.payload.size()};
    if (redisAppendCommandArgv(ctx_, 3, argv, len) != REDIS_OK) {
      absl::Status s = IoError("PUBLISH");
      out.assign(messages.size(), s);
      return out;
    }
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
      absl::Status s = IoError("PUBLISH");
      while (out.size() < messages.size()) out.push_back(s);
      return out;
    }
    Reply r(static_cast<redisReply*>(raw));
    if (r->type == REDIS_REPLY_INTEGER) {
      out.push_back(static_cast<int64_t>(r->integer));
    } else {
      out.push_back(absl::UnavailableError(
          absl::StrCat("redis PUBLISH: ", r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply")));
    }
  }
  return out;
}

absl::Status Connection::Subscribe(const std::vector<std::string>& channels) {
  if (broken_) return absl::UnavailableError("redis connection broken");
  std::vector<const char*> argv = {"SUBSCRIBE"};
  std::vector<size_t> len = {9};
  for (const auto& c : channels) {
    argv.push_back(c.data());
    len.push_back(c.size());
  }
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), len.data()) != REDIS_OK) {
    return IoError("SUBSCRIBE");
  }
  for (size_t i = 0; i < channels.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) return IoError("SUBSCRIBE");
    Reply r(static_cast<redisReply*>(raw));
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || std::string(r->element[0]->str) != "subscribe") {
      broken_ = true;
      return absl::UnavailableError("redis SUBSCRIBE: unexpected reply");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Message>> Connection::NextMessage(absl::Duration timeout) {
  if (broken_) return absl::UnavailableError("redis connection broken");
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(ctx_, &raw) != REDIS_OK) return IoError("read");
    if (raw != nullptr) {
      Reply r(static_cast<redisReply*>(raw));
      if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 && r->element[0]->type == REDIS_REPLY_STRING &&
          std::string(r->element[0]->str) == "message") {
        return Message{std::string(r->element[1]->str, r->element[1]->len),
                       std::string(r->element[2]->str, r->element[2]->len)};
      }
      continue;  // a subscribe confirmation or other push: not a message
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return std::optional<Message>();
    pollfd pfd{ctx_->fd, POLLIN, 0};
    int n = poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n < 0) return IoError("poll");
    if (n == 0) continue;
    if (redisBufferRead(ctx_) != REDIS_OK) return IoError("read");
  }
}

}  // namespace atrium::redis
