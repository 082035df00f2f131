// The fixture of the meetings domain tests past the intent (sales_test.cc,
// figures_test.cc): a store on a real file, an injected clock, fakes of the
// peers, the manager's price list, and the steps that take a meeting from
// the enquiry to its completion.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/testing.h"
#include "common/validate.h"
#include "services/meetings/fakes.h"
#include "services/meetings/meetings.h"
#include "services/meetings/test_store.h"
#include "tests/meeting_requests.h"

namespace atrium::meetings {

using namespace testing::people;  // NOLINT(build/namespaces)

inline const absl::Time kNow = absl::FromUnixSeconds(1795744800);     // 2026-11-27 10:00 Shanghai
inline const absl::Time kMeetingStart = kNow + absl::Hours(24 * 20);  // 2026-12-17 10:00
inline const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

inline const Principal kService{"service:inspections", "inspections", Role::kService, ""};

inline type::v1::Date D(int y, int m, int d) {
  type::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

inline type::v1::Money Yuan(int64_t yuan) {
  type::v1::Money m;
  m.set_currency_code("CNY");
  m.set_amount_minor(yuan * 100);
  return m;
}

class SalesFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("sales");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    Policy policy;
    policy.zone = kShanghai;
    meetings_ = std::make_unique<Meetings>(store_.get(), &directory_, &clock_, PageTokens("secret"), &board_, policy);
    v1::UpdatePriceListRequest prices;
    auto add = [&](v1::ChargeCategory c, const std::string& item, int64_t yuan) {
      auto* i = prices.mutable_price_list()->add_items();
      i->set_category(c);
      i->set_item(item);
      *i->mutable_unit_price() = Yuan(yuan);
    };
    add(v1::ROOMS, "deluxe-king", 800);
    add(v1::FNB, "lunch-150", 150);
    add(v1::VENUE, "rooms/hall-a", 10000);
    auto list = meetings_->sales().UpdatePriceList(kManager, prices);
    ASSERT_TRUE(list.ok()) << list.status();
  }

  // A meeting of ACME's KAM moved to INTENT.
  v1::Meeting AtIntent() {
    v1::CreateMeetingRequest req;
    req.mutable_meeting()->set_account("accounts/acme");
    req.mutable_meeting()->set_title("2027 华东区经销商年会");
    req.mutable_meeting()->set_origin(v1::Meeting::OUTREACH);
    auto m = meetings_->pipeline().CreateMeeting(kKam, req);
    EXPECT_TRUE(m.ok()) << m.status();
    testing::MeetingRequest move;
    move.set_name(m->name());
    EXPECT_TRUE(meetings_->pipeline().StartNegotiation(kKam, move).ok());
    auto intent = meetings_->pipeline().RecordIntent(kKam, move);
    EXPECT_TRUE(intent.ok()) << intent.status();
    return *intent;
  }

  // A complete agreement; `room_rate` per night against a list of 800.
  v1::Agreement Content(int64_t room_rate = 760, int lunch_headcount = 120) {
    v1::Agreement a;
    *a.mutable_start_time() = ToProto(kMeetingStart);
    *a.mutable_end_time() = ToProto(kMeetingStart + absl::Hours(32));
    a.set_organiser("ACME 华东区");
    a.set_attendees(120);
    auto* night = a.add_room_block();
    *night->mutable_night() = D(2026, 12, 17);
    night->set_room_type("deluxe-king");
    night->set_rooms(60);
    auto* lunch = a.add_meals();
    *lunch->mutable_date() = D(2026, 12, 17);
    lunch->set_kind(v1::Meal::LUNCH);
    lunch->set_time("12:00");
    lunch->set_standard("lunch-150");
    lunch->set_headcount(lunch_headcount);
    auto* venue = a.add_venues();
    venue->set_room("rooms/hall-a");
    venue->set_style(v1::THEATRE);
    *venue->mutable_start_time() = ToProto(kMeetingStart);
    *venue->mutable_end_time() = ToProto(kMeetingStart + absl::Hours(8));
    a.set_av_requirements("两支无线话筒，投影");
    auto* vip = a.add_guests();
    vip->set_name("张总");
    vip->set_title("董事长");
    *vip->mutable_arrival() = D(2026, 12, 17);
    *vip->mutable_departure() = D(2026, 12, 18);
    vip->set_room_type("deluxe-king");
    vip->set_vip(true);
    auto line = [&](v1::ChargeCategory c, const std::string& item, int64_t qty, int64_t unit) {
      auto* l = a.add_prices();
      l->set_category(c);
      l->set_item(item);
      l->set_quantity(qty);
      *l->mutable_unit_price() = Yuan(unit);
    };
    line(v1::ROOMS, "deluxe-king", 60, room_rate);
    line(v1::FNB, "lunch-150", lunch_headcount, 150);
    line(v1::VENUE, "rooms/hall-a", 1, 10000);
    return a;
  }

