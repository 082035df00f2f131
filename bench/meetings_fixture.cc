// The meetings database and the requests of the outside benchmark
// (bench/outside.sh): writes the diary of bench/meetings_data.h with
// `--meetings` meetings over `--rooms` rooms into a new SQLite file at
// `--db`, and into `--out` the requests as gRPC messages (bench/frames.h):
//   booking.bin      `--bookings` CreateBookingRequests, each for a free
//                    slot (its conflict check searches the room's diary),
//                    spread over the meetings, for bench/grpc_load
//   availability.bin 200 GetAvailabilityRequests of one week over every
//                    room, at weeks spread over the loaded period
//
// Usage: meetings_fixture --db=PATH --out=DIR [--meetings=50000] [--rooms=200] [--bookings=N]
#include <algorithm>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "bench/frames.h"
#include "bench/meetings_data.h"
#include "services/meetings/store.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  using namespace atrium;  // NOLINT: a benchmark program
  std::string db, out;
  long meetings = 50000, bookings = 0;
  int rooms = 200;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--db=", 0) == 0) db = a.substr(5);
    if (a.rfind("--out=", 0) == 0) out = a.substr(6);
    if (a.rfind("--meetings=", 0) == 0) meetings = std::stol(a.substr(11));
    if (a.rfind("--rooms=", 0) == 0) rooms = std::stoi(a.substr(8));
    if (a.rfind("--bookings=", 0) == 0) bookings = std::stol(a.substr(11));
  }
  if (db.empty() || out.empty() || meetings < 1 || rooms < 10 || bookings < 0) {
    std::fprintf(stderr,
                 "usage: meetings_fixture --db=PATH --out=DIR [--meetings=50000] [--rooms=200] [--bookings=N]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  auto store = meetings::MeetingsStore::Of(db::Database::OpenSqlite(db, meetings::MeetingsSchema(), 1));
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  std::vector<std::string> plain;
  if (absl::Status s = bench::LoadDiary(store->get(), meetings, rooms, absl::Now(), &plain); !s.ok()) {
    std::fprintf(stderr, "load failed: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  // Booking k is the next free slot of slot k % 256 (bench::FreeSlot), in a
  // meeting of its own among the loaded ones.
  const long slots = 256;
  std::string booking;
  for (long k = 0; k < bookings; ++k) {
    meetings::v1::CreateBookingRequest req;
    req.set_parent(absl::StrCat("meetings/m", k % meetings));
    bench::FreeSlot(plain, k % slots, k / slots, req.mutable_booking());
    bench::AppendFrame(req, &booking);
  }
  // The loaded period: each plain room every third evening.
  const long days = std::max(7L, meetings / static_cast<long>(plain.size()) * 3);
  std::string availability;
  for (long i = 0; i < 200; ++i) {
    meetings::v1::GetAvailabilityRequest req;
    const absl::Time from = bench::DiaryBase() + absl::Hours(24 * ((i * 37) % (days - 6)));
    *req.mutable_start_time() = ToProto(from);
    *req.mutable_end_time() = ToProto(from + absl::Hours(24 * 7));
    bench::AppendFrame(req, &availability);
  }
  if (!bench::WriteFile(out + "/booking.bin", booking) || !bench::WriteFile(out + "/availability.bin", availability)) {
    std::fprintf(stderr, "cannot write the requests into %s\n", out.c_str());
    return 1;
  }
  return 0;
}
