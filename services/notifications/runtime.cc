#include "services/notifications/runtime.h"

#include "common/metrics.h"
#include "spdlog/spdlog.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace atrium::notifications {
namespace {

// Server threads kept for calls other than WatchDispatches streams.
constexpr int kThreadsBesideStreams = 16;

}  // namespace

std::map<std::string, Setting> NotificationsSettings() {
  return {
      {"redis", Setting::String("127.0.0.1:6379", "Redis server host:port for the notice channels", true)},
      {"database-url",
       Setting::String("",
                       "PostgreSQL connection (libpq URI or key=value) for several replicas; empty = SQLite db-path")},
      {"channel-prefix", Setting::String("atrium", "prefix of the Redis channel names", true)},
      {"sign-within", Setting::Duration("4h", "time a department has to sign a dispatch")},
      {"urgent-sign-within", Setting::Duration("30m", "time to sign when the meeting starts within urgent-window")},
      {"urgent-window", Setting::Duration("48h", "a meeting starting within this is urgent")},
      {"fresh-grace", Setting::Duration("5s", "after this a dispatch not yet published is picked up by the schedule")},
      {"redeliver-initial", Setting::Duration("1m", "first redelivery delay of an unsigned dispatch (then doubling)")},
      {"redeliver-max", Setting::Duration("30m", "longest redelivery delay")},
      {"poll-interval", Setting::Duration("500ms", "how often the delivery schedule is checked")},
      {"event-source", Setting::String("//atrium/notifications", "the CloudEvents source of every event", true)},
      {"watch-buffer-bytes", Setting::Int(1 << 20, 4096, int64_t{1} << 30,
                                          "dispatches (bytes in memory) a WatchDispatches stream buffers for its "
                                          "client; more and the stream is ended (reconnect and catch up)")},
      {"watch-write-timeout",
       Setting::Duration("30s", "a WatchDispatches write the client has not taken within this ends the stream")},
      {"watch-max-streams", Setting::Int(200, 1, 100000, "WatchDispatches streams open at once, in total")},
      {"watch-max-streams-per-caller",
       Setting::Int(8, 1, 100000, "WatchDispatches streams open at once per caller (token subject)")},
  };
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const Config& config, const Clock* clock) {
  SetErrorDomain("notifications.atrium");
  std::unique_ptr<Runtime> rt(new Runtime());
  if (clock == nullptr) clock = &rt->system_clock_;
  rt->clock_ = clock;

  ASSIGN_OR_RETURN(auto verifier, VerifierFrom(config, clock));
  ASSIGN_OR_RETURN(auto page_secret, PageTokenSecretFrom(config));
  ASSIGN_OR_RETURN(auto endpoint, redis::ParseEndpoint(config.String("redis"), "redis"));

  NoticesOptions options;
  // The setting every service shares: the departments notices may concern
  // are the departments tokens may name.
  auto departments = ParseDepartments(config.String("departments"), "departments");
  if (!departments.ok()) return departments.status();
  options.departments = *std::move(departments);
  for (const char* must : {"fnb", "rooms"}) {
    if (std::find(options.departments.begin(), options.departments.end(), must) == options.departments.end()) {
      return absl::InvalidArgumentError(absl::StrCat("configuration departments: must include ", must));
    }
  }
  options.sign_within = config.Duration("sign-within");
  options.urgent_sign_within = config.Duration("urgent-sign-within");
  options.urgent_window = config.Duration("urgent-window");
  options.fresh_grace = config.Duration("fresh-grace");

  DeliveryOptions delivery;
  delivery.channel_prefix = config.String("channel-prefix");
  delivery.event_source = config.String("event-source");
  delivery.redeliver_initial = config.Duration("redeliver-initial");
  delivery.redeliver_max = config.Duration("redeliver-max");
  delivery.poll_interval = config.Duration("poll-interval");
  if (delivery.redeliver_initial <= absl::ZeroDuration() || delivery.redeliver_max < delivery.redeliver_initial) {
    return absl::InvalidArgumentError(
        "configuration redeliver-initial/redeliver-max: need 0 < redeliver-initial <= redeliver-max");
  }

  WatchLimits watch;
  watch.buffer_bytes = static_cast<size_t>(config.Int("watch-buffer-bytes"));
  watch.write_timeout = config.Duration("watch-write-timeout");
  watch.max_streams = static_cast<int>(config.Int("watch-max-streams"));
  watch.max_streams_per_caller = static_cast<int>(config.Int("watch-max-streams-per-caller"));
  if (watch.write_timeout < absl::Milliseconds(100)) {
    return absl::InvalidArgumentError("configuration watch-write-timeout: must be at least 100ms");
  }
  // Each stream holds a server thread (gRPC's synchronous API); the rest of
  // the threads serve the other calls.
  const ServerOptions server = ServerOptionsFrom(config);
  if (watch.max_streams > server.grpc_max_threads - kThreadsBesideStreams) {
    return absl::InvalidArgumentError(absl::StrCat(
        "configuration watch-max-streams: must be at most grpc-max-threads - ", kThreadsBesideStreams, " (",
        server.grpc_max_threads - kThreadsBesideStreams, "), so that other calls still get a thread"));
  }

  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(auto store, NotificationsStore::Of(db::Database::Open(config, NotificationsSchema())));
  rt->store_ = std::move(store);
  rt->verifier_ = std::move(verifier);
  rt->notices_ = std::make_unique<Notices>(rt->store_.get(), clock, PageTokens(page_secret), options);
  rt->deliverer_ =
      std::make_unique<Deliverer>(rt->store_.get(), clock, RedisBusFactory(endpoint, absl::Seconds(2)), delivery);
  rt->broadcaster_ = std::make_unique<Broadcaster>(watch);
  rt->alerts_ =
      std::make_unique<Alerts>(rt->store_.get(), clock, PageTokens(page_secret),
                               AlertOptions{delivery.channel_prefix, delivery.event_source, options.departments});
  rt->notices_->AddSink(rt->deliverer_.get());
  rt->notices_->AddSink(rt->broadcaster_.get());
  rt->runner_ = std::make_unique<ServiceRunner>("atrium.notifications.v1.NotificationsService", server);
  rt->handler_ = std::make_unique<NotificationsHandler>(rt->notices_.get(), rt->alerts_.get(), rt->broadcaster_.get(),
                                                        rt->verifier_.get());
  rt->runner_->AddService(rt->handler_.get());
  NotificationsStore* s = rt->store_.get();
  rt->runner_->SetProbe([s] { return s->Ping(); });
  ServiceRunner* runner = rt->runner_.get();
  rt->runner_->SetComponentStatus("redis", false);
  rt->deliverer_->OnBusStatus([runner](bool up) { runner->SetComponentStatus("redis", up); });
  Broadcaster* b = rt->broadcaster_.get();
  rt->runner_->OnShutdown([b] { b->Close(); });
  return rt;
}

