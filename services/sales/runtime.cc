#include "services/sales/runtime.h"

#include "atrium/sales/v1/sales.grpc.pb.h"
#include "common/status_macros.h"
#include "services/sales/handler.h"
#include "services/sales/management.h"
#include "services/sales/peers.h"
#include "services/sales/store.h"

namespace atrium::sales {

std::map<std::string, Setting> SalesSettings() {
  return {
      {"clients-address",
       Setting::String("127.0.0.1:50051", "the clients service (host:port): the market division, the book's figures",
                       true)},
      {"meetings-address",
       Setting::String("127.0.0.1:50053", "the meetings service (host:port): the sales figures", true)},
      {"peer-deadline", Setting::Duration("2s", "deadline of each call to another service")},
      {"poll-interval", Setting::Duration("500ms", "how often the outbox is sent")},
  };
}

namespace {

using SalesOutbox = StoreOutbox<SalesStore, SalesTx>;

// What the service owns beside the common parts; it outlives serving.
struct Parts {
  std::unique_ptr<SalesStore> store;
  std::unique_ptr<PeerFigures> figures;
  std::unique_ptr<Management> management;
  std::unique_ptr<SalesOutbox> outbox;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock) {
  auto rt = std::make_unique<RuntimeWith<Parts>>();
  RETURN_IF_ERROR(rt->Init(config, clock, "sales", v1::SalesService::service_full_name()));
  clock = rt->clock();
  RETURN_IF_ERROR(ServiceRuntime::RequirePositive(config, {"peer-deadline", "poll-interval"}));
  ASSIGN_OR_RETURN(auto zone, TimeZoneFrom(config));
  ASSIGN_OR_RETURN(auto clients, rt->PeerChannel(config, "clients-address"));
  ASSIGN_OR_RETURN(auto meetings, rt->PeerChannel(config, "meetings-address"));
  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(rt->parts.store, SalesStore::Of(db::Database::Open(config, SalesSchema())));
  SalesStore* store = rt->parts.store.get();
  rt->parts.figures = std::make_unique<PeerFigures>(meetings, clients, config.Duration("peer-deadline"));
  rt->parts.management = std::make_unique<Management>(store, rt->parts.figures.get(), clock, rt->page_tokens(), zone);
  rt->parts.outbox = std::make_unique<SalesOutbox>(store);
  OutboxRelay::Options relay_options;
  relay_options.deadline = config.Duration("peer-deadline");
  relay_options.poll_interval = config.Duration("poll-interval");
  ASSIGN_OR_RETURN(OutboxRelay * relay, rt->MakeRelay(config, rt->parts.outbox.get(), relay_options));
  relay->AddPeer("clients", OutboxRelay::ByMethod(clients));
  rt->Serve(std::make_unique<SalesHandler>(rt->parts.management.get(), rt->verifier(), rt->executor()),
            [store] { return store->Ping(); });
  rt->AddGauges("atrium_outbox_depth", "market division changes waiting in the outbox", [store] {
    auto depth = ServiceRuntime::ReadForMetrics<std::pair<int64_t, int64_t>>(
        store, [](SalesTx& tx) { return tx.OutboxDepth(); });
    return Metrics::Samples{{{}, static_cast<double>(depth.first)}};
  });
  return rt;
}

}  // namespace atrium::sales
