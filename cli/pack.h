// The monthly analysis pack (atrium sales pack) as a table for the terminal.
#pragma once

#include <string>

#include "atrium/sales/v1/sales.pb.h"

namespace atrium::cli {

// Sections in the order of the meeting: attainment (month and year to
// date), pace, conversion, lost business, top accounts, receivables. Money
// in yuan with two decimals, ratios in percent with two; names last on each
// line, so Chinese text never pushes a column.
std::string RenderPack(const sales::v1::MonthlyPack& pack);

}  // namespace atrium::cli
