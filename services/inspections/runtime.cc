#include "services/inspections/runtime.h"

#include "common/metrics.h"
#include "spdlog/spdlog.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "grpcpp/grpcpp.h"

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

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const Config& config, const Clock* clock) {
  SetErrorDomain("inspections.atrium");
  std::unique_ptr<Runtime> rt(new Runtime());
  if (clock == nullptr) clock = &rt->system_clock_;
  rt->clock_ = clock;
  ASSIGN_OR_RETURN(auto verifier, VerifierFrom(config, clock));
  ASSIGN_OR_RETURN(auto page_secret, PageTokenSecretFrom(config));
  auto zone = TimeZoneFrom(config);
  if (!zone.ok()) return zone.status();
  for (const char* d : {"peer-deadline", "action-due-within", "poll-interval", "missed-check-interval"}) {
    if (config.Duration(d) <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("configuration ", d, ": must be positive"));
    }
  }
  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(auto store, InspectionsStore::Of(db::Database::Open(config, InspectionsSchema())));
  rt->store_ = std::move(store);
  rt->verifier_ = std::move(verifier);
  ASSIGN_OR_RETURN(auto alg, ParseAlgorithm(config.String("jwt-alg")));
  ASSIGN_OR_RETURN(auto signing_key, SigningKeyFrom(config));
  InspectionsOptions options;
  options.zone = *zone;
  options.action_due_within = config.Duration("action-due-within");
  rt->inspections_ = std::make_unique<Inspections>(rt->store_.get(), clock, PageTokens(page_secret), options);
  RETURN_IF_ERROR(rt->inspections_->SeedDefaultPoints());
  ASSIGN_OR_RETURN(auto peer_credentials, ChannelCredentialsFrom(config));
  rt->outbox_ = std::make_unique<InspectionsOutbox>(rt->store_.get());
  OutboxRelay::Options relay;
  relay.deadline = config.Duration("peer-deadline");
  relay.poll_interval = config.Duration("poll-interval");
  rt->relay_ = std::make_unique<OutboxRelay>("inspections", rt->outbox_.get(), clock, alg, signing_key, relay);
  rt->relay_->AddPeer("notifications",
                      AlertSender(rt->relay_.get(), clock,
                                  grpc::CreateChannel(config.String("notifications-address"), peer_credentials),
                                  grpc::CreateChannel(config.String("meetings-address"), peer_credentials)));
  // Missed inspections reach the outbox on the relay's schedule.
  Inspections* domain = rt->inspections_.get();
  rt->relay_->Every(config.Duration("missed-check-interval"), [domain] {
    auto reported = domain->ReportMissed();
    if (!reported.ok()) {
      spdlog::error("reporting missed inspections: {}", std::string(reported.status().message()));
    } else if (*reported > 0) {
      spdlog::warn("{} missed inspection(s) reported to the GM office", *reported);
    }
  });
  rt->runner_ = std::make_unique<ServiceRunner>("atrium.inspections.v1.InspectionsService", ServerOptionsFrom(config));
  rt->handler_ =
      std::make_unique<InspectionsHandler>(rt->inspections_.get(), rt->verifier_.get(), rt->runner_->executor());
  rt->runner_->AddService(rt->handler_.get());
  InspectionsStore* s = rt->store_.get();
  rt->runner_->SetProbe([s] { return s->Ping(); });
  return rt;
}

namespace {

constexpr const char* kGauges[] = {"atrium_corrective_actions_open", "atrium_corrective_actions_overdue",
                                   "atrium_outbox_depth"};

InspectionsGauges ReadGauges(InspectionsStore* store, const Clock* clock) {
  InspectionsGauges g;
  absl::Status s = store->Read([&](InspectionsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, tx.ReadGauges(ToUnixMicros(clock->Now())));
    g = r;
    return absl::OkStatus();
  });
  if (!s.ok()) spdlog::warn("metrics: {}", std::string(s.message()));
  return g;
}

}  // namespace

absl::Status Runtime::Start() {
  RETURN_IF_ERROR(runner_->Start());
  relay_->Start();
  InspectionsStore* store = store_.get();
  const Clock* clock = clock_;
  Metrics::Get().AddGauges(kGauges[0], "corrective actions open", [store, clock] {
    return Metrics::Samples{{{}, static_cast<double>(ReadGauges(store, clock).open_actions)}};
  });
  Metrics::Get().AddGauges(kGauges[1], "corrective actions open past their due time", [store, clock] {
    return Metrics::Samples{{{}, static_cast<double>(ReadGauges(store, clock).overdue_actions)}};
  });
  Metrics::Get().AddGauges(kGauges[2], "alerts waiting in the outbox", [store, clock] {
    return Metrics::Samples{{{}, static_cast<double>(ReadGauges(store, clock).outbox)}};
  });
  return absl::OkStatus();
}

void Runtime::Shutdown() {
  for (const char* g : kGauges) Metrics::Get().RemoveGauges(g);
  runner_->Shutdown();
  relay_->Stop();
}

}  // namespace atrium::inspections
