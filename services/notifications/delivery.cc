#include "services/notifications/delivery.h"

#include "common/trace.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "spdlog/spdlog.h"

namespace atrium::notifications {
namespace {

using io::cloudevents::v1::CloudEvent;
using v1::Dispatch;

class RedisBus final : public Bus {
 public:
  explicit RedisBus(std::unique_ptr<redis::Connection> conn) : conn_(std::move(conn)) {}
  std::vector<absl::StatusOr<int64_t>> Publish(const std::vector<redis::Message>& messages) override {
    return conn_->Publish(messages);
  }
  bool broken() const override { return conn_->broken(); }
  absl::Status Ping() override { return conn_->Ping(); }

 private:
  std::unique_ptr<redis::Connection> conn_;
};

void SetString(CloudEvent& e, const std::string& key, const std::string& value) {
  (*e.mutable_attributes())[key].set_ce_string(value);
}

CloudEvent BaseEvent(const std::string& id, const std::string& type, absl::Time now, const std::string& source,
                     const Dispatch& d) {
  CloudEvent e;
  e.set_id(id);
  e.set_source(source);
  e.set_spec_version("1.0");
  e.set_type(type);
  *(*e.mutable_attributes())["time"].mutable_ce_timestamp() = ToProto(now);
  SetString(e, "datacontenttype", "application/protobuf");
  SetString(e, "subject", d.name());
  SetString(e, "department", d.department());
  SetString(e, "meeting", d.meeting());
  return e;
}

}  // namespace

BusFactory RedisBusFactory(redis::Endpoint endpoint, absl::Duration timeout) {
  return [endpoint, timeout]() -> absl::StatusOr<std::unique_ptr<Bus>> {
    ASSIGN_OR_RETURN(auto conn, redis::Connection::Connect(endpoint, timeout));
    RETURN_IF_ERROR((conn)->Ping());
    return std::unique_ptr<Bus>(new RedisBus(std::move(conn)));
  };
}

std::string DispatchChannel(const std::string& prefix, const std::string& department) {
  return absl::StrCat(prefix, ".dispatches.", department);
}
std::string StaffChannel(const std::string& prefix, const std::string& subject) {
  return absl::StrCat(prefix, ".staff.", subject);
}
std::string ManagerChannel(const std::string& prefix) { return absl::StrCat(prefix, ".role.manager"); }

std::string DispatchCloudEvent(const Dispatch& dispatch, int attempt, absl::Time now, const std::string& source) {
  CloudEvent e = BaseEvent(dispatch.event_id(), "atrium.notifications.v1.dispatch", now, source, dispatch);
  (*e.mutable_attributes())["deliveryattempt"].set_ce_integer(attempt);
  // CloudEvents distributed tracing extension: the dispatching call's trace.
  if (!dispatch.traceparent().empty()) SetString(e, "traceparent", dispatch.traceparent());
  // The DispatchEvent is the concatenation of its fields' encodings: the
  // dispatch (with its content) is serialized once rather than copied into
  // the event first. Any decoder reads it as the message.
  v1::DispatchEvent head;
  head.set_event_id(dispatch.event_id());
  head.set_delivery_attempt(attempt);
  std::string payload = head.SerializeAsString();
  {
    google::protobuf::io::StringOutputStream raw(&payload);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.WriteTag((v1::DispatchEvent::kDispatchFieldNumber << 3) | 2);  // length-delimited
    out.WriteVarint32(static_cast<uint32_t>(dispatch.ByteSizeLong()));
    dispatch.SerializeWithCachedSizes(&out);
  }
  e.mutable_proto_data()->set_type_url("type.googleapis.com/" + v1::DispatchEvent::descriptor()->full_name());
  e.mutable_proto_data()->set_value(std::move(payload));
  return e.SerializeAsString();
}

std::string EscalationCloudEvent(const Dispatch& dispatch, absl::Time now, const std::string& source) {
  const std::string id = dispatch.event_id() + "/escalation";
  CloudEvent e = BaseEvent(id, "atrium.notifications.v1.escalation", now, source, dispatch);
  v1::EscalationEvent payload;
  payload.set_event_id(id);
  *payload.mutable_dispatch() = dispatch;
  payload.add_recipients(dispatch.owner());
  payload.add_recipients("manager");
  e.mutable_proto_data()->PackFrom(payload);
  return e.SerializeAsString();
}

Deliverer::Deliverer(NotificationsStore* store, const Clock* clock, BusFactory bus, DeliveryOptions options)
    : store_(store),
      clock_(clock),
      bus_factory_(std::move(bus)),
      options_(std::move(options)),
      connect_backoff_(options_.reconnect_initial) {}

Deliverer::~Deliverer() { Stop(); }

void Deliverer::Start() {
  worker_ = std::thread([this] { Run(); });
  recorder_ = std::thread([this] { RecordLoop(); });
}

void Deliverer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (worker_.joinable()) worker_.join();
  if (recorder_.joinable()) recorder_.join();
}

