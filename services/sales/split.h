// A year's figure split into months, without storage: evenly, or in
// proportion to weights (last year's months), exactly — the months always
// add up to the year. The largest remainder method: each month gets the
// whole part of its share, and what is left goes one by one to the months
// with the largest fractions, the earliest first.
//
//   auto months = SplitByWeights(1'200'000, last_year);  // nullopt if last year is all zero
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace atrium::sales {

using Months = std::array<int64_t, 12>;

// `annual` (0..10^15) over 12 months in proportion to `weights` (each
// 0..10^15); nullopt when every weight is zero.
std::optional<Months> SplitByWeights(int64_t annual, const Months& weights);
Months SplitEvenly(int64_t annual);

}  // namespace atrium::sales
