// The subscriber side of meeting notices, for departmental systems and the
// `atrium notices watch` command.
//
// It subscribes to the department's Redis channel first, then asks the
// notifications service for every dispatch still unsigned (what it missed
// while away), then hands over each event as it arrives. When Redis goes
// away it reconnects with backoff and catches up again. Events are
// identified by their CloudEvent id; one already handled is dropped.
//
//   NoticeSubscriber sub(options, [](const DispatchEvent& e) { ...; return true; });
//   std::thread t([&] { sub.Run(); });
//   ...
//   sub.Stop(); t.join();
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/redis.h"

namespace atrium::cli {

struct SubscriberOptions {
  redis::Endpoint redis;
  std::string channel_prefix = "atrium";
  std::string department;
  // The notifications service, for the catch-up (and signing by the caller).
  std::string notifications_address;
  std::string token;
  absl::Duration reconnect_initial = absl::Milliseconds(200);
  absl::Duration reconnect_max = absl::Seconds(5);
  // How many handled event ids are remembered to drop duplicates.
  size_t remembered_ids = 100000;
};

class NoticeSubscriber final {
 public:
  // Returns true when the event was handled; a false return lets a later
  // delivery of the same event through again.
  using Handler = std::function<bool(const notifications::v1::DispatchEvent&)>;
  // Told of connection changes ("connected", "redis lost: ...", ...).
  using StatusHandler = std::function<void(const std::string&)>;

  NoticeSubscriber(SubscriberOptions options, Handler handler, StatusHandler status = nullptr);

  // Runs until Stop().
  void Run();
  void Stop() { stop_ = true; }

  // Decodes a CloudEvent carrying a DispatchEvent; false if it is not one.
  static bool Decode(const std::string& payload, notifications::v1::DispatchEvent* out);

 private:
  bool CatchUp();
  void Deliver(const notifications::v1::DispatchEvent& e);
  void Status(const std::string& s) {
    if (status_) status_(s);
  }

  SubscriberOptions options_;
  Handler handler_;
  StatusHandler status_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<notifications::v1::NotificationsService::Stub> stub_;
  std::unordered_set<std::string> seen_;
  std::deque<std::string> seen_order_;
};

// A notice dispatch as a person reads it: heading, fields, and for a
// revision what changed.
std::string FormatDispatch(const notifications::v1::Dispatch& d);

// One event as `atrium notices watch` prints it: FormatDispatch, or with
// `json` one JSON line (with its newline); an error, and nothing to print,
// when the event has no JSON form (see JsonLine).
absl::StatusOr<std::string> FormatEvent(const notifications::v1::DispatchEvent& e, bool json);

}  // namespace atrium::cli