Runtime::~Runtime() { Shutdown(); }

namespace {

constexpr const char* kGauges[] = {"atrium_dispatches_unsigned", "atrium_dispatches_overdue", "atrium_outbox_depth",
                                   "atrium_watch_streams"};

DeliveryGauges ReadGauges(NotificationsStore* store, const Clock* clock) {
  DeliveryGauges g;
  absl::Status s = store->Read([&](NotificationsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, tx.ReadGauges(ToUnixMicros(clock->Now())));
    g = std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) spdlog::warn("metrics: {}", std::string(s.message()));
  return g;
}

}  // namespace

absl::Status Runtime::Start() {
  RETURN_IF_ERROR(runner_->Start());
  deliverer_->Start();
  NotificationsStore* store = store_.get();
  const Clock* clock = clock_;
  Metrics::Get().AddGauges(kGauges[0], "dispatches awaiting a department's signature", [store, clock] {
    Metrics::Samples out;
    for (const auto& [d, v] : ReadGauges(store, clock).unsigned_and_overdue)
      out.push_back({{{"department", d}}, static_cast<double>(v.first)});
    return out;
  });
  Metrics::Get().AddGauges(kGauges[1], "dispatches unsigned past their deadline", [store, clock] {
    Metrics::Samples out;
    for (const auto& [d, v] : ReadGauges(store, clock).unsigned_and_overdue)
      out.push_back({{{"department", d}}, static_cast<double>(v.second)});
    return out;
  });
  Metrics::Get().AddGauges(kGauges[2], "events waiting in the outbox to be published", [store, clock] {
    return Metrics::Samples{{{}, static_cast<double>(ReadGauges(store, clock).outbox)}};
  });
  Broadcaster* broadcaster = broadcaster_.get();
  Metrics::Get().AddGauges(kGauges[3], "WatchDispatches streams open", [broadcaster] {
    return Metrics::Samples{{{}, static_cast<double>(broadcaster->streams())}};
  });
  return absl::OkStatus();
}

void Runtime::Shutdown() {
  for (const char* g : kGauges) Metrics::Get().RemoveGauges(g);
  if (runner_) runner_->Shutdown();
  if (deliverer_) deliverer_->Stop();
}

}  // namespace atrium::notifications