  absl::StatusOr<v1::Agreement> Draft(const v1::Meeting& m, const v1::Agreement& content, const Principal& who = kKam) {
    v1::CreateAgreementRequest req;
    req.set_parent(m.name());
    *req.mutable_agreement() = content;
    return meetings_->sales().CreateAgreement(who, req);
  }

  absl::StatusOr<v1::Agreement> Sign(const v1::Agreement& a, const Principal& who = kKam) {
    v1::SignAgreementRequest req;
    req.set_name(a.name());
    req.set_client_signatory("ACME 王经理");
    return meetings_->sales().SignAgreement(who, req);
  }

  absl::StatusOr<v1::Meeting> Get(const v1::Meeting& m) {
    v1::GetMeetingRequest req;
    req.set_name(m.name());
    return meetings_->pipeline().GetMeeting(kManager, req);
  }

  testing::MeetingRequest MoveOf(const v1::Meeting& m) {
    testing::MeetingRequest req;
    req.set_name(m.name());
    return req;
  }

  // A contracted meeting with its notice issued (its agreement `content`).
  v1::Meeting Issued() { return IssuedWith(Content()); }
  v1::Meeting IssuedWith(const v1::Agreement& content) {
    v1::Meeting m = AtIntent();
    auto a = Draft(m, content);
    EXPECT_TRUE(a.ok()) << a.status();
    EXPECT_TRUE(Sign(*a).ok());
    auto issued = meetings_->preparation().IssueNotice(kKam, MoveOf(m));
    EXPECT_TRUE(issued.ok()) << issued.status();
    return *issued;
  }

  std::string IdOf(const v1::Meeting& m) { return m.name().substr(sizeof("meetings/") - 1); }

  v1::Meeting Prepared() { return PreparedWith(Content()); }
  v1::Meeting PreparedWith(const v1::Agreement& content) {
    v1::Meeting m = IssuedWith(content);
    for (const auto& item : m.checklist()) {
      v1::CheckItemRequest check;
      check.set_meeting(m.name());
      check.set_item(item.id());
      EXPECT_TRUE(meetings_->preparation().CheckItem(kKam, check).ok());
    }
    board_.Deliver(IdOf(m), 1, {"fnb", "rooms", "front_office", "engineering"});
    v1::MarkPreparedRequest req;
    req.set_name(m.name());
    auto prepared = meetings_->preparation().MarkPrepared(kKam, req);
    EXPECT_TRUE(prepared.ok()) << prepared.status();
    return *prepared;
  }

  v1::Meeting Completed() { return CompletedWith(Content()); }
  v1::Meeting CompletedWith(const v1::Agreement& content) {
    v1::Meeting m = PreparedWith(content);
    EXPECT_TRUE(meetings_->preparation().StartMeeting(kKam, MoveOf(m)).ok());
    auto done = meetings_->preparation().CompleteMeeting(kKam, MoveOf(m));
    EXPECT_TRUE(done.ok()) << done.status();
    return *done;
  }

  std::vector<OutboxMessage> Outbox(int kind) {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(store_
                    ->Read([&](MeetingsTx& tx) -> absl::Status {
                      auto rows = tx.DueOutbox(absl::ToUnixMicros(kNow + absl::Hours(24 * 365)), 10000);
                      if (!rows.ok()) return rows.status();
                      for (auto& e : *rows) {
                        if (e.kind == kind) out.push_back(std::move(e));
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  FakeClock clock_{kNow};
  FakeDirectory directory_;
  FakeBoard board_;
  std::unique_ptr<MeetingsStore> store_;
  std::unique_ptr<Meetings> meetings_;
};

}  // namespace atrium::meetings
