// The data of the sales benchmark (bench/sales.sh): three years of a
// department of `--kams` KAMs, written through the services' own stores so
// that every derived row is the one the services keep:
//   clients   `--kams` x 100 accounts over ten segments; `--activities`
//             activities, `--meetings` / 2 visits (most done, some missed),
//             charges and payments, complaints — spread over the three years
//   meetings  `--meetings` meetings, each saved as its enquiry and again at
//             its stage (settled, lost or cancelled before now; contracted
//             or open after), so its fact, its definite changes and its
//             moves are those the service writes (internal::SaveMeeting)
//   sales     every KAM's total revenue, visits and new accounts targets,
//             the segments' room nights and the department's total revenue,
//             for this year and last
// The years end at the current month. KAM k is kam-<k>.
//
// Usage: sales_fixture --dir=DIR [--kams=30] [--meetings=100000] [--activities=1000000]
#include <cstdio>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "services/clients/store.h"
#include "services/meetings/context.h"
#include "services/meetings/internal.h"
#include "services/meetings/store.h"
#include "services/sales/store.h"
#include "spdlog/spdlog.h"

namespace atrium::bench {
namespace {

namespace cv1 = clients::v1;
namespace mv1 = meetings::v1;

constexpr int kSegments = 10;
constexpr int kAccountsPerKam = 100;
const absl::TimeZone kZone = absl::FixedTimeZone(8 * 3600);

std::string Kam(long k) { return absl::StrCat("kam-", k); }
std::string Segment(long s) { return absl::StrCat("segment-", s); }
std::string AccountId(long a) { return absl::StrCat("acct", a); }

struct Shape {
  long kams = 30, meetings = 100000, activities = 1000000;
  absl::Time now, first;  // the three years: [first, now]
};

absl::Time At(const Shape& s, std::mt19937_64& rng) {
  const int64_t span = absl::ToInt64Seconds(s.now - s.first);
  return s.first + absl::Seconds(static_cast<int64_t>(rng() % static_cast<uint64_t>(span)));
}

// `n` rows written `batch` at a time, each by `put(i)`.
template <typename Store, typename Tx, typename Put>
absl::Status InBatches(Store* store, long n, Put put) {
  for (long done = 0; done < n;) {
    const long batch = std::min(20000L, n - done);
    absl::Status s = store->Write([&](Tx& tx) -> absl::Status {
      for (long i = done; i < done + batch; ++i) {
        if (absl::Status st = put(tx, i); !st.ok()) return st;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    done += batch;
  }
  return absl::OkStatus();
}

absl::Status LoadClients(clients::ClientsStore* store, const Shape& s) {
  std::mt19937_64 rng(7);
  const long accounts = s.kams * kAccountsPerKam;
  absl::Status st =
      InBatches<clients::ClientsStore, clients::ClientsTx>(store, accounts, [&](clients::ClientsTx& tx, long i) {
        cv1::Account a;
        a.set_name("accounts/" + AccountId(i));
        a.set_kind(cv1::ACCOUNT_KIND_COMPANY);
        a.set_display_name(absl::StrCat("客户", i, " Co"));
        a.set_industry_segment(Segment(i % kSegments));
        a.set_owner(Kam(i % s.kams));
        a.set_state(cv1::Account::ACTIVE);
        const absl::Time created = At(s, rng);
        *a.mutable_audit()->mutable_create_time() = ToProto(created);
        *a.mutable_audit()->mutable_update_time() = ToProto(created);
        return tx.PutAccount(AccountId(i), a);
      });
  if (!st.ok()) return st;
  auto child = [](const std::string& name, const char* kind, long account, int state, int category, int64_t due,
                  const std::string& person, int64_t sort_key, const google::protobuf::Message& m) {
    clients::ChildRecord r;
    r.name = name;
    r.kind = kind;
    r.account_id = AccountId(account);
    r.state = state;
    r.category = category;
    r.due_micros = due;
    r.person = person;
    r.sort_key = sort_key;
    r.data = m.SerializeAsString();
    return r;
  };
  st = InBatches<clients::ClientsStore, clients::ClientsTx>(store, s.activities, [&](clients::ClientsTx& tx, long i) {
    const long account = static_cast<long>(rng() % static_cast<uint64_t>(accounts));
    const absl::Time when = At(s, rng);
    cv1::Activity act;
    act.set_name(absl::StrCat("accounts/", AccountId(account), "/activities/a", i));
    act.set_type(cv1::Activity::CALL);
    act.set_summary(absl::StrCat("电话沟通 ", i));
    *act.mutable_occur_time() = ToProto(when);
    *act.mutable_create_time() = ToProto(when);
    act.set_actor(Kam(account % s.kams));
    return tx.PutChild(
        child(act.name(), clients::kActivity, account, 0, act.type(), 0, act.actor(), absl::ToUnixMicros(when), act));
  });
  if (!st.ok()) return st;
  st = InBatches<clients::ClientsStore, clients::ClientsTx>(store, s.meetings / 2, [&](clients::ClientsTx& tx, long i) {
    const long account = static_cast<long>(rng() % static_cast<uint64_t>(accounts));
    const absl::Time planned = At(s, rng);
    cv1::Visit v;
    v.set_name(absl::StrCat("accounts/", AccountId(account), "/visits/v", i));
    v.set_visitor(Kam(account % s.kams));
    *v.mutable_planned_time() = ToProto(planned);
    v.set_purpose("拜访");
    const bool done = i % 5 != 0;
    v.set_state(done ? cv1::Visit::DONE : cv1::Visit::PLANNED);
    if (done) *v.mutable_visit_time() = ToProto(planned);
    clients::ChildRecord r = child(v.name(), clients::kVisit, account, v.state(), 0,
                                   done ? 0 : absl::ToUnixMicros(planned), v.visitor(), absl::ToUnixMicros(planned), v);
    r.done_micros = done ? absl::ToUnixMicros(planned) : 0;
    return tx.PutChild(r);
  });
  if (!st.ok()) return st;
  // Per account a charge and a payment of half of it every few months.
  st = InBatches<clients::ClientsStore, clients::ClientsTx>(store, accounts * 20, [&](clients::ClientsTx& tx, long i) {
    const long account = i % accounts;
    const absl::Time when = At(s, rng);
    cv1::LedgerEntry e;
    const bool charge = i / accounts % 2 == 0;
    e.set_name(absl::StrCat("accounts/", AccountId(account), "/ledgerEntries/e", i));
    e.set_type(charge ? cv1::LedgerEntry::CHARGE : cv1::LedgerEntry::PAYMENT);
    e.mutable_amount()->set_currency_code("CNY");
    e.mutable_amount()->set_amount_minor(charge ? 2'000'000 : 1'000'000);
    e.set_reference(absl::StrCat(charge ? "INV-" : "R-", i));
    *e.mutable_entry_date() = Today(when, kZone);
    *e.mutable_create_time() = ToProto(when);
    clients::ChildRecord r =
        child(e.name(), clients::kLedgerEntry, account, e.type(), 0, 0, "", DateKey(e.entry_date()), e);
    r.reference = e.reference();
    return tx.PutChild(r);
  });
  if (!st.ok()) return st;
  return InBatches<clients::ClientsStore, clients::ClientsTx>(
      store, s.meetings / 20, [&](clients::ClientsTx& tx, long i) {
        const long account = static_cast<long>(rng() % static_cast<uint64_t>(accounts));
        const absl::Time received = At(s, rng);
        cv1::Feedback f;
        f.set_name(absl::StrCat("accounts/", AccountId(account), "/feedback/f", i));
        f.set_kind(cv1::Feedback::COMPLAINT);
        f.set_severity(cv1::Feedback::MINOR);
        f.set_subject("房间噪音");
        *f.mutable_receive_time() = ToProto(received);
        *f.mutable_response_due_time() = ToProto(received + absl::Hours(24));
        f.set_state(cv1::Feedback::ANSWERED);
        *f.mutable_answer_time() = ToProto(received + absl::Hours(i % 3 == 0 ? 30 : 5));
        return tx.PutChild(child(f.name(), clients::kFeedback, account, f.state(), f.severity(), 0, "",
                                 absl::ToUnixMicros(received), f));
      });
}

mv1::Revenue RevenueOf(int64_t yuan) {
  mv1::Revenue r;
  auto money = [](int64_t fen) {
    type::v1::Money m;
    m.set_currency_code("CNY");
    m.set_amount_minor(fen);
    return m;
  };
  r.set_room_nights(yuan / 700);
  *r.mutable_rooms() = money(yuan * 60);
  *r.mutable_food_and_beverage() = money(yuan * 40);
  *r.mutable_conference() = money(0);
  *r.mutable_total() = money(yuan * 100);
  return r;
}

absl::Status LoadMeetings(meetings::MeetingsStore* store, const Shape& s) {
  std::mt19937_64 rng(11);
  meetings::Context ctx{store, nullptr, nullptr, PageTokens("bench"), nullptr, meetings::Policy{}};
  ctx.policy.zone = kZone;
  const long accounts = s.kams * kAccountsPerKam;
  return InBatches<meetings::MeetingsStore, meetings::MeetingsTx>(
      store, s.meetings, [&](meetings::MeetingsTx& tx, long i) -> absl::Status {
        const long account = static_cast<long>(rng() % static_cast<uint64_t>(accounts));
        const std::string owner = Kam(account % s.kams);
        const absl::Time created = At(s, rng);
        const absl::Time start = created + absl::Hours(24 * (30 + static_cast<int64_t>(rng() % 150)));
        mv1::Meeting m;
        m.set_name(absl::StrCat("meetings/m", i));
        m.set_account("accounts/" + AccountId(account));
        m.set_title(absl::StrCat("会议 ", i));
        m.set_owner(owner);
        m.set_segment(Segment(account % kSegments));
        m.set_state(mv1::Meeting::ENQUIRY);
        *m.mutable_audit()->mutable_create_time() = ToProto(created);
        m.mutable_audit()->set_creator(owner);
        *m.mutable_start_time() = ToProto(start);
        *m.mutable_end_time() = ToProto(start + absl::Hours(8));
        *m.mutable_revenue() = RevenueOf(10'000 + static_cast<int64_t>(rng() % 190'000));
        RETURN_IF_ERROR(meetings::internal::SaveMeeting(ctx, tx, m, created));
        // Where it went, at a time between the enquiry and now.
        const uint64_t roll = rng() % 100;
        mv1::Meeting::State to;
        if (start < s.now) {
          to = roll < 70 ? mv1::Meeting::SETTLED : roll < 80 ? mv1::Meeting::CANCELLED : mv1::Meeting::LOST;
        } else {
          to = roll < 40   ? mv1::Meeting::CONTRACTED
               : roll < 55 ? mv1::Meeting::ENQUIRY
               : roll < 70 ? mv1::Meeting::SITE_VISIT
               : roll < 85 ? mv1::Meeting::NEGOTIATING
                           : mv1::Meeting::INTENT;
        }
        if (to == mv1::Meeting::ENQUIRY) return absl::OkStatus();
        const absl::Time moved = std::min(s.now, created + (std::min(start, s.now) - created) / 2);
        auto* h = m.add_history();
        h->set_from(mv1::Meeting::ENQUIRY);
        h->set_to(to == mv1::Meeting::SETTLED ? mv1::Meeting::CONTRACTED : to);
        *h->mutable_time() = ToProto(moved);
        h->set_actor(owner);
        if (to == mv1::Meeting::SETTLED) {
          auto* settled = m.add_history();
          settled->set_from(mv1::Meeting::CONTRACTED);
          settled->set_to(mv1::Meeting::SETTLED);
          *settled->mutable_time() = ToProto(std::min(s.now, start + absl::Hours(48)));
          settled->set_actor("fin-qian");
          *m.mutable_actual_revenue() = m.revenue();
        }
        if (to == mv1::Meeting::LOST || to == mv1::Meeting::CANCELLED) {
          m.set_lost_reason(roll % 2 ? "lostReasons/price" : "lostReasons/dates");
          m.set_competitor(roll % 3 ? "希尔顿" : "");
          *m.mutable_lost_value() = m.revenue().total();
        }
        m.set_state(to);
        return meetings::internal::SaveMeeting(ctx, tx, m, moved);
      });
}

absl::Status LoadSales(sales::SalesStore* store, const Shape& s) {
  const int year = static_cast<int>(absl::ToCivilYear(s.now, kZone).year());
  long n = 0;
  return store->Write([&](sales::SalesTx& tx) -> absl::Status {
    auto put = [&](int y, sales::v1::Target::Scope scope, const std::string& kam, const std::string& segment,
                   sales::v1::Metric metric, int64_t monthly) -> absl::Status {
      sales::v1::Target t;
      const std::string id = absl::StrCat("t", ++n);
      t.set_name("targets/" + id);
      t.set_year(y);
      t.set_scope(scope);
      t.set_kam(kam);
      t.set_segment(segment);
      t.set_metric(metric);
      t.set_annual(monthly * 12);
      t.set_split(sales::v1::Target::EVEN);
      for (int m = 0; m < 12; ++m) t.add_months(monthly);
      t.set_version(1);
      return tx.PutTarget(id, {y, scope, kam, segment, metric}, t);
    };
    for (int y = year - 1; y <= year; ++y) {
      RETURN_IF_ERROR(put(y, sales::v1::Target::DEPARTMENT, "", "", sales::v1::TOTAL_REVENUE, 50'000'000'000));
      for (long k = 0; k < s.kams; ++k) {
        RETURN_IF_ERROR(put(y, sales::v1::Target::KAM, Kam(k), "", sales::v1::TOTAL_REVENUE, 2'000'000'000));
        RETURN_IF_ERROR(put(y, sales::v1::Target::KAM, Kam(k), "", sales::v1::VISITS, 40));
        RETURN_IF_ERROR(put(y, sales::v1::Target::KAM, Kam(k), "", sales::v1::NEW_ACCOUNTS, 3));
      }
      for (int g = 0; g < kSegments; ++g) {
        RETURN_IF_ERROR(put(y, sales::v1::Target::SEGMENT, "", Segment(g), sales::v1::ROOM_NIGHTS, 500));
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace atrium::bench

int main(int argc, char** argv) {
  using namespace atrium;  // NOLINT: a benchmark program
  std::string dir;
  bench::Shape shape;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--dir=", 0) == 0) dir = a.substr(6);
    if (a.rfind("--kams=", 0) == 0) shape.kams = std::stol(a.substr(7));
    if (a.rfind("--meetings=", 0) == 0) shape.meetings = std::stol(a.substr(11));
    if (a.rfind("--activities=", 0) == 0) shape.activities = std::stol(a.substr(13));
  }
  if (dir.empty() || shape.kams < 1 || shape.meetings < 20 || shape.activities < 0) {
    std::fprintf(stderr, "usage: sales_fixture --dir=DIR [--kams=30] [--meetings=100000] [--activities=1000000]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  shape.now = absl::Now();
  shape.first = shape.now - absl::Hours(24 * 365 * 3);
  auto fail = [](const char* what, const absl::Status& s) {
    std::fprintf(stderr, "%s: %s\n", what, std::string(s.message()).c_str());
    return 1;
  };
  auto clients = clients::ClientsStore::Of(db::Database::OpenSqlite(dir + "/clients.db", clients::ClientsSchema(), 1));
  if (!clients.ok()) return fail("clients", clients.status());
  if (auto s = bench::LoadClients(clients->get(), shape); !s.ok()) return fail("clients", s);
  auto meetings =
      meetings::MeetingsStore::Of(db::Database::OpenSqlite(dir + "/meetings.db", meetings::MeetingsSchema(), 1));
  if (!meetings.ok()) return fail("meetings", meetings.status());
  if (auto s = bench::LoadMeetings(meetings->get(), shape); !s.ok()) return fail("meetings", s);
  auto sales = sales::SalesStore::Of(db::Database::OpenSqlite(dir + "/sales.db", sales::SalesSchema(), 1));
  if (!sales.ok()) return fail("sales", sales.status());
  if (auto s = bench::LoadSales(sales->get(), shape); !s.ok()) return fail("sales", s);
  std::printf("loaded %ld KAMs, %ld meetings, %ld activities into %s\n", shape.kams, shape.meetings, shape.activities,
              dir.c_str());
  return 0;
}
