// The data and requests of the documents benchmark (bench/documents.sh),
// written through the services' own code into `--dir`:
//   notifications.db  a meeting's notice, revision 1 and revision 2 (its
//                     four departments' sections, `--fields` fields in all,
//                     a tenth of them changed), dispatched as the meetings
//                     service would
//   meetings.db       the diary of bench/meetings_data.h: `--rooms` rooms,
//                     `--meetings` meetings with their bookings
// and the requests as gRPC messages (bench/frames.h):
//   notice.bin        PrintNoticeRevision of revision 2, the whole notice
//   notice_empty.bin  GetNotice of it (the empty call of that service)
//   diary.bin         PrintFunctionDiary of a week of every room
//   diary_empty.bin   GetRoom of one room (the empty call of meetings)
//
// Usage: documents_fixture --dir=DIR [--rooms=50] [--meetings=2000] [--fields=60]
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "bench/frames.h"
#include "bench/meetings_data.h"
#include "common/time_util.h"
#include "services/meetings/store.h"
#include "services/notifications/notices.h"
#include "services/notifications/store.h"
#include "spdlog/spdlog.h"

namespace atrium::bench {
namespace {

constexpr char kNoticeId[] = "n-bench";
const char* const kDepartments[] = {"fnb", "rooms", "front_office", "engineering"};

notifications::v1::DispatchNoticeRequest Revision(int revision, int fields, absl::Time start) {
  notifications::v1::DispatchNoticeRequest req;
  auto* r = req.mutable_revision();
  r->set_notice_id(kNoticeId);
  r->set_revision(revision);
  r->set_meeting("meetings/m1");
  r->set_title("2027 华东区经销商年会");
  r->set_owner("kam-li");
  *r->mutable_meeting_start_time() = ToProto(start);
  for (int d = 0; d < 4; ++d) {
    auto* s = r->add_sections();
    s->set_department(kDepartments[d]);
    s->set_heading(absl::StrCat("第", d + 1, "部分安排"));
    for (int i = d; i < fields; i += 4) {
      auto* f = s->add_fields();
      f->set_path(absl::StrCat("items/", i));
      f->set_label(absl::StrCat("3月", 15 + i % 3, "日 第", i, "项"));
      // A tenth of the fields change in revision 2.
      const int headcount = 100 + i + (revision == 2 && i % 10 == 0 ? 30 : 0);
      f->set_value(absl::StrCat("12:00 · ", headcount, "人 · 标准 lunch-150 · 宴会厅A · 菜单：清蒸鲈鱼、东坡肉、时蔬"));
    }
  }
  return req;
}

int Run(const std::string& dir, int rooms, long meetings, int fields) {
  spdlog::set_level(spdlog::level::warn);
  const absl::Time now = absl::Now();

  auto mstore =
      meetings::MeetingsStore::Of(db::Database::OpenSqlite(dir + "/meetings.db", meetings::MeetingsSchema(), 1));
  if (!mstore.ok()) {
    std::fprintf(stderr, "meetings: %s\n", std::string(mstore.status().message()).c_str());
    return 1;
  }
  std::vector<std::string> plain;
  if (absl::Status s = LoadDiary(mstore->get(), meetings, rooms, now, &plain); !s.ok()) {
    std::fprintf(stderr, "meetings load failed: %s\n", std::string(s.message()).c_str());
    return 1;
  }

  auto nstore = notifications::NotificationsStore::Of(
      db::Database::OpenSqlite(dir + "/notifications.db", notifications::NotificationsSchema(), 1));
  if (!nstore.ok()) {
    std::fprintf(stderr, "notifications: %s\n", std::string(nstore.status().message()).c_str());
    return 1;
  }
  SystemClock clock;
  notifications::Notices notices(nstore->get(), &clock, PageTokens("bench"), notifications::NoticesOptions());
  const Principal service{"service:meetings", "", Role::kService, ""};
  for (int revision : {1, 2}) {
    auto n = notices.DispatchNotice(service, Revision(revision, fields, now + absl::Hours(24 * 30)));
    if (!n.ok()) {
      std::fprintf(stderr, "notice: %s\n", std::string(n.status().message()).c_str());
      return 1;
    }
  }

  notifications::v1::PrintNoticeRevisionRequest notice;
  notice.set_name(absl::StrCat("notices/", kNoticeId, "/revisions/2"));
  notifications::v1::GetNoticeRequest notice_empty;
  notice_empty.set_name(absl::StrCat("notices/", kNoticeId));
  // A week of the loaded diary, a month in.
  meetings::v1::PrintFunctionDiaryRequest diary;
  *diary.mutable_start_date() =
      ToDate(absl::ToCivilDay(DiaryBase() + absl::Hours(24 * 30), absl::FixedTimeZone(8 * 3600)));
  meetings::v1::GetRoomRequest diary_empty;
  diary_empty.set_name("rooms/" + plain.front());
  if (!WriteFrame(dir + "/notice.bin", notice) || !WriteFrame(dir + "/notice_empty.bin", notice_empty) ||
      !WriteFrame(dir + "/diary.bin", diary) || !WriteFrame(dir + "/diary_empty.bin", diary_empty)) {
    std::fprintf(stderr, "cannot write the requests into %s\n", dir.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace atrium::bench

int main(int argc, char** argv) {
  std::string dir;
  int rooms = 50, fields = 60;
  long meetings = 2000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--dir=", 0) == 0) dir = a.substr(6);
    if (a.rfind("--rooms=", 0) == 0) rooms = std::stoi(a.substr(8));
    if (a.rfind("--meetings=", 0) == 0) meetings = std::stol(a.substr(11));
    if (a.rfind("--fields=", 0) == 0) fields = std::stoi(a.substr(9));
  }
  if (dir.empty() || rooms < 10 || meetings < 1 || fields < 4) {
    std::fprintf(stderr, "usage: documents_fixture --dir=DIR [--rooms=50] [--meetings=2000] [--fields=60]\n");
    return 2;
  }
  return atrium::bench::Run(dir, rooms, meetings, fields);
}
