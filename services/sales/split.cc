#include "services/sales/split.h"

#include <algorithm>

namespace atrium::sales {

std::optional<Months> SplitByWeights(int64_t annual, const Months& weights) {
  __int128 total = 0;
  for (int64_t w : weights) total += w;
  if (total <= 0) return std::nullopt;
  Months out{};
  std::array<std::pair<__int128, int>, 12> fractions;
  int64_t given = 0;
  for (int i = 0; i < 12; ++i) {
    const __int128 share = static_cast<__int128>(annual) * weights[i];
    out[i] = static_cast<int64_t>(share / total);
    fractions[i] = {share % total, i};
    given += out[i];
  }
  // Largest fraction first; of equal fractions the earlier month.
  std::sort(fractions.begin(), fractions.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (int64_t left = annual - given, k = 0; left > 0; --left, ++k) ++out[fractions[k].second];
  return out;
}

Months SplitEvenly(int64_t annual) {
  Months ones;
  ones.fill(1);
  return *SplitByWeights(annual, ones);
}

}  // namespace atrium::sales
