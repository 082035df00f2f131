#include "services/meetings/agreement.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"

namespace atrium::meetings {
namespace {

using v1::Agreement;

constexpr const char* kSeniority[] = {"key_account_manager", "manager", "gm_office"};
constexpr absl::Duration kLongestMeeting = absl::Hours(31 * 24);

const std::set<std::string, std::less<>>& ContentFields() {
  static const std::set<std::string, std::less<>> fields = {
      "start_time",           "end_time", "organiser", "attendees", "programme",
      "room_block",           "meals",    "venues",    "reception", "av_requirements",
      "special_arrangements", "guests",   "prices",    "deposit",   "block_terms",
      "payment_schedule"};
  return fields;
}

absl::Status CheckTimes(const google::protobuf::Timestamp& start, const google::protobuf::Timestamp& end,
                        bool has_start, bool has_end, const std::string& field) {
  if (has_start != has_end) return InvalidArgument(field + (has_start ? ".end_time" : ".start_time"), "is required");
  if (has_start) {
    RETURN_IF_ERROR(CheckTimestamp(start, field + ".start_time"));
    RETURN_IF_ERROR(CheckTimestamp(end, field + ".end_time"));
  }
  if (has_start && FromProto(end) <= FromProto(start)) {
    return InvalidArgument(field + ".end_time", "must be after start_time");
  }
  return absl::OkStatus();
}

absl::Status CheckRoomName(const std::string& room, const std::string& field, bool required) {
  if (room.empty() && !required) return absl::OkStatus();
  auto ids = ParseName(room, {"rooms"}, field);
  return ids.status();
}

}  // namespace

type::v1::Money Cny(int64_t minor) {
  type::v1::Money m;
  m.set_currency_code("CNY");
  m.set_amount_minor(minor);
  return m;
}

std::string YuanText(int64_t minor) {
  const uint64_t abs = minor < 0 ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  const std::string plain = absl::StrCat(abs / 100);
  std::string out = minor < 0 ? "-" : "";
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && (plain.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(plain[i]);
  }
  return absl::StrCat(out, ".", absl::Dec(abs % 100, absl::kZeroPad2));
}

absl::Status ValidateAmount(const type::v1::Money& m, const std::string& field, bool allow_zero) {
  if (!(m.currency_code().empty() || m.currency_code() == "CNY")) {
    return InvalidArgument(field + ".currency_code", "must be CNY, the hotel's currency");
  }
  if (m.amount_minor() < 0 || (!allow_zero && m.amount_minor() == 0)) {
    return InvalidArgument(field + ".amount_minor", allow_zero ? "must not be negative" : "must be positive");
  }
  return CheckAmount(m.amount_minor(), field + ".amount_minor");
}

DiscountAuthority::DiscountAuthority()
    : basis_points_({{"key_account_manager", 1000}, {"manager", 2000}, {"gm_office", 10000}}) {}

absl::StatusOr<DiscountAuthority> DiscountAuthority::Parse(std::string_view spec) {
  DiscountAuthority out;
  out.basis_points_.clear();
  const std::string text(spec);
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(text, ',', absl::SkipWhitespace()))) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    double percent = 0;
    if (std::find(std::begin(kSeniority), std::end(kSeniority), kv.first) == std::end(kSeniority)) {
      return absl::InvalidArgumentError(absl::StrCat("configuration discount-authority: unknown role \"", kv.first,
                                                     "\" (key_account_manager, manager, gm_office)"));
    }
    if (!absl::SimpleAtod(kv.second, &percent) || percent < 0 || percent > 100) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration discount-authority: ", kv.first, " needs a percentage from 0 to 100"));
    }
    out.basis_points_[kv.first] = static_cast<int>(std::lround(percent * 100));
  }
  int previous = 0;
  for (const char* role : kSeniority) {
    const int bp = out.Of(role);
    if (bp < previous) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration discount-authority: ", role, " may not have less authority than a junior role"));
    }
    previous = bp;
  }
  return out;
}

int DiscountAuthority::Of(std::string_view role) const {
  auto it = basis_points_.find(role);
  return it == basis_points_.end() ? 0 : it->second;
}

