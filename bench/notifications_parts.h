// What the notifications benchmarks share (bench/notifications_bench.cc,
// bench/notifications_outside.cc): the notices they dispatch, a subscriber
// that records when each dispatch arrives, and the relay floor.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/redis.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "services/notifications/delivery.h"
#include "services/notifications/notices.h"

namespace atrium::bench {

namespace nv1 = notifications::v1;

inline constexpr char kChannelPrefix[] = "atrium";  // the service's default

// The departments each notice concerns (--departments=N takes the first N).
inline const std::vector<std::string> kDepartments = {"fnb", "rooms", "front_office", "engineering", "housekeeping"};
inline int g_departments = 2;

// Notice ids are "run-<k>"; notice k's dispatch to department d is number k * D + d.
inline long DispatchIndex(const std::string& payload) {
  io::cloudevents::v1::CloudEvent e;
  if (!e.ParseFromString(payload)) return -1;
  std::vector<std::string> parts = absl::StrSplit(e.id(), '/');  // notices/<run>-<k>/revisions/1/dispatches/<d>
  if (parts.size() != 6) return -1;
  auto dash = parts[1].rfind('-');
  long k = 0;
  if (dash == std::string::npos || !absl::SimpleAtoi(parts[1].substr(dash + 1), &k)) return -1;
  if (parts[1].substr(0, dash) != "run") return -1;  // pending ones, or redeliveries of them
  for (int d = 0; d < g_departments; ++d) {
    if (parts[5] == kDepartments[d]) return k * g_departments + d;
  }
  return -1;
}

inline nv1::DispatchNoticeRequest Notice(const std::string& id) {
  nv1::DispatchNoticeRequest req;
  auto* r = req.mutable_revision();
  r->set_notice_id(id);
  r->set_revision(1);
  r->set_meeting("meetings/" + id);
  r->set_title("Bench meeting");
  r->set_owner("kam-bench");
  *r->mutable_meeting_start_time() = ToProto(absl::Now() + absl::Hours(24 * 30));
  for (int d = 0; d < g_departments; ++d) {
    auto* s = r->add_sections();
    s->set_department(kDepartments[d]);
    s->set_heading("安排");
    for (int f = 0; f < 6; ++f) {
      auto* field = s->add_fields();
      field->set_path(absl::StrCat("item/", f));
      field->set_label(absl::StrCat("项目 ", f));
      field->set_value("120 人, 15:00, 大宴会厅");
    }
  }
  return req;
}

// Receives messages on `channels` and records, per message id, the receipt
// time. `id_of` extracts the sequence number from a payload (-1 to ignore).
class Receiver {
 public:
  Receiver(const redis::Endpoint& ep, std::vector<std::string> channels, std::function<long(const std::string&)> id_of,
           size_t capacity)
      : received_(capacity, absl::InfinitePast()), id_of_(std::move(id_of)) {
    auto conn = redis::Connection::Connect(ep, absl::Seconds(2));
    if (!conn.ok() || !(*conn)->Subscribe(channels).ok()) {
      std::fprintf(stderr, "cannot subscribe\n");
      std::exit(1);
    }
    conn_ = std::move(*conn);
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "bench-receiver");
      while (!stop_) {
        auto m = conn_->NextMessage(absl::Milliseconds(100));
        if (!m.ok()) return;
        if (!m->has_value()) continue;
        const absl::Time now = absl::Now();
        long id = id_of_((*m)->payload);
        if (id >= 0 && static_cast<size_t>(id) < received_.size() && received_[id] == absl::InfinitePast()) {
          received_[id] = now;
          count_++;
          // For dispatch events: the time from the service's PUBLISH to here,
          // the part comparable to a raw PUBLISH.
          io::cloudevents::v1::CloudEvent e;
          if (e.ParseFromString((*m)->payload) && e.attributes().count("time") != 0) {
            std::lock_guard<std::mutex> lock(mu_);
            hop_ms_.push_back(absl::ToDoubleMilliseconds(now - FromProto(e.attributes().at("time").ce_timestamp())));
          }
        }
      }
    });
  }
  ~Receiver() {
    stop_ = true;
    thread_.join();
  }
  long count() const { return count_; }
  absl::Time at(long id) const { return received_[id]; }
  // Call after the messages have arrived (the receiving thread appends).
  std::vector<double> hop_ms() {
    std::lock_guard<std::mutex> lock(mu_);
    return hop_ms_;
  }

 private:
  std::unique_ptr<redis::Connection> conn_;
  std::vector<absl::Time> received_;
  std::mutex mu_;
  std::vector<double> hop_ms_;
  std::function<long(const std::string&)> id_of_;
  std::atomic<bool> stop_{false};
  std::atomic<long> count_{0};
  std::thread thread_;
};

// The floor under any design of the service: a gRPC server that takes the
// same DispatchNotice call and at once PUBLISHes one event per department
// (the same channels, ids and content) — nothing stored, checked or
// recorded, no authentication. What it adds to a raw PUBLISH is only the
// gRPC hop and the relaying process's share of the two cores.
class Relay final : public nv1::NotificationsService::Service {
 public:
  explicit Relay(redis::Endpoint ep, const std::string& listen = "127.0.0.1:0") : ep_(std::move(ep)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    // Threads stay between calls (by default gRPC ends and starts one for
    // nearly every call whose handler waits, here on Redis).
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
    server_ = builder.BuildAndStart();
    if (!server_) {
      std::fprintf(stderr, "relay did not start\n");
      std::exit(1);
    }
  }
  ~Relay() override { server_->Shutdown(); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  grpc::Status DispatchNotice(grpc::ServerContext*, const nv1::DispatchNoticeRequest* request,
                              nv1::Notice* response) override {
    // A connection from the pool (gRPC's sync server starts and ends its
    // threads as load changes, so connections are not tied to threads).
    std::unique_ptr<redis::Connection> conn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!conn) {
      auto c = redis::Connection::Connect(ep_, absl::Seconds(2));
      if (!c.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "redis");
      conn = std::move(*c);
    }
    // The service's own event format and channels, for the section alone.
    const auto& rev = request->revision();
    std::vector<redis::Message> messages;
    for (const auto& section : rev.sections()) {
      nv1::Dispatch d;
      d.set_name(notifications::DispatchName(rev.notice_id(), rev.revision(), section.department()));
      d.set_event_id(d.name());
      d.set_department(section.department());
      d.set_meeting(rev.meeting());
      *d.mutable_section() = section;
      messages.push_back({notifications::DispatchChannel(kChannelPrefix, section.department()),
                          notifications::DispatchCloudEvent(d, 1, absl::Now(), "bench-relay")});
    }
    for (const auto& r : conn->Publish(messages)) {
      if (!r.ok()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(r.status().message()));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      idle_.push_back(std::move(conn));
    }
    response->set_name("notices/" + rev.notice_id());
    return grpc::Status::OK;
  }

 private:
  redis::Endpoint ep_;
  std::mutex mu_;
  std::vector<std::unique_ptr<redis::Connection>> idle_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace atrium::bench
