// A target's figures read out of the peers' summaries, without storage:
// which cells of the meetings service's SalesSummary and the clients
// service's BookSummary count for a target's scope, and what they measure of
// its metric, month by month. Sums are checked (SUM_TOO_LARGE past 10^15).
#pragma once

#include "absl/status/statusor.h"
#include "atrium/clients/v1/clients.pb.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "atrium/sales/v1/sales.pb.h"
#include "services/sales/split.h"

namespace atrium::sales {

// Whether a figure is read from the meetings service (revenue, room
// nights) or the clients service (new accounts, visits).
bool FromMeetings(v1::Metric metric);

// Whether a cell of `owner` and `segment` counts for `t`'s scope.
bool InScope(const v1::Target& t, const std::string& owner, const std::string& segment);

// What a count of business measures of `metric`.
int64_t Measure(const meetings::v1::Revenue& r, v1::Metric metric);

// The months of `year` of `t`'s metric for its scope: definite business
// (or, with `settled`, settled business) from `sales`; accounts created or
// visits done from `book`.
absl::StatusOr<Months> MonthsOf(const v1::Target& t, int year, const meetings::v1::SalesSummary& sales,
                                const clients::v1::BookSummary& book, bool settled);

// The peers' requests for months first..last of `year`, narrowed to `t`'s
// scope (a KAM's own, or a segment's); the book's without its receivables.
meetings::v1::SummarizeSalesRequest SalesRequest(const v1::Target& t, int year, int first = 1, int last = 12);
clients::v1::SummarizeBookRequest BookRequest(const v1::Target& t, int year, int first = 1, int last = 12);

// a / b in hundredths of a percent, rounded down; 0 when b is 0; at most
// INT64_MAX (a target of 1 fen met by 10^15).
int64_t BasisPoints(int64_t a, int64_t b);

// A figure against its target and last year, with both ratios.
v1::Measure MeasureOf(int64_t target, int64_t achieved, int64_t last_year);

}  // namespace atrium::sales
