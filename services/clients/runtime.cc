#include "services/clients/runtime.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/metrics.h"
#include "common/status_macros.h"
#include "grpcpp/grpcpp.h"
#include "spdlog/spdlog.h"

namespace atrium::clients {

std::map<std::string, Setting> ClientsSettings() {
  return {
      {"notifications-address",
       Setting::String("127.0.0.1:50052", "the notifications service (host:port), for feedback alerts", true)},
      {"peer-deadline", Setting::Duration("2s", "deadline of each call to another service")},
      {"poll-interval", Setting::Duration("500ms", "how often the outbox is sent")},
      {"overdue-check-interval", Setting::Duration("1m", "how often feedback past its due time is looked for")},
  };
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const Config& config, const Clock* clock) {
  SetErrorDomain("clients.atrium");
  std::unique_ptr<Runtime> rt(new Runtime());
  if (clock == nullptr) clock = &rt->system_clock_;

  ASSIGN_OR_RETURN(auto zone, TimeZoneFrom(config));
  ASSIGN_OR_RETURN(auto verifier, VerifierFrom(config, clock));
  ASSIGN_OR_RETURN(auto page_secret, PageTokenSecretFrom(config));
  for (const char* d : {"peer-deadline", "poll-interval", "overdue-check-interval"}) {
    if (config.Duration(d) <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("configuration ", d, ": must be positive"));
    }
  }
  auto departments = ParseDepartments(config.String("departments"), "departments");
  if (!departments.ok()) return departments.status();
  ASSIGN_OR_RETURN(auto alg, ParseAlgorithm(config.String("jwt-alg")));
  ASSIGN_OR_RETURN(auto signing_key, SigningKeyFrom(config));
  ASSIGN_OR_RETURN(auto peer_credentials, ChannelCredentialsFrom(config));

  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(auto store, ClientsStore::Of(db::Database::Open(config, ClientsSchema())));
  rt->store_ = std::move(store);
  rt->verifier_ = std::move(verifier);
  rt->archive_ =
      std::make_unique<Archive>(rt->store_.get(), clock, PageTokens(page_secret), zone, *std::move(departments));
  // Feedback alerts go to the notifications service through the outbox.
  rt->outbox_ = std::make_unique<StoreOutbox<ClientsStore, ClientsTx>>(rt->store_.get());
  OutboxRelay::Options relay;
  relay.deadline = config.Duration("peer-deadline");
  relay.poll_interval = config.Duration("poll-interval");
  rt->relay_ = std::make_unique<OutboxRelay>("clients", rt->outbox_.get(), clock, alg, signing_key, relay);
  rt->relay_->AddPeer("notifications", OutboxRelay::ByMethod(grpc::CreateChannel(config.String("notifications-address"),
                                                                                 peer_credentials)));
  Archive* archive = rt->archive_.get();
  rt->relay_->Every(config.Duration("overdue-check-interval"), [archive] {
    auto reported = archive->ReportOverdueFeedback();
    if (!reported.ok()) {
      spdlog::error("reporting overdue feedback: {}", std::string(reported.status().message()));
    } else if (*reported > 0) {
      spdlog::info("{} feedback entr{} past due reported to the assignee and the manager", *reported,
                   *reported == 1 ? "y" : "ies");
    }
  });
  rt->runner_ = std::make_unique<ServiceRunner>("atrium.clients.v1.ClientsService", ServerOptionsFrom(config));
  rt->handler_ = std::make_unique<ClientsHandler>(rt->archive_.get(), rt->verifier_.get(), rt->runner_->executor());
  rt->runner_->AddService(rt->handler_.get());
  ClientsStore* s = rt->store_.get();
  rt->runner_->SetProbe([s] { return s->Ping(); });
  rt->clock_ = clock;
  return rt;
}

namespace {

constexpr const char* kGauges[] = {"atrium_outbox_depth", "atrium_outbox_oldest_age_seconds"};

}  // namespace

absl::Status Runtime::Start() {
  RETURN_IF_ERROR(runner_->Start());
  relay_->Start();
  ClientsStore* store = store_.get();
  const Clock* clock = clock_;
  auto depth = [store] {
    std::pair<int64_t, int64_t> d{0, 0};
    absl::Status s = store->Read([&](ClientsTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto r, tx.OutboxDepth());
      d = r;
      return absl::OkStatus();
    });
    if (!s.ok()) spdlog::warn("metrics: {}", std::string(s.message()));
    return d;
  };
  Metrics::Get().AddGauges(kGauges[0], "alerts waiting in the outbox", [depth] {
    return Metrics::Samples{{{}, static_cast<double>(depth().first)}};
  });
  Metrics::Get().AddGauges(kGauges[1], "how long the oldest alert in the outbox has waited", [depth, clock] {
    const int64_t oldest = depth().second;
    const double age = oldest == 0 ? 0 : absl::ToDoubleSeconds(clock->Now() - absl::FromUnixMicros(oldest));
    return Metrics::Samples{{{}, age}};
  });
  return absl::OkStatus();
}

void Runtime::Shutdown() {
  for (const char* g : kGauges) Metrics::Get().RemoveGauges(g);
  runner_->Shutdown();
  relay_->Stop();
}

}  // namespace atrium::clients
