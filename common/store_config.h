// The store a service runs on, from its configuration: PostgreSQL when
// `database-url` is set (several replicas share it), else the SQLite file at
// `db-path`. An error names the setting at fault.
//
//   auto store = OpenConfiguredStore<MeetingsStore, PgMeetingsStore, SqliteMeetingsStore>(config);
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"

namespace atrium {

template <typename Store, typename PgStore, typename SqliteStore>
absl::StatusOr<std::unique_ptr<Store>> OpenConfiguredStore(const Config& config) {
  const bool pg = !config.String("database-url").empty();
  const char* setting = pg ? "database-url" : "db-path";
  auto open = [&]() -> absl::StatusOr<std::unique_ptr<Store>> {
    if (pg) {
      auto s = PgStore::Open(config.String(setting));
      if (!s.ok()) return s.status();
      return std::unique_ptr<Store>(std::move(*s));
    }
    auto s = SqliteStore::Open(config.String(setting));
    if (!s.ok()) return s.status();
    return std::unique_ptr<Store>(std::move(*s));
  }();
  if (!open.ok()) {
    return absl::Status(open.status().code(),
                        absl::StrCat("configuration ", setting, ": ", std::string(open.status().message())));
  }
  return open;
}

}  // namespace atrium
