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

class Runtime final : public ServiceRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);
  ~Runtime() override { Shutdown(); }

 private:
  Runtime() = default;

  std::unique_ptr<InspectionsStore> store_;
  std::unique_ptr<Inspections> inspections_;
  std::unique_ptr<InspectionsOutbox> outbox_;
};

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const Config& config, const Clock* clock) {
  std::unique_ptr<Runtime> rt(new Runtime());
  RETURN_IF_ERROR(rt->Init(config, clock, "inspections", v1::InspectionsService::service_full_name()));
  clock = rt->clock();
  ASSIGN_OR_RETURN(auto zone, TimeZoneFrom(config));
  RETURN_IF_ERROR(
      RequirePositive(config, {"peer-deadline", "action-due-within", "poll-interval", "missed-check-interval"}));
  ASSIGN_OR_RETURN(auto notifications, rt->PeerChannel(config, "notifications-address"));
  ASSIGN_OR_RETURN(auto meetings, rt->PeerChannel(config, "meetings-address"));
  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(rt->store_, InspectionsStore::Of(db::Database::Open(config, InspectionsSchema())));
  InspectionsStore* store = rt->store_.get();
  InspectionsOptions options;
  options.zone = zone;
  options.action_due_within = config.Duration("action-due-within");
  rt->inspections_ = std::make_unique<Inspections>(store, clock, rt->page_tokens(), options);
  RETURN_IF_ERROR(rt->inspections_->SeedDefaultPoints());
  rt->outbox_ = std::make_unique<InspectionsOutbox>(store);
  OutboxRelay::Options relay_options;
  relay_options.deadline = config.Duration("peer-deadline");
  relay_options.poll_interval = config.Duration("poll-interval");
  ASSIGN_OR_RETURN(OutboxRelay * relay, rt->MakeRelay(config, rt->outbox_.get(), relay_options));
  relay->AddPeer("notifications", AlertSender(relay, clock, notifications, meetings));
  // Missed inspections reach the outbox on the relay's schedule.
  Inspections* domain = rt->inspections_.get();
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
    return ReadForMetrics<InspectionsGauges>(
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

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock) {
  return Runtime::Create(config, clock);
}

}  // namespace atrium::inspections
