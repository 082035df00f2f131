// Receivables aging (应收账款账龄), pure: from ledger entries to a balance and
// the outstanding charges by age. Payments and credits settle the oldest
// charges first; what they exceed is an unapplied credit.
#pragma once

#include <cstdint>
#include <vector>

namespace atrium::clients {

struct LedgerLine {
  int64_t day = 0;     // days since the epoch of the entry date
  int64_t amount = 0;  // minor units; positive owes more, negative owes less
};

struct Aging {
  int64_t balance = 0;
  int64_t days_0_30 = 0;
  int64_t days_31_60 = 0;
  int64_t days_61_90 = 0;
  int64_t over_90 = 0;
  int64_t unapplied_credit = 0;

  // Adds `o` unless a sum would leave int64 (then false and nothing added).
  [[nodiscard]] bool Add(const Aging& o);
};

// Ages one account's lines at `as_of_day`; lines dated after it are ignored.
Aging AgeAccount(std::vector<LedgerLine> lines, int64_t as_of_day);

}  // namespace atrium::clients
