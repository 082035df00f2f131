#include "services/meetings/runtime.h"

#include "common/metrics.h"
#include "spdlog/spdlog.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "grpcpp/grpcpp.h"

namespace atrium::meetings {

std::map<std::string, Setting> MeetingsSettings() {
  return {
      {"clients-address", Setting::String("127.0.0.1:50051", "the clients service (host:port)", true)},
      {"clients-deadline", Setting::Duration("2s", "deadline of each call to the clients service")},
      {"notifications-address", Setting::String("127.0.0.1:50052", "the notifications service (host:port)", true)},
      {"notifications-deadline", Setting::Duration("2s", "deadline of each call to the notifications service")},
      {"discount-authority",
       Setting::String("key_account_manager=10,manager=20,gm_office=100",
                       "largest discount below list price each role grants on its own, in percent", true)},
      {"booking-horizon",
       Setting::Duration("26304h", "how far ahead a room can be booked or a meeting start (26304h = 1096 days)")},
  };
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const Config& config, const Clock* clock) {
  SetErrorDomain("meetings.atrium");
  std::unique_ptr<Runtime> rt(new Runtime());
  if (clock == nullptr) clock = &rt->system_clock_;
  rt->clock_ = clock;
  ASSIGN_OR_RETURN(auto verifier, VerifierFrom(config, clock));
  ASSIGN_OR_RETURN(auto page_secret, PageTokenSecretFrom(config));
  for (const char* deadline : {"clients-deadline", "notifications-deadline"}) {
    if (config.Duration(deadline) <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("configuration ", deadline, ": must be positive"));
    }
  }
  Policy policy;
  policy.booking_horizon = config.Duration("booking-horizon");
  if (policy.booking_horizon <= absl::ZeroDuration() || policy.booking_horizon > absl::Hours(24 * 366 * 50)) {
    return absl::InvalidArgumentError("configuration booking-horizon: must be positive and at most 50 years");
  }
  auto authority = DiscountAuthority::Parse(config.String("discount-authority"));
  if (!authority.ok()) return authority.status();
  policy.authority = std::move(*authority);
  auto zone = TimeZoneFrom(config);
  if (!zone.ok()) return zone.status();
  policy.zone = *zone;
  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(auto store, MeetingsStore::Of(db::Database::Open(config, MeetingsSchema())));
  RETURN_IF_ERROR(UpgradeRows(*store));
  rt->store_ = std::move(store);
  rt->verifier_ = std::move(verifier);
  // The service signs its own token for work it does on its own (the
  // activity outbox): with jwt-signing-key-file, else the HS256 key.
  ASSIGN_OR_RETURN(auto alg, ParseAlgorithm(config.String("jwt-alg")));
  ASSIGN_OR_RETURN(auto signing_key, SigningKeyFrom(config));
  ASSIGN_OR_RETURN(auto peer_credentials, ChannelCredentialsFrom(config));
  auto clients = grpc::CreateChannel(config.String("clients-address"), peer_credentials);
  rt->accounts_ = std::make_unique<ClientsDirectory>(clients, config.Duration("clients-deadline"));
  auto notifications = grpc::CreateChannel(config.String("notifications-address"), peer_credentials);
  rt->board_ = std::make_unique<NotificationsBoard>(notifications, config.Duration("notifications-deadline"));
  rt->outbox_ = std::make_unique<MeetingsOutbox>(rt->store_.get());
  OutboxRelay::Options relay;
  relay.deadline = config.Duration("clients-deadline");
  rt->relay_ = std::make_unique<OutboxRelay>("meetings", rt->outbox_.get(), clock, alg, signing_key, relay);
  rt->relay_->AddPeer("clients", OutboxRelay::ByMethod(clients));
  rt->relay_->AddPeer("notifications", OutboxRelay::ByMethod(notifications));
  rt->meetings_ = std::make_unique<Meetings>(rt->store_.get(), rt->accounts_.get(), clock, PageTokens(page_secret),
                                             rt->board_.get(), std::move(policy));
  rt->runner_ = std::make_unique<ServiceRunner>("atrium.meetings.v1.MeetingsService", ServerOptionsFrom(config));
  rt->handler_ = std::make_unique<MeetingsHandler>(rt->meetings_.get(), rt->verifier_.get(), rt->runner_->executor());
  rt->runner_->AddService(rt->handler_.get());
  MeetingsStore* s = rt->store_.get();
  rt->runner_->SetProbe([s] { return s->Ping(); });
  return rt;
}

namespace {

constexpr const char* kGauges[] = {"atrium_bookings_active", "atrium_outbox_depth"};

MeetingsGauges ReadGauges(MeetingsStore* store, const Clock* clock) {
  MeetingsGauges g;
  absl::Status s = store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, tx.ReadGauges(ToUnixMicros(clock->Now())));
    g = std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) spdlog::warn("metrics: {}", std::string(s.message()));
  return g;
}

const char* OutboxKind(int kind) {
  switch (kind) {
    case OutboxEntry::kActivity: return "activity";
    case OutboxEntry::kPreference: return "preference";
    case OutboxEntry::kLedger: return "ledger_entry";
    case OutboxEntry::kNotice: return "notice";
    default: return "other";
  }
}

}  // namespace

absl::Status Runtime::Start() {
  RETURN_IF_ERROR(runner_->Start());
  relay_->Start();
  MeetingsStore* store = store_.get();
  const Clock* clock = clock_;
  Metrics::Get().AddGauges(kGauges[0], "room bookings not yet over, by hold", [store, clock] {
    Metrics::Samples out;
    for (const auto& [hold, n] : ReadGauges(store, clock).active_bookings) {
      out.push_back({{{"hold", v1::Booking::Hold_Name(static_cast<v1::Booking::Hold>(hold))}}, static_cast<double>(n)});
    }
    return out;
  });
  Metrics::Get().AddGauges(kGauges[1], "writes to other services waiting in the outbox, by kind", [store, clock] {
    Metrics::Samples out;
    for (const auto& [kind, n] : ReadGauges(store, clock).outbox)
      out.push_back({{{"kind", OutboxKind(kind)}}, static_cast<double>(n)});
    return out;
  });
  return absl::OkStatus();
}

void Runtime::Shutdown() {
  for (const char* g : kGauges) Metrics::Get().RemoveGauges(g);
  runner_->Shutdown();
  relay_->Stop();
}

}  // namespace atrium::meetings