std::string DiscountAuthority::RequiredRole(int basis_points) const {
  for (const char* role : kSeniority) {
    if (Of(role) >= basis_points) return role;
  }
  return "";
}

std::string DiscountAuthority::ApproverFor(int basis_points) const {
  for (const char* role : kSeniority) {
    if (std::string_view(role) != "key_account_manager" && Of(role) >= basis_points) return role;
  }
  return "";
}

absl::Status ValidatePriceList(const v1::PriceList& list) {
  if (list.items_size() > 2000) return InvalidArgument("price_list.items", "at most 2000 items");
  std::set<std::pair<int, std::string>> seen;
  for (int i = 0; i < list.items_size(); ++i) {
    const auto& item = list.items(i);
    const std::string field = absl::StrCat("price_list.items[", i, "]");
    if (item.category() == v1::CHARGE_CATEGORY_UNSPECIFIED || !v1::ChargeCategory_IsValid(item.category())) {
      return InvalidArgument(field + ".category", "must be ROOMS, FNB, VENUE, AV or EXTRAS");
    }
    RETURN_IF_ERROR(CheckText(item.item(), field + ".item", 100, true));
    if (item.category() == v1::VENUE) {
      RETURN_IF_ERROR(CheckRoomName(item.item(), field + ".item", true));
    }
    RETURN_IF_ERROR(CheckText(item.display_name(), field + ".display_name", 100));
    if (!item.has_unit_price()) return InvalidArgument(field + ".unit_price", "is required");
    RETURN_IF_ERROR(ValidateAmount(item.unit_price(), field + ".unit_price", false));
    if (!seen.insert({item.category(), item.item()}).second) {
      return InvalidArgument(field + ".item", "is listed twice in its category");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAgreementContent(const Agreement& a, const std::string& p) {
  RETURN_IF_ERROR(CheckTimes(a.start_time(), a.end_time(), a.has_start_time(), a.has_end_time(), p));
  if (a.has_start_time() && FromProto(a.end_time()) - FromProto(a.start_time()) > kLongestMeeting) {
    return InvalidArgument(p + ".end_time", "a meeting lasts at most 31 days");
  }
  RETURN_IF_ERROR(CheckText(a.organiser(), p + ".organiser", 200));
  if (a.attendees() < 0 || a.attendees() > 100000) {
    return InvalidArgument(p + ".attendees", "must be between 0 and 100000");
  }
  if (a.programme_size() > 500) return InvalidArgument(p + ".programme", "at most 500 items");
  for (int i = 0; i < a.programme_size(); ++i) {
    const auto& item = a.programme(i);
    const std::string f = absl::StrCat(p, ".programme[", i, "]");
    if (!item.has_start_time()) return InvalidArgument(f + ".start_time", "is required");
    RETURN_IF_ERROR(CheckTimes(item.start_time(), item.end_time(), true, item.has_end_time(), f));
    RETURN_IF_ERROR(CheckText(item.title(), f + ".title", 200, true));
    RETURN_IF_ERROR(CheckRoomName(item.room(), f + ".room", false));
  }
  if (a.room_block_size() > 1000) return InvalidArgument(p + ".room_block", "at most 1000 entries");
  std::set<std::pair<int64_t, std::string>> nights;
  for (int i = 0; i < a.room_block_size(); ++i) {
    const auto& n = a.room_block(i);
    const std::string f = absl::StrCat(p, ".room_block[", i, "]");
    if (!n.has_night()) return InvalidArgument(f + ".night", "is required");
    RETURN_IF_ERROR(CheckDate(n.night(), f + ".night"));
    RETURN_IF_ERROR(CheckText(n.room_type(), f + ".room_type", 100, true));
    if (n.rooms() < 1 || n.rooms() > 5000) return InvalidArgument(f + ".rooms", "must be between 1 and 5000");
    if (!nights.insert({DateKey(n.night()), n.room_type()}).second) {
      return InvalidArgument(f + ".room_type", "is listed twice for the night");
    }
  }
  if (a.meals_size() > 1000) return InvalidArgument(p + ".meals", "at most 1000 meals");
  std::set<std::pair<int64_t, int>> meals;
  for (int i = 0; i < a.meals_size(); ++i) {
    const auto& m = a.meals(i);
    const std::string f = absl::StrCat(p, ".meals[", i, "]");
    if (!m.has_date()) return InvalidArgument(f + ".date", "is required");
    RETURN_IF_ERROR(CheckDate(m.date(), f + ".date"));
    if (m.kind() == v1::Meal::KIND_UNSPECIFIED || !v1::Meal::Kind_IsValid(m.kind())) {
      return InvalidArgument(f + ".kind", "must be BREAKFAST, LUNCH, DINNER, TEA_BREAK or BANQUET");
    }
    int hh = 0, mm = 0;
    if (!m.time().empty() &&
        (m.time().size() != 5 || m.time()[2] != ':' || !absl::SimpleAtoi(m.time().substr(0, 2), &hh) ||
         !absl::SimpleAtoi(m.time().substr(3, 2), &mm) || hh > 23 || mm > 59)) {
      return InvalidArgument(f + ".time", "must be HH:MM");
    }
    RETURN_IF_ERROR(CheckText(m.standard(), f + ".standard", 100));
    if (m.headcount() < 1 || m.headcount() > 100000) {
      return InvalidArgument(f + ".headcount", "must be between 1 and 100000");
    }
    RETURN_IF_ERROR(CheckText(m.menu(), f + ".menu", 500, false, true));
    RETURN_IF_ERROR(CheckText(m.place(), f + ".place", 100));
    if (!meals.insert({DateKey(m.date()), m.kind()}).second) {
      return InvalidArgument(f + ".kind", "the date has this meal already");
    }
  }
  if (a.venues_size() > 500) return InvalidArgument(p + ".venues", "at most 500 venues");
  for (int i = 0; i < a.venues_size(); ++i) {
    const auto& v = a.venues(i);
    const std::string f = absl::StrCat(p, ".venues[", i, "]");
    RETURN_IF_ERROR(CheckRoomName(v.room(), f + ".room", true));
    if (v.style() == v1::SETUP_STYLE_UNSPECIFIED || !v1::SetupStyle_IsValid(v.style())) {
      return InvalidArgument(f + ".style", "is not a known set-up style");
    }
    if (!v.has_start_time()) return InvalidArgument(f + ".start_time", "is required");
    RETURN_IF_ERROR(CheckTimes(v.start_time(), v.end_time(), true, v.has_end_time(), f));
    RETURN_IF_ERROR(CheckText(v.purpose(), f + ".purpose", 200));
  }
  RETURN_IF_ERROR(CheckText(a.reception(), p + ".reception", 2000, false, true));
  RETURN_IF_ERROR(CheckText(a.av_requirements(), p + ".av_requirements", 2000, false, true));
  RETURN_IF_ERROR(CheckText(a.special_arrangements(), p + ".special_arrangements", 2000, false, true));
  if (a.guests_size() > 5000) return InvalidArgument(p + ".guests", "at most 5000 guests");
  for (int i = 0; i < a.guests_size(); ++i) {
    const auto& g = a.guests(i);
    const std::string f = absl::StrCat(p, ".guests[", i, "]");
    RETURN_IF_ERROR(CheckText(g.name(), f + ".name", 100, true));
    RETURN_IF_ERROR(CheckText(g.title(), f + ".title", 100));
    if (g.has_arrival()) {
      RETURN_IF_ERROR(CheckDate(g.arrival(), f + ".arrival"));
    }
    if (g.has_departure()) {
      RETURN_IF_ERROR(CheckDate(g.departure(), f + ".departure"));
    }
    if (g.has_arrival() && g.has_departure() && DateKey(g.departure()) < DateKey(g.arrival())) {
      return InvalidArgument(f + ".departure", "must not be before arrival");
    }
    RETURN_IF_ERROR(CheckText(g.room_type(), f + ".room_type", 100));
    RETURN_IF_ERROR(CheckText(g.note(), f + ".note", 500, false, true));
  }
  if (a.prices_size() > 500) return InvalidArgument(p + ".prices", "at most 500 lines");
  for (int i = 0; i < a.prices_size(); ++i) {
    const auto& line = a.prices(i);
    const std::string f = absl::StrCat(p, ".prices[", i, "]");
    if (line.category() == v1::CHARGE_CATEGORY_UNSPECIFIED || !v1::ChargeCategory_IsValid(line.category())) {
      return InvalidArgument(f + ".category", "must be ROOMS, FNB, VENUE, AV or EXTRAS");
    }
    RETURN_IF_ERROR(CheckText(line.item(), f + ".item", 100));
    RETURN_IF_ERROR(CheckText(line.description(), f + ".description", 200));
    if (line.item().empty() && line.description().empty()) {
      return InvalidArgument(f + ".description", "is required for a line off the price list");
    }
    RETURN_IF_ERROR(CheckQuantity(line.quantity(), f + ".quantity"));
    RETURN_IF_ERROR(ValidateAmount(line.unit_price(), f + ".unit_price", true));
  }
  if (a.has_deposit()) {
    RETURN_IF_ERROR(ValidateAmount(a.deposit(), p + ".deposit", true));
  }
  if (a.has_block_terms()) {
    const auto& t = a.block_terms();
    const std::string f = p + ".block_terms";
    if (a.room_block_size() == 0) return InvalidArgument(f, "needs a room block");
    if (t.has_cut_off_date()) {
      RETURN_IF_ERROR(CheckDate(t.cut_off_date(), f + ".cut_off_date"));
      int64_t first = DateKey(a.room_block(0).night());
      for (const auto& n : a.room_block()) first = std::min(first, DateKey(n.night()));
      if (DateKey(t.cut_off_date()) >= first) {
        return InvalidArgument(f + ".cut_off_date", "must be before the block's first night");
      }
    }
    if (t.attrition_threshold_basis_points() < 0 || t.attrition_threshold_basis_points() > 10000) {
      return InvalidArgument(f + ".attrition_threshold_basis_points", "must be between 0 and 10000 (100%)");
    }
    if (t.attrition_threshold_basis_points() > 0) {
      if (!t.has_attrition_rate()) return InvalidArgument(f + ".attrition_rate", "is required with a threshold");
      RETURN_IF_ERROR(ValidateAmount(t.attrition_rate(), f + ".attrition_rate", false));
    } else if (t.has_attrition_rate()) {
      return InvalidArgument(f + ".attrition_rate", "applies only with attrition_threshold_basis_points");
    }
  }
  if (a.payment_schedule_size() > 24) return InvalidArgument(p + ".payment_schedule", "at most 24 instalments");
  for (int i = 0; i < a.payment_schedule_size(); ++i) {
    const auto& in = a.payment_schedule(i);
    const std::string f = absl::StrCat(p, ".payment_schedule[", i, "]");
    RETURN_IF_ERROR(CheckText(in.label(), f + ".label", 100, true));
    if (!in.has_due_date()) return InvalidArgument(f + ".due_date", "is required");
    RETURN_IF_ERROR(CheckDate(in.due_date(), f + ".due_date"));
    if (!in.has_amount()) return InvalidArgument(f + ".amount", "is required");
    RETURN_IF_ERROR(ValidateAmount(in.amount(), f + ".amount", false));
  }
  return absl::OkStatus();
}

absl::Status PriceAgreement(Agreement* a, const v1::PriceList& list, const DiscountAuthority& authority,
                            const std::string& p) {
  std::map<std::pair<int, std::string>, int64_t> prices;
  // The lowest list price of each category: what a line off the list is measured against.
  std::map<int, int64_t> lowest;
  for (const auto& item : list.items()) {
    const int64_t price = item.unit_price().amount_minor();
    prices[{item.category(), item.item()}] = price;
    auto [it, fresh] = lowest.emplace(item.category(), price);
    if (!fresh) it->second = std::min(it->second, price);
  }
  int64_t total = 0, list_total = 0;
  int worst = 0;
  for (int i = 0; i < a->prices_size(); ++i) {
    auto* line = a->mutable_prices(i);
    line->mutable_unit_price()->set_currency_code("CNY");
    const int64_t unit = line->unit_price().amount_minor();
    const std::string f = absl::StrCat(p, ".prices[", i, "]");
    ASSIGN_OR_RETURN(auto amount, MultiplyAmount(unit, line->quantity(), f));
    *line->mutable_amount() = Cny(amount);
    ASSIGN_OR_RETURN(auto sum, AddAmounts(total, amount, p + ".prices"));
    total = sum;
    line->clear_list_unit_price();
    int64_t list_unit = 0;
    if (line->item().empty()) {
      // Off the list: no line escapes the authority rule, so it is measured
      // against the cheapest item of its category, and a category without
      // list prices has nothing to measure against.
      auto floor = lowest.find(line->category());
      if (floor == lowest.end()) {
        return InvalidArgument(absl::StrCat(p, ".prices[", i, "].category"),
                               absl::StrCat(v1::ChargeCategory_Name(line->category()),
                                            " has no list prices to measure a line off the list against: the manager "
                                            "lists the item first"));
      }
      list_unit = floor->second;
    } else {
      auto it = prices.find({line->category(), line->item()});
      if (it == prices.end()) {
        return InvalidArgument(absl::StrCat(p, ".prices[", i, "].item"),
                               absl::StrCat("\"", line->item(), "\" is not on the price list under ",
                                            v1::ChargeCategory_Name(line->category())));
      }
      list_unit = it->second;
    }
    *line->mutable_list_unit_price() = Cny(list_unit);
    ASSIGN_OR_RETURN(auto list_amount, MultiplyAmount(list_unit, line->quantity(), f));
    ASSIGN_OR_RETURN(auto list_sum, AddAmounts(list_total, list_amount, p + ".prices"));
    list_total = list_sum;
    if (unit < list_unit) {
      // Rounded up: 10.001% below list is beyond a 10% authority.
      const int64_t off = list_unit - unit;
      worst = std::max(worst, static_cast<int>((static_cast<__int128>(off) * 10000 + list_unit - 1) / list_unit));
    }
  }
  // The money of the terms in the hotel's currency, once checked (as the
  // lines' unit prices above).
  if (a->block_terms().has_attrition_rate())
    a->mutable_block_terms()->mutable_attrition_rate()->set_currency_code("CNY");
  for (auto& in : *a->mutable_payment_schedule()) in.mutable_amount()->set_currency_code("CNY");
  int64_t scheduled = 0;
  for (const auto& in : a->payment_schedule()) {
    ASSIGN_OR_RETURN(auto sum, AddAmounts(scheduled, in.amount().amount_minor(), p + ".payment_schedule"));
    scheduled = sum;
  }
  if (scheduled > total) {
    return InvalidArgument(p + ".payment_schedule",
                           absl::StrCat("the instalments add up to ", YuanText(scheduled),
                                        " CNY, more than the agreement's total of ", YuanText(total)));
  }
  *a->mutable_total() = Cny(total);
  *a->mutable_list_total() = Cny(list_total);
  a->set_discount_basis_points(worst);
  a->set_required_role(authority.RequiredRole(worst));
  return absl::OkStatus();
}

std::string MissingForSignature(const Agreement& a) {
  if (!a.has_start_time()) return "start_time and end_time";
  if (a.attendees() < 1) return "attendees";
  if (a.organiser().empty()) return "organiser";
  if (a.prices_size() == 0) return "prices";
  return "";
}

void KeepContent(Agreement* a) {
  Agreement content;
  content.mutable_start_time()->CopyFrom(a->start_time());
  if (!a->has_start_time()) content.clear_start_time();
  if (a->has_end_time()) *content.mutable_end_time() = a->end_time();
  content.set_organiser(a->organiser());
  content.set_attendees(a->attendees());
  *content.mutable_programme() = a->programme();
  *content.mutable_room_block() = a->room_block();
  *content.mutable_meals() = a->meals();
  *content.mutable_venues() = a->venues();
  content.set_reception(a->reception());
  content.set_av_requirements(a->av_requirements());
  content.set_special_arrangements(a->special_arrangements());
  *content.mutable_guests() = a->guests();
  *content.mutable_prices() = a->prices();
  for (auto& line : *content.mutable_prices()) {
    line.clear_list_unit_price();
    line.clear_amount();
  }
  if (a->has_deposit()) *content.mutable_deposit() = a->deposit();
  if (a->has_block_terms()) *content.mutable_block_terms() = a->block_terms();
  *content.mutable_payment_schedule() = a->payment_schedule();
  *a = std::move(content);
}

bool IsContentField(std::string_view path) { return ContentFields().count(path) > 0; }

}  // namespace atrium::meetings
