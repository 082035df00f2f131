#include "services/clients/runtime.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/store_config.h"

namespace atrium::clients {

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const Config& config, const Clock* clock) {
  SetErrorDomain("clients.atrium");
  std::unique_ptr<Runtime> rt(new Runtime());
  if (clock == nullptr) clock = &rt->system_clock_;

  auto zone = TimeZoneFrom(config);
  if (!zone.ok()) return zone.status();
  auto verifier = VerifierFrom(config, clock);
  if (!verifier.ok()) return verifier.status();
  auto page_secret = PageTokenSecretFrom(config);
  if (!page_secret.ok()) return page_secret.status();

  // One SQLite file by default; PostgreSQL for several replicas.
  auto store = OpenConfiguredStore<ClientsStore, PgClientsStore, SqliteClientsStore>(config);
  if (!store.ok()) return store.status();
  rt->store_ = std::move(*store);
  rt->verifier_ = std::move(*verifier);
  rt->archive_ = std::make_unique<Archive>(rt->store_.get(), clock, PageTokens(*page_secret), *zone);
  rt->handler_ = std::make_unique<ClientsHandler>(rt->archive_.get(), rt->verifier_.get());
  rt->runner_ = std::make_unique<ServiceRunner>("atrium.clients.v1.ClientsService", ServerOptionsFrom(config));
  rt->runner_->AddService(rt->handler_.get());
  ClientsStore* s = rt->store_.get();
  rt->runner_->SetProbe([s] { return s->Ping(); });
  return rt;
}

}  // namespace atrium::clients
