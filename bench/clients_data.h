// The archive the clients benchmarks measure against: `n` accounts written
// through the store in batches (the API path is measured separately), six
// industry segments, forty KAMs (kam-0 … kam-39), names in eight cities.
// Account i is accounts/bench<i>.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/time_util.h"
#include "services/clients/store.h"

namespace atrium::bench {

inline const std::vector<std::string>& Segments() {
  static const auto* s = new std::vector<std::string>{"finance", "pharma", "government", "education", "it", "auto"};
  return *s;
}

inline const std::vector<std::string>& Cities() {
  static const auto* c = new std::vector<std::string>{"上海", "北京", "广州", "深圳", "杭州", "南京", "成都", "武汉"};
  return *c;
}

inline absl::Status LoadAccounts(clients::ClientsStore* store, long n, absl::Time t0) {
  const std::vector<std::string>& cities = Cities();
  for (long done = 0; done < n;) {
    const long batch = std::min(20000L, n - done);
    absl::Status s = store->Write([&](clients::ClientsTx& tx) -> absl::Status {
      for (long i = done; i < done + batch; ++i) {
        clients::v1::Account a;
        const std::string id = "bench" + std::to_string(i);
        a.set_name("accounts/" + id);
        a.set_kind(static_cast<clients::v1::AccountKind>(1 + i % 5));
        a.set_display_name(cities[i % cities.size()] + "客户" + std::to_string(i) + " Co");
        a.set_industry_segment(Segments()[i % Segments().size()]);
        a.set_owner("kam-" + std::to_string(i % 40));
        a.set_vip_level(static_cast<int>(i % 6));
        a.set_state(clients::v1::Account::ACTIVE);
        *a.mutable_audit()->mutable_create_time() = ToProto(t0 + absl::Milliseconds(i));
        *a.mutable_audit()->mutable_update_time() = ToProto(t0 + absl::Milliseconds(i));
        if (auto st = tx.PutAccount(id, a); !st.ok()) return st;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    done += batch;
  }
  return absl::OkStatus();
}

}  // namespace atrium::bench