void Deliverer::Dispatched(const DispatchBatch& dispatches) {
  absl::MutexLock lock(&mu_);
  fresh_.push_back(dispatches);
}

absl::Duration Deliverer::Backoff(int attempts) const {
  absl::Duration d = options_.redeliver_initial;
  for (int i = 1; i < attempts && d < options_.redeliver_max; ++i) d *= 2;
  return std::min(d, options_.redeliver_max);
}

void Deliverer::Run() {
  absl::Time next_scan = absl::InfinitePast();
  for (;;) {
    // New dispatches are published the moment they arrive; the stored
    // schedule (redeliveries, escalations, the outbox) is scanned every
    // poll interval, or at once while a scan found a full batch.
    const bool scan = absl::Now() >= next_scan;
    const bool more = Pass(scan);
    if (scan) next_scan = more ? absl::InfinitePast() : absl::Now() + options_.poll_interval;
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || (!fresh_.empty() && connected_); };
    mu_.AwaitWithTimeout(absl::Condition(&wake), std::max(absl::ZeroDuration(), next_scan - absl::Now()));
    if (stop_) return;
  }
}

void Deliverer::RecordLoop() {
  for (;;) {
    std::vector<Record> batch;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || !records_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (records_.empty() && stop_) return;
      batch.swap(records_);
    }
    absl::Status s = store_->Write([&](NotificationsTx& tx) -> absl::Status {
      for (const Record& r : batch) {
        RETURN_IF_ERROR(tx.RecordAttempt(r.name, r.attempt, r.next_attempt_micros));
      }
      return absl::OkStatus();
    });
    // Unrecorded attempts are not lost deliveries: the dispatch stays due
    // and is published again (same event id).
    if (!s.ok()) spdlog::error("recording delivery attempts: {}", std::string(s.message()));
    absl::MutexLock lock(&mu_);
    for (const Record& r : batch) unrecorded_.erase(r.name);
  }
}

bool Deliverer::EnsureConnected() {
  if (bus_ && !bus_->broken()) return true;
  if (bus_) {
    bus_.reset();
    connected_ = false;
    spdlog::warn("redis connection lost; dispatches are stored and will be published once it is back");
    if (on_status_) on_status_(false);
  }
  const absl::Time now = absl::Now();
  if (now < next_connect_) return false;
  auto bus = bus_factory_();
  if (!bus.ok()) {
    if (connect_backoff_ == options_.reconnect_initial) {
      spdlog::warn("cannot reach redis: {}; retrying", std::string(bus.status().message()));
      if (on_status_) on_status_(false);
    }
    next_connect_ = now + connect_backoff_;
    connect_backoff_ = std::min(connect_backoff_ * 2, options_.reconnect_max);
    return false;
  }
  bus_ = std::move(*bus);
  connected_ = true;
  connect_backoff_ = options_.reconnect_initial;
  next_connect_ = absl::InfinitePast();
  spdlog::info("redis connected; publishing what is pending");
  if (on_status_) on_status_(true);
  return true;
}

bool Deliverer::Pass(bool scan) {
  bool more = scan && Escalate();
  if (!EnsureConnected()) {
    absl::MutexLock lock(&mu_);
    fresh_.clear();  // stored; the schedule publishes them after the grace
    return false;
  }
  std::vector<DispatchBatch> fresh_batches;
  {
    absl::MutexLock lock(&mu_);
    fresh_batches.swap(fresh_);
  }
  std::vector<const Dispatch*> fresh;
  for (const DispatchBatch& b : fresh_batches) {
    for (const Dispatch& d : *b) {
      fresh.push_back(&d);
      if (static_cast<int>(fresh.size()) == options_.batch_size) {
        Publish(fresh);
        fresh.clear();
      }
    }
  }
  if (!fresh.empty()) Publish(fresh);
  const bool any_fresh = !fresh_batches.empty();
  if (!scan) return false;
  std::vector<Dispatch> due;
  absl::Status s = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.DueForDelivery(ToUnixMicros(clock_->Now()), options_.batch_size));
    due = std::move(rows);
    return absl::OkStatus();
  });
  if (!s.ok()) {
    spdlog::error("reading the delivery schedule: {}", std::string(s.message()));
    return false;
  }
  {
    // A dispatch published a moment ago whose attempt is not recorded yet
    // still looks due: leave it to the record.
    absl::MutexLock lock(&mu_);
    due.erase(std::remove_if(due.begin(), due.end(),
                             [this](const Dispatch& d)
                                 ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return unrecorded_.count(d.name()) != 0; }),
              due.end());
  }
  if (!due.empty()) {
    std::vector<const Dispatch*> pointers;
    for (const Dispatch& d : due) pointers.push_back(&d);
    Publish(pointers);
  }
  more = PublishOutbox() || more;
  if (!any_fresh && due.empty() && absl::Now() - last_contact_ > absl::Seconds(1)) {
    (void)bus_->Ping();  // an idle connection's loss shows in health within a second or so
    last_contact_ = absl::Now();
  }
  return more || static_cast<int>(due.size()) == options_.batch_size;
}

