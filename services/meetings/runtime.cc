#include "services/meetings/runtime.h"

#include <algorithm>

#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "common/status_macros.h"
#include "services/meetings/directory.h"
#include "services/meetings/forwarder.h"
#include "services/meetings/handler.h"
#include "services/meetings/meetings.h"
#include "services/meetings/notice.h"
#include "services/meetings/store.h"
#include "spdlog/spdlog.h"

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
      {"reminder-interval",
       Setting::Duration("1m", "how often the reminders that have fallen due run (cut-offs, overdue instalments)")},
      {"cut-off-alert-days",
       Setting::Int(7, 0, 365,
                    "how many days ahead of a room block's cut-off its KAM is alerted with the pickup so far")},
      {"booking-horizon",
       Setting::Duration("26304h", "how far ahead a room can be booked or a meeting start (26304h = 1096 days)")},
  };
}

namespace {

const char* OutboxKind(int kind) {
  switch (kind) {
    case OutboxEntry::kActivity: return "activity";
    case OutboxEntry::kPreference: return "preference";
    case OutboxEntry::kLedger: return "ledger_entry";
    case OutboxEntry::kNotice: return "notice";
    case OutboxEntry::kAlert: return "alert";
    default: return "other";
  }
}

// What the service owns beside the common parts; it outlives serving.
struct Parts {
  std::unique_ptr<MeetingsStore> store;
  std::unique_ptr<ClientsDirectory> accounts;
  std::unique_ptr<NotificationsBoard> board;
  std::unique_ptr<MeetingsOutbox> outbox;
  std::unique_ptr<Meetings> meetings;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceRuntime>> NewRuntime(const Config& config, const Clock* clock) {
  auto rt = std::make_unique<RuntimeWith<Parts>>();
  RETURN_IF_ERROR(rt->Init(config, clock, "meetings", v1::MeetingsService::service_full_name()));
  clock = rt->clock();
  RETURN_IF_ERROR(ServiceRuntime::RequirePositive(config, {"clients-deadline", "notifications-deadline"}));
  Policy policy;
  policy.booking_horizon = config.Duration("booking-horizon");
  if (policy.booking_horizon <= absl::ZeroDuration() || policy.booking_horizon > absl::Hours(24 * 366 * 50)) {
    return absl::InvalidArgumentError("configuration booking-horizon: must be positive and at most 50 years");
  }
  ASSIGN_OR_RETURN(policy.authority, DiscountAuthority::Parse(config.String("discount-authority")));
  ASSIGN_OR_RETURN(policy.zone, TimeZoneFrom(config));
  policy.hotel = config.String("hotel-name");
  ASSIGN_OR_RETURN(const auto departments, ParseDepartments(config.String("departments"), "departments"));
  policy.departments = departments;
  policy.cut_off_alert_days = static_cast<int>(config.Int("cut-off-alert-days"));
  RETURN_IF_ERROR(ServiceRuntime::RequirePositive(config, {"reminder-interval"}));
  policy.notice_departments.clear();
  for (const char* d : kNoticeDepartments) {
    if (std::find(departments.begin(), departments.end(), d) != departments.end())
      policy.notice_departments.push_back(d);
  }
  ASSIGN_OR_RETURN(auto clients, rt->PeerChannel(config, "clients-address"));
  ASSIGN_OR_RETURN(auto notifications, rt->PeerChannel(config, "notifications-address"));
  // One SQLite file by default; PostgreSQL for several replicas.
  ASSIGN_OR_RETURN(rt->parts.store, MeetingsStore::Of(db::Database::Open(config, MeetingsSchema())));
  MeetingsStore* store = rt->parts.store.get();
  RETURN_IF_ERROR(UpgradeRows(*store));
  rt->parts.accounts = std::make_unique<ClientsDirectory>(clients, config.Duration("clients-deadline"));
  rt->parts.board = std::make_unique<NotificationsBoard>(notifications, config.Duration("notifications-deadline"));
  rt->parts.outbox = std::make_unique<MeetingsOutbox>(store);
  OutboxRelay::Options relay_options;
  relay_options.deadline = config.Duration("clients-deadline");
  ASSIGN_OR_RETURN(OutboxRelay * relay, rt->MakeRelay(config, rt->parts.outbox.get(), relay_options));
  relay->AddPeer("clients", OutboxRelay::ByMethod(clients));
  relay->AddPeer("notifications", OutboxRelay::ByMethod(notifications));
  rt->parts.meetings = std::make_unique<Meetings>(store, rt->parts.accounts.get(), clock, rt->page_tokens(),
                                                  rt->parts.board.get(), std::move(policy));
  ASSIGN_OR_RETURN(const int filled, rt->parts.meetings->FillSalesFacts());
  if (filled > 0) spdlog::info("sales figures: {} meeting(s) stored before them counted", filled);
  ASSIGN_OR_RETURN(const int blocks, rt->parts.meetings->FillRoomBlocks());
  if (blocks > 0) spdlog::info("room blocks: {} meeting(s) signed before them given their block", blocks);
  Meetings* meetings = rt->parts.meetings.get();
  relay->Every(config.Duration("reminder-interval"), [meetings] {
    auto ran = meetings->groups().RunReminders();
    if (!ran.ok()) {
      spdlog::error("running reminders: {}", std::string(ran.status().message()));
    } else if (*ran > 0) {
      spdlog::info("{} reminder(s) of cut-offs and instalments ran", *ran);
    }
  });
  rt->Serve(std::make_unique<MeetingsHandler>(rt->parts.meetings.get(), rt->verifier(), rt->executor()),
            [store] { return store->Ping(); });

  auto gauges = [store, clock] {
    return ServiceRuntime::ReadForMetrics<MeetingsGauges>(
        store, [clock](MeetingsTx& tx) { return tx.ReadGauges(ToUnixMicros(clock->Now())); });
  };
  rt->AddGauges("atrium_bookings_active", "room bookings not yet over, by hold", [gauges] {
    Metrics::Samples out;
    for (const auto& [hold, n] : gauges().active_bookings) {
      out.push_back({{{"hold", v1::Booking::Hold_Name(static_cast<v1::Booking::Hold>(hold))}}, static_cast<double>(n)});
    }
    return out;
  });
  rt->AddGauges("atrium_outbox_depth", "writes to other services waiting in the outbox, by kind", [gauges] {
    Metrics::Samples out;
    for (const auto& [kind, n] : gauges().outbox) out.push_back({{{"kind", OutboxKind(kind)}}, static_cast<double>(n)});
    return out;
  });
  return rt;
}

}  // namespace atrium::meetings
