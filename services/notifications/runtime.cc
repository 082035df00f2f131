#include "services/notifications/runtime.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/status_macros.h"
#include "services/notifications/alerts.h"
#include "services/notifications/delivery.h"
#include "services/notifications/handler.h"
#include "services/notifications/notices.h"
#include "services/notifications/store.h"
#include "services/notifications/watch.h"

namespace atrium::notifications {

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

namespace {

// What the service owns beside the common parts; it outlives serving.
struct Parts {
  std::unique_ptr<NotificationsStore> store;
  std::unique_ptr<Notices> notices;
  std::unique_ptr<Alerts> alerts;
  std::unique_ptr<Deliverer> deliverer;
  std::unique_ptr<Broadcaster> broadcaster;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock) {
  auto rt = std::make_unique<RuntimeWith<Parts>>();
  RETURN_IF_ERROR(rt->Init(config, clock, "notifications", v1::NotificationsService::service_full_name()));
  clock = rt->clock();
  ASSIGN_OR_RETURN(auto endpoint, redis::ParseEndpoint(config.String("redis"), "redis"));

  NoticesOptions options;
  // The setting every service shares: the departments notices may concern
  // are the departments tokens may name.
  ASSIGN_OR_RETURN(options.departments, ParseDepartments(config.String("departments"), "departments"));
  for (const char* must : {"fnb", "rooms"}) {
    if (std::find(options.departments.begin(), options.departments.end(), must) == options.departments.end()) {
      return absl::InvalidArgumentError(absl::StrCat("configuration departments: must include ", must));
    }
  }
  options.sign_within = config.Duration("sign-within");
  options.urgent_sign_within = config.Duration("urgent-sign-within");
  options.urgent_window = config.Duration("urgent-window");
  options.fresh_grace = config.Duration("fresh-grace");
  options.hotel = config.String("hotel-name");
  ASSIGN_OR_RETURN(options.zone, TimeZoneFrom(config));

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
  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(rt->parts.store, NotificationsStore::Of(db::Database::Open(config, NotificationsSchema())));
  NotificationsStore* store = rt->parts.store.get();
  rt->parts.notices = std::make_unique<Notices>(store, clock, rt->page_tokens(), options);
  rt->parts.deliverer =
      std::make_unique<Deliverer>(store, clock, RedisBusFactory(endpoint, absl::Seconds(2)), delivery);
  rt->parts.broadcaster = std::make_unique<Broadcaster>(watch);
  rt->parts.alerts =
      std::make_unique<Alerts>(store, clock, rt->page_tokens(),
                               AlertOptions{delivery.channel_prefix, delivery.event_source, options.departments});
  rt->parts.notices->AddSink(rt->parts.deliverer.get());
  rt->parts.notices->AddSink(rt->parts.broadcaster.get());
  Broadcaster* broadcaster = rt->parts.broadcaster.get();
  rt->Serve(std::make_unique<NotificationsHandler>(rt->parts.notices.get(), rt->parts.alerts.get(), broadcaster,
                                                   rt->verifier(), rt->executor()),
            [store] { return store->Ping(); });
  ServiceRunner* runner = rt->runner();
  runner->SetComponentStatus("redis", false);
  rt->parts.deliverer->OnBusStatus([runner](bool up) { runner->SetComponentStatus("redis", up); });
  runner->OnShutdown([broadcaster] { broadcaster->Close(); });
  Deliverer* deliverer = rt->parts.deliverer.get();
  rt->OnStart([deliverer] { deliverer->Start(); }, [deliverer] { deliverer->Stop(); });

  auto gauges = [store, clock] {
    return ServiceRuntime::ReadForMetrics<DeliveryGauges>(
        store, [clock](NotificationsTx& tx) { return tx.ReadGauges(ToUnixMicros(clock->Now())); });
  };
  rt->AddGauges("atrium_dispatches_unsigned", "dispatches awaiting a department's signature", [gauges] {
    Metrics::Samples out;
    for (const auto& [d, v] : gauges().unsigned_and_overdue)
      out.push_back({{{"department", d}}, static_cast<double>(v.first)});
    return out;
  });
  rt->AddGauges("atrium_dispatches_overdue", "dispatches unsigned past their deadline", [gauges] {
    Metrics::Samples out;
    for (const auto& [d, v] : gauges().unsigned_and_overdue)
      out.push_back({{{"department", d}}, static_cast<double>(v.second)});
    return out;
  });
  rt->AddGauges("atrium_outbox_depth", "events waiting in the outbox to be published", [gauges] {
    return Metrics::Samples{{{}, static_cast<double>(gauges().outbox)}};
  });
  rt->AddGauges("atrium_watch_streams", "WatchDispatches streams open", [broadcaster] {
    return Metrics::Samples{{{}, static_cast<double>(broadcaster->streams())}};
  });
  return rt;
}

}  // namespace atrium::notifications
