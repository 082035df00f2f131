#include "services/clients/runtime.h"

#include "absl/strings/str_cat.h"
#include "atrium/clients/v1/clients.grpc.pb.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "services/clients/archive.h"
#include "services/clients/handler.h"
#include "services/clients/store.h"
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

namespace {

// What the service owns beside the common parts; it outlives serving.
struct Parts {
  std::unique_ptr<ClientsStore> store;
  std::unique_ptr<Archive> archive;
  std::unique_ptr<OutboxQueue> outbox;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock) {
  auto rt = std::make_unique<RuntimeWith<Parts>>();
  RETURN_IF_ERROR(rt->Init(config, clock, "clients", v1::ClientsService::service_full_name()));
  clock = rt->clock();
  ASSIGN_OR_RETURN(auto zone, TimeZoneFrom(config));
  RETURN_IF_ERROR(
      ServiceRuntime::RequirePositive(config, {"peer-deadline", "poll-interval", "overdue-check-interval"}));
  ASSIGN_OR_RETURN(auto departments, ParseDepartments(config.String("departments"), "departments"));
  ASSIGN_OR_RETURN(auto notifications, rt->PeerChannel(config, "notifications-address"));

  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(rt->parts.store, ClientsStore::Of(db::Database::Open(config, ClientsSchema())));
  ClientsStore* store = rt->parts.store.get();
  // Ledger rows written by an earlier release get their amount.
  ASSIGN_OR_RETURN(const int filled,
                   store->Write<int>([](ClientsTx& tx) -> absl::StatusOr<int> { return tx.FillLedgerAmounts(); }));
  if (filled > 0) spdlog::info("{} ledger entries stored before this release got their amount column", filled);
  ASSIGN_OR_RETURN(const int visits,
                   store->Write<int>([](ClientsTx& tx) -> absl::StatusOr<int> { return tx.FillVisitsDone(); }));
  if (visits > 0) spdlog::info("{} visits done before this release got their done_micros column", visits);
  rt->parts.archive = std::make_unique<Archive>(store, clock, rt->page_tokens(), zone, std::move(departments));
  // Feedback alerts go to the notifications service through the outbox.
  rt->parts.outbox = std::make_unique<StoreOutbox<ClientsStore, ClientsTx>>(store);
  OutboxRelay::Options options;
  options.deadline = config.Duration("peer-deadline");
  options.poll_interval = config.Duration("poll-interval");
  ASSIGN_OR_RETURN(OutboxRelay * relay, rt->MakeRelay(config, rt->parts.outbox.get(), options));
  relay->AddPeer("notifications", OutboxRelay::ByMethod(notifications));
  Archive* archive = rt->parts.archive.get();
  relay->Every(config.Duration("overdue-check-interval"), [archive] {
    auto reported = archive->ReportOverdueFeedback();
    if (!reported.ok()) {
      spdlog::error("reporting overdue feedback: {}", std::string(reported.status().message()));
    } else if (*reported > 0) {
      spdlog::info("{} feedback entr{} past due reported to the assignee and the manager", *reported,
                   *reported == 1 ? "y" : "ies");
    }
  });
  rt->Serve(std::make_unique<ClientsHandler>(archive, rt->verifier(), rt->executor()),
            [store] { return store->Ping(); });

  auto depth = [store] {
    return ServiceRuntime::ReadForMetrics<std::pair<int64_t, int64_t>>(store,
                                                                       [](ClientsTx& tx) { return tx.OutboxDepth(); });
  };
  rt->AddGauges("atrium_outbox_depth", "alerts waiting in the outbox", [depth] {
    return Metrics::Samples{{{}, static_cast<double>(depth().first)}};
  });
  rt->AddGauges(
      "atrium_outbox_oldest_age_seconds", "how long the oldest alert in the outbox has waited", [depth, clock] {
        const int64_t oldest = depth().second;
        const double age = oldest == 0 ? 0 : absl::ToDoubleSeconds(clock->Now() - absl::FromUnixMicros(oldest));
        return Metrics::Samples{{{}, age}};
      });
  return rt;
}

}  // namespace atrium::clients
