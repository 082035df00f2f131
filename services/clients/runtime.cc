#include "services/clients/runtime.h"

#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace atrium::clients {

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const Config& config, const Clock* clock) {
  SetErrorDomain("clients.atrium");
  std::unique_ptr<Runtime> rt(new Runtime());
  if (clock == nullptr) clock = &rt->system_clock_;

  absl::TimeZone zone;
  if (!absl::LoadTimeZone(config.String("timezone"), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration timezone: \"", config.String("timezone"), "\" is not a known IANA time zone"));
  }
  auto alg = ParseAlgorithm(config.String("jwt-alg"));
  if (!alg.ok()) return alg.status();
  auto key = ReadSettingFile("jwt-key-file", config.String("jwt-key-file"));
  if (!key.ok()) return key.status();
  std::string page_secret(32, '\0');
  if (!config.String("page-token-secret-file").empty()) {
    auto secret = ReadSettingFile("page-token-secret-file", config.String("page-token-secret-file"));
    if (!secret.ok()) return secret.status();
    page_secret = *secret;
  } else if (RAND_bytes(reinterpret_cast<unsigned char*>(page_secret.data()), 32) != 1) {
    return absl::InternalError("cannot draw a random page-token secret");
  }

  auto store = SqliteClientsStore::Open(config.String("db-path"));
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat("configuration db-path: ", std::string(store.status().message())));
  }
  rt->store_ = std::move(*store);
  rt->verifier_ = std::make_unique<TokenVerifier>(*alg, *key, clock);
  rt->archive_ = std::make_unique<Archive>(rt->store_.get(), clock, PageTokens(page_secret), zone);
  rt->handler_ = std::make_unique<ClientsHandler>(rt->archive_.get(), rt->verifier_.get());
  rt->runner_ = std::make_unique<ServiceRunner>("atrium.clients.v1.ClientsService", ServerOptionsFrom(config));
  rt->runner_->AddService(rt->handler_.get());
  SqliteClientsStore* s = rt->store_.get();
  rt->runner_->SetProbe([s] { return s->Ping(); });
  return rt;
}

}  // namespace atrium::clients
