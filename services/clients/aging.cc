#include "services/clients/aging.h"

#include <algorithm>

namespace atrium::clients {

bool Aging::Add(const Aging& o) {
  Aging sum;
  if (__builtin_add_overflow(balance, o.balance, &sum.balance) ||
      __builtin_add_overflow(days_0_30, o.days_0_30, &sum.days_0_30) ||
      __builtin_add_overflow(days_31_60, o.days_31_60, &sum.days_31_60) ||
      __builtin_add_overflow(days_61_90, o.days_61_90, &sum.days_61_90) ||
      __builtin_add_overflow(over_90, o.over_90, &sum.over_90) ||
      __builtin_add_overflow(unapplied_credit, o.unapplied_credit, &sum.unapplied_credit)) {
    return false;
  }
  *this = sum;
  return true;
}

Aging AgeAccount(std::vector<LedgerLine> lines, int64_t as_of_day) {
  std::stable_sort(lines.begin(), lines.end(), [](const LedgerLine& a, const LedgerLine& b) { return a.day < b.day; });
  int64_t credit = 0;
  std::vector<LedgerLine> debits;
  Aging out;
  for (const auto& l : lines) {
    if (l.day > as_of_day) continue;
    out.balance += l.amount;
    if (l.amount > 0) {
      debits.push_back(l);
    } else {
      credit -= l.amount;
    }
  }
  for (auto& d : debits) {  // oldest first
    const int64_t applied = std::min(credit, d.amount);
    d.amount -= applied;
    credit -= applied;
    const int64_t age = as_of_day - d.day;
    if (age <= 30) {
      out.days_0_30 += d.amount;
    } else if (age <= 60) {
      out.days_31_60 += d.amount;
    } else if (age <= 90) {
      out.days_61_90 += d.amount;
    } else {
      out.over_90 += d.amount;
    }
  }
  out.unapplied_credit = credit;
  return out;
}

}  // namespace atrium::clients
