#include "services/inspections/runtime.h"

#include "atrium/inspections/v1/inspections.grpc.pb.h"
#include "common/status_macros.h"
#include "services/inspections/forwarder.h"
#include "services/inspections/handler.h"
#include "services/inspections/inspections.h"
#include "services/inspections/store.h"
#include "spdlog/spdlog.h"

namespace atrium::inspections {

std::map<std::string, Setting> InspectionsSettings() {
  return {
      {"notifications-address",
       Setting::String("127.0.0.1:50052", "the notifications service (host:port), for alerts", true)},
      {"meetings-address",
       Setting::String("127.0.0.1:50053", "the meetings service (host:port), for the next meeting in a room", true)},
      {"peer-deadline", Setting::Duration("2s", "deadline of each call to another service")},
      {"action-due-within", Setting::Duration("24h", "when a corrective action is due unless the inspector says")},
      {"poll-interval", Setting::Duration("500ms", "how often the outbox is sent")},
      {"missed-check-interval", Setting::Duration("1m", "how often missed inspections are looked for")},
  };
}

namespace {

// What the service owns beside the common parts; it outlives serving.
struct Parts {
  std::unique_ptr<InspectionsStore> store;
  std::unique_ptr<Inspections> inspections;
  std::unique_ptr<InspectionsOutbox> outbox;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock) {
  auto rt = std::make_unique<RuntimeWith<Parts>>();
  RETURN_IF_ERROR(rt->Init(config, clock, "inspections", v1::InspectionsService::service_full_name()));
  clock = rt->clock();
  ASSIGN_OR_RETURN(auto zone, TimeZoneFrom(config));
  RETURN_IF_ERROR(ServiceRuntime::RequirePositive(
      config, {"peer-deadline", "action-due-within", "poll-interval", "missed-check-interval"}));
  ASSIGN_OR_RETURN(auto notifications, rt->PeerChannel(config, "notifications-address"));
  ASSIGN_OR_RETURN(auto meetings, rt->PeerChannel(config, "meetings-address"));
  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(rt->parts.store, InspectionsStore::Of(db::Database::Open(config, InspectionsSchema())));
  InspectionsStore* store = rt->parts.store.get();
  InspectionsOptions options;
  options.zone = zone;
  options.action_due_within = config.Duration("action-due-within");
  rt->parts.inspections = std::make_unique<Inspections>(store, clock, rt->page_tokens(), options);
  RETURN_IF_ERROR(rt->parts.inspections->SeedDefaultPoints());
  rt->parts.outbox = std::make_unique<InspectionsOutbox>(store);
  OutboxRelay::Options relay_options;
  relay_options.deadline = config.Duration("peer-deadline");
  relay_options.poll_interval = config.Duration("poll-interval");
  ASSIGN_OR_RETURN(OutboxRelay * relay, rt->MakeRelay(config, rt->parts.outbox.get(), relay_options));
  relay->AddPeer("notifications", AlertSender(relay, clock, notifications, meetings));
  // Missed inspections reach the outbox on the relay's schedule.
  Inspections* domain = rt->parts.inspections.get();
  relay->Every(config.Duration("missed-check-interval"), [domain] {
    auto reported = domain->ReportMissed();
    if (!reported.ok()) {
      spdlog::error("reporting missed inspections: {}", std::string(reported.status().message()));
    } else if (*reported > 0) {
      spdlog::warn("{} missed inspection(s) reported to the GM office", *reported);
    }
  });
  rt->Serve(std::make_unique<InspectionsHandler>(domain, rt->verifier(), rt->executor()),
            [store] { return store->Ping(); });

  auto gauges = [store, clock] {
    return ServiceRuntime::ReadForMetrics<InspectionsGauges>(
        store, [clock](InspectionsTx& tx) { return tx.ReadGauges(ToUnixMicros(clock->Now())); });
  };
  rt->AddGauges("atrium_corrective_actions_open", "corrective actions open", [gauges] {
    return Metrics::Samples{{{}, static_cast<double>(gauges().open_actions)}};
  });
  rt->AddGauges("atrium_corrective_actions_overdue", "corrective actions open past their due time", [gauges] {
    return Metrics::Samples{{{}, static_cast<double>(gauges().overdue_actions)}};
  });
  rt->AddGauges("atrium_outbox_depth", "alerts waiting in the outbox", [gauges] {
    return Metrics::Samples{{{}, static_cast<double>(gauges().outbox)}};
  });
  return rt;
}

}  // namespace atrium::inspections
