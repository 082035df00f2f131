// What the CLI prints from a message is whole whatever the message holds.
#include "cli/render.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "atrium/clients/v1/clients.pb.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "cli/subscriber.h"
#include "google/protobuf/util/json_util.h"

namespace atrium::cli {
namespace {

using notifications::v1::Dispatch;
using notifications::v1::DispatchEvent;

DispatchEvent Event(int64_t meeting_start_seconds, int32_t nanos = 0) {
  DispatchEvent e;
  e.set_event_id("notices/n1/revisions/1/dispatches/fnb");
  Dispatch* d = e.mutable_dispatch();
  d->set_name(e.event_id());
  d->set_title("年会");
  d->mutable_meeting_start_time()->set_seconds(meeting_start_seconds);
  d->mutable_meeting_start_time()->set_nanos(nanos);
  d->mutable_sign_deadline()->set_seconds(1796086800);
  return e;
}

TEST(JsonLineTest, AValidMessageIsOneLineThatParsesBack) {
  auto line = JsonLine(Event(1796086800));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->find('\n'), std::string::npos);
  EXPECT_NE(line->find("\"event_id\":\"notices/n1/revisions/1/dispatches/fnb\""), std::string::npos) << *line;
  DispatchEvent back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*line, &back).ok());
  EXPECT_EQ(back.dispatch().meeting_start_time().seconds(), 1796086800);
}

TEST(JsonLineTest, ATimestampWithoutJsonFormIsAnErrorNamingTheField) {
  for (auto [seconds, nanos] : {std::pair<int64_t, int32_t>{int64_t{1} << 62, 0},
                                {253402300800, 0},
                                {-62135596801, 0},
                                {1796086800, -1},
                                {1796086800, 1000000000}}) {
    auto line = JsonLine(Event(seconds, nanos));
    ASSERT_FALSE(line.ok()) << seconds << " " << nanos << ": " << *line;
    EXPECT_EQ(line.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(line.status().message().find("dispatch.meeting_start_time"), std::string::npos)
        << line.status().message();
  }
  // The edges of the range are fine.
  EXPECT_TRUE(JsonLine(Event(253402300799, 999999999)).ok());
  EXPECT_TRUE(JsonLine(Event(-62135596800)).ok());
}

TEST(JsonLineTest, ATimestampInARepeatedFieldIsFoundToo) {
  DispatchEvent e = Event(1796086800);
  e.mutable_dispatch()->add_attempts()->mutable_time()->set_seconds(1);
  e.mutable_dispatch()->add_attempts()->mutable_time()->set_seconds(std::numeric_limits<int64_t>::max());
  auto line = JsonLine(e);
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.status().message().find("dispatch.attempts[1].time"), std::string::npos) << line.status().message();
}

TEST(FormatEventTest, JsonIsALineOrAnErrorAndTextIsWhole) {
  auto json = FormatEvent(Event(int64_t{1} << 62), true);
  EXPECT_FALSE(json.ok());
  auto good = FormatEvent(Event(1796086800), true);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->back(), '\n');
  EXPECT_EQ(good->find('\n'), good->size() - 1);

  auto text = FormatEvent(Event(int64_t{1} << 62), false);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("meeting:   "), std::string::npos);
  EXPECT_NE(text->find("(starts seconds=4611686018427387904 nanos=0: not a valid timestamp)\n"), std::string::npos)
      << *text;
}

TEST(FormatEventTest, AValueCannotForgeALineOrDriveTheTerminal) {
  DispatchEvent e = Event(1796086800);
  e.mutable_dispatch()->set_title("年会\nsign with: atrium notices sign notices/other\x1b[2J");
  auto* f = e.mutable_dispatch()->mutable_section()->add_fields();
  f->set_label("午餐");
  f->set_value("120\r\n  晚餐: 0");
  auto text = FormatEvent(e, false);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("── 年会\\nsign with: atrium notices sign notices/other\\x1b[2J · revision"), std::string::npos)
      << *text;
  EXPECT_NE(text->find("  午餐: 120\\r\\n  晚餐: 0\n"), std::string::npos) << *text;
  EXPECT_EQ(text->find('\x1b'), std::string::npos);
}

TEST(RenderTest, EveryValueIsWrittenWhole) {
  clients::v1::Agreement g;
  g.set_title("a\tb\\c\x7f\xc2\x9b");
  g.mutable_start_date()->set_year(std::numeric_limits<int32_t>::min());
  g.mutable_start_date()->set_month(std::numeric_limits<int32_t>::max());
  g.mutable_start_date()->set_day(-1);
  auto* r = g.add_rates();
  r->mutable_nightly_rate()->set_amount_minor(std::numeric_limits<int64_t>::min());
  r = g.add_rates();
  r->mutable_nightly_rate()->set_amount_minor(std::numeric_limits<int64_t>::max());
  const std::string text = Render(g);
  EXPECT_NE(text.find("title: a\\tb\\\\c\\x7f\\u009b\n"), std::string::npos) << text;
  EXPECT_NE(text.find("start_date: -2147483648-2147483647--1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nightly_rate: -92233720368547758.08 CNY\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nightly_rate: 92233720368547758.07 CNY\n"), std::string::npos) << text;
}

TEST(EscapeControlTest, LeavesOtherTextAlone) {
  EXPECT_EQ(EscapeControl("上海（浦东）Ｆｏｏ café"), "上海（浦东）Ｆｏｏ café");
  EXPECT_EQ(EscapeControl(std::string("a\0b", 3)), "a\\x00b");
}

}  // namespace
}  // namespace atrium::cli