void Deliverer::Publish(const std::vector<const Dispatch*>& dispatches) {
  const absl::Time now = clock_->Now();
  std::vector<redis::Message> messages;
  messages.reserve(dispatches.size());
  for (const Dispatch* d : dispatches) {
    messages.push_back({DispatchChannel(options_.channel_prefix, d->department()),
                        DispatchCloudEvent(*d, d->attempt_count() + 1, now, options_.event_source)});
  }
  auto results = bus_->Publish(messages);
  last_contact_ = absl::Now();
  // Each attempt is recorded by the recorder thread, off the publishing path
  // (a dispatch signed or superseded meanwhile keeps no schedule).
  std::vector<Record> records;
  records.reserve(dispatches.size());
  // Log lines name the dispatching call's trace; building that context is
  // skipped when no line would be written (info covers debug too).
  const bool logging = spdlog::should_log(spdlog::level::info);
  for (size_t i = 0; i < dispatches.size(); ++i) {
    const Dispatch& d = *dispatches[i];
    Record r;
    r.name = d.name();
    *r.attempt.mutable_time() = ToProto(now);
    r.attempt.set_channel(messages[i].channel);
    absl::Time next = now;  // a failed publish is retried once Redis is back
    if (results[i].ok()) {
      r.attempt.set_receivers(static_cast<int32_t>(*results[i]));
      next = now + Backoff(d.attempt_count() + 1);
    } else {
      r.attempt.set_receivers(-1);
      r.attempt.set_error(std::string(results[i].status().message()));
    }
    r.next_attempt_micros = absl::ToUnixMicros(next);
    if (logging) {
      ScopedTrace trace(d.traceparent());
      const int delivery = d.attempt_count() + 1;
      if (!results[i].ok()) {
        spdlog::debug("{}: publish failed ({}), retried once redis is back", r.name, r.attempt.error());
      } else if (delivery == 1) {
        spdlog::info("{} published on {} ({} receivers)", r.name, r.attempt.channel(), r.attempt.receivers());
      } else {
        spdlog::debug("{} published again on {} (delivery {})", r.name, r.attempt.channel(), delivery);
      }
    }
    records.push_back(std::move(r));
  }
  absl::MutexLock lock(&mu_);
  for (auto& r : records) {
    unrecorded_.insert(r.name);
    records_.push_back(std::move(r));
  }
}

bool Deliverer::Escalate() {
  const absl::Time now = clock_->Now();
  bool any = false;
  absl::Status s = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto due, tx.DueForEscalation(ToUnixMicros(now), 1));
    any = !due.empty();
    return absl::OkStatus();
  });
  if (!s.ok() || !any) return false;  // most passes: nothing to write
  int count = 0;
  s = store_->Write([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto due, tx.DueForEscalation(ToUnixMicros(now), options_.batch_size));
    count = static_cast<int>(due.size());
    for (Dispatch& d : due) {
      *d.mutable_escalate_time() = ToProto(now);
      RETURN_IF_ERROR(tx.PutDispatch(d, std::nullopt));
      const std::string event = EscalationCloudEvent(d, now, options_.event_source);
      RETURN_IF_ERROR(tx.AddPublication(StaffChannel(options_.channel_prefix, d.owner()), event, ToUnixMicros(now)));
      RETURN_IF_ERROR(tx.AddPublication(ManagerChannel(options_.channel_prefix), event, ToUnixMicros(now)));
      spdlog::warn("{} unsigned past its deadline: escalated to {} and the manager", d.name(), d.owner());
    }
    return absl::OkStatus();
  });
  if (!s.ok()) spdlog::error("escalating overdue dispatches: {}", std::string(s.message()));
  return count == options_.batch_size;
}

bool Deliverer::PublishOutbox() {
  const absl::Time now = clock_->Now();
  std::vector<OutboxEntry> due;
  absl::Status s = store_->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.DuePublications(ToUnixMicros(now), options_.batch_size));
    due = std::move(rows);
    return absl::OkStatus();
  });
  if (!s.ok() || due.empty()) return false;
  std::vector<redis::Message> messages;
  for (const auto& e : due) messages.push_back({e.channel, e.payload});
  auto results = bus_->Publish(messages);
  s = store_->Write([&](NotificationsTx& tx) -> absl::Status {
    for (size_t i = 0; i < due.size(); ++i) {
      absl::Status st = results[i].ok()
                            ? tx.DeletePublication(due[i].id)
                            : tx.RetryPublication(due[i].id, ToUnixMicros(now + options_.reconnect_initial));
      if (!st.ok()) return st;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) spdlog::error("recording outbox publications: {}", std::string(s.message()));
  return static_cast<int>(due.size()) == options_.batch_size;
}

}  // namespace atrium::notifications
