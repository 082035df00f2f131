// Domain tests of the customer archive on a real SQLite file, with an
// injected clock. Every documented error of every RPC is exercised here or,
// for UNAUTHENTICATED and the wire format, in handler_test.cc.
#include "services/clients/archive.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "atrium/notifications/v1/notifications.pb.h"
#include "common/errors.h"
#include "common/testing.h"
#include "common/validate.h"
#include "services/clients/test_store.h"

namespace atrium::clients {
namespace {

using v1::Account;
using Code = absl::StatusCode;

// 2026-11-27 10:00 in Shanghai.
const absl::Time kStart = absl::FromUnixSeconds(1795744800);

using namespace testing::people;  // NOLINT(build/namespaces)
const Principal kGm{"gm-office", "GM office", Role::kGmOffice, ""};
const Principal kFnb{"fnb-desk", "F&B", Role::kDepartment, "fnb"};
const Principal kFinance{"fin-desk", "Finance", Role::kDepartment, "finance"};

using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;

type::v1::Date D(int y, int m, int d) {
  type::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("clients");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
    archive_ = std::make_unique<Archive>(store_.get(), &clock_, PageTokens("test-secret"), zone);
  }

  Account NewAccount(const std::string& name, const std::string& code = "") {
    Account a;
    a.set_kind(v1::ACCOUNT_KIND_COMPANY);
    a.set_display_name(name);
    a.set_credit_code(code);
    a.set_industry_segment("finance");
    return a;
  }

  Account Create(const Principal& who, Account a) {
    v1::CreateAccountRequest req;
    *req.mutable_account() = std::move(a);
    auto r = archive_->CreateAccount(who, req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : Account();
  }

  int CountAccounts(Account::State state = Account::ACTIVE) {
    v1::ListAccountsRequest req;
    req.set_state(state);
    req.set_page_size(1000);
    auto r = archive_->ListAccounts(kManager, req);
    return r.ok() ? r->accounts_size() : -1;
  }

  FakeClock clock_{kStart};
  std::unique_ptr<ClientsStore> store_;
  std::unique_ptr<Archive> archive_;
};

// Each RPC's "Callers:" line of the proto, for every role: the roles it
// names get past the role and ownership checks (whatever else they get),
// every other role gets PERMISSION_DENIED. The account is kam-li's.
TEST_F(ArchiveTest, RoleMatrixFollowsTheProto) {
  Account acme = NewAccount("上海浦东会展有限公司");
  acme.set_owner("kam-li");
  acme = Create(kManager, acme);
  const std::string parent = acme.name();
  const std::vector<std::pair<std::string, Principal>> roles = {
      {"manager", kManager}, {"kam", kKam},          {"other_kam", kKam2},
      {"clerk", kClerk},     {"gm_office", kGm},     {"fnb", kFnb},
      {"finance", kFinance}, {"service", kMeetings}, {"inspector", kInspector}};
  const std::set<std::string> staff = {"manager", "kam", "other_kam", "clerk", "gm_office"};
  const auto with = [](std::set<std::string> set, std::initializer_list<std::string> more) {
    set.insert(more.begin(), more.end());
    return set;
  };
  struct Row {
    std::string rpc;
    std::set<std::string> allowed;
    std::function<absl::Status(const Principal&)> call;
  };
  const std::vector<Row> rows = {
      {"GetAccount", with(staff, {"fnb", "finance", "service"}),
       [&](const Principal& who) {
         v1::GetAccountRequest r;
         r.set_name(parent);
         return archive_->GetAccount(who, r).status();
       }},
      {"ListAccounts", with(staff, {"fnb", "finance", "service"}),
       [&](const Principal& who) { return archive_->ListAccounts(who, {}).status(); }},
      {"UpdateAccount",
       {"manager", "kam", "clerk"},
       [&](const Principal& who) {
         v1::UpdateAccountRequest r;
         *r.mutable_account() = acme;
         r.mutable_account()->clear_etag();
         r.mutable_update_mask()->add_paths("industry_segment");
         return archive_->UpdateAccount(who, r).status();
       }},
      {"UnarchiveAccount",
       {"manager"},
       [&](const Principal& who) {
         v1::UnarchiveAccountRequest r;
         r.set_name(parent);
         return archive_->UnarchiveAccount(who, r).status();
       }},
      {"CreateContact",
       {"manager", "kam", "clerk"},
       [&](const Principal& who) {
         v1::CreateContactRequest r;
         r.set_parent(parent);
         r.mutable_contact()->set_display_name("张伟");
         return archive_->CreateContact(who, r).status();
       }},
      {"ListContacts", with(staff, {"fnb", "finance", "service"}),
       [&](const Principal& who) {
         v1::ListContactsRequest r;
         r.set_parent(parent);
         return archive_->ListContacts(who, r).status();
       }},
      {"ListVisits", staff,
       [&](const Principal& who) {
         v1::ListVisitsRequest r;
         r.set_parent(parent);
         return archive_->ListVisits(who, r).status();
       }},
      {"ListActivities", with(staff, {"service"}),
       [&](const Principal& who) {
         v1::ListActivitiesRequest r;
         r.set_parent(parent);
         return archive_->ListActivities(who, r).status();
       }},
      {"ListFeedback", staff,
       [&](const Principal& who) {
         v1::ListFeedbackRequest r;
         r.set_parent(parent);
         return archive_->ListFeedback(who, r).status();
       }},
      {"ListPreferences", with(staff, {"fnb", "finance", "service"}),
       [&](const Principal& who) {
         v1::ListPreferencesRequest r;
         r.set_parent(parent);
         return archive_->ListPreferences(who, r).status();
       }},
      {"CreateLedgerEntry",
       {"manager", "finance", "service"},
       [&](const Principal& who) {
         v1::CreateLedgerEntryRequest r;
         r.set_parent(parent);
         return archive_->CreateLedgerEntry(who, r).status();
       }},
      {"ListLedgerEntries",
       {"manager", "kam", "gm_office", "finance", "service"},
       [&](const Principal& who) {
         v1::ListLedgerEntriesRequest r;
         r.set_parent(parent);
         return archive_->ListLedgerEntries(who, r).status();
       }},
      {"GetReceivables",
       {"manager", "kam", "gm_office", "finance", "service"},
       [&](const Principal& who) {
         v1::GetReceivablesRequest r;
         r.set_name(parent + "/receivables");
         return archive_->GetReceivables(who, r).status();
       }},
      {"AssignSegment",
       {"service"},
       [&](const Principal& who) {
         v1::AssignSegmentRequest r;
         r.set_segment("pharma");
         r.set_owner("kam-li");
         r.set_version(1);
         return archive_->AssignSegment(who, r).status();
       }},
      {"SummarizeBook (own)",
       {"manager", "kam", "gm_office", "fnb", "finance", "service"},
       [&](const Principal& who) {
         v1::SummarizeBookRequest r;
         r.mutable_start_month()->set_year(2026);
         r.mutable_start_month()->set_month(11);
         *r.mutable_end_month() = r.start_month();
         r.set_owner("kam-li");
         return archive_->SummarizeBook(who, r).status();
       }},
      {"SummarizeWorkDay (own)",
       {"manager", "kam", "gm_office", "service"},
       [&](const Principal& who) {
         v1::SummarizeWorkDayRequest r;
         r.set_person("kam-li");
         *r.mutable_date() = D(2026, 11, 27);
         return archive_->SummarizeWorkDay(who, r).status();
       }},
  };
  for (const Row& row : rows) {
    for (const auto& [role, who] : roles) {
      const absl::Status s = row.call(who);
      EXPECT_EQ(s.code() == absl::StatusCode::kPermissionDenied, row.allowed.count(role) == 0)
          << row.rpc << " as " << role << ": " << s;
    }
  }
}

// ---- Accounts ----

TEST_F(ArchiveTest, CreateAccountStampsOwnerAuditEtagAndHistory) {
  Account a = Create(kKam, NewAccount("上海浦东会展有限公司", "91350100M000100Y43"));
  EXPECT_EQ(a.owner(), "kam-li");
  EXPECT_EQ(a.state(), Account::ACTIVE);
  EXPECT_EQ(a.audit().creator(), "kam-li");
  EXPECT_EQ(a.audit().create_time().seconds(), absl::ToUnixSeconds(kStart));
  EXPECT_FALSE(a.etag().empty());
  v1::ListActivitiesRequest list;
  list.set_parent(a.name());
  auto acts = archive_->ListActivities(kManager, list);
  ASSERT_TRUE(acts.ok());
  ASSERT_EQ(acts->activities_size(), 1);
  EXPECT_EQ(acts->activities(0).type(), v1::Activity::ACCOUNT_CHANGE);
}

TEST_F(ArchiveTest, CreateAccountRefusesBadInputAndChangesNothing) {
  v1::CreateAccountRequest req;
  *req.mutable_account() = NewAccount("");
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "account.display_name");
  *req.mutable_account() = NewAccount("ACME", "91350100M000100Y44");
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "account.credit_code");
  *req.mutable_account() = NewAccount("ACME");
  req.mutable_account()->set_kind(v1::ACCOUNT_KIND_UNSPECIFIED);
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "account.kind");
  *req.mutable_account() = NewAccount("ACME");
  req.mutable_account()->set_kind(static_cast<v1::AccountKind>(99));
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "account.kind");
  *req.mutable_account() = NewAccount(std::string(201, 'x'));
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "account.display_name");
  *req.mutable_account() = NewAccount("ACME");
  req.mutable_account()->set_email("not-an-email");
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "account.email");
  *req.mutable_account() = NewAccount("ACME");
  req.mutable_account()->set_vip_level(6);
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "account.vip_level");
  *req.mutable_account() = NewAccount("ACME");
  req.set_request_id(std::string(101, 'r'));
  EXPECT_EQ(FieldOf(archive_->CreateAccount(kKam, req).status()), "request_id");
  EXPECT_EQ(CountAccounts(), 0);
}

TEST_F(ArchiveTest, CreateAccountRefusesDuplicatesNamingTheExistingAccount) {
  Account first = Create(kKam, NewAccount("ACME Hotel Group Co., Ltd.", "91350100M000100Y43"));
  v1::CreateAccountRequest req;
  *req.mutable_account() = NewAccount("Other name", "91350100M000100Y43");
  auto dup = archive_->CreateAccount(kKam2, req);
  EXPECT_EQ(CodeOf(dup), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(dup.status()), "DUPLICATE_CREDIT_CODE");
  EXPECT_NE(dup.status().message().find(first.name()), std::string::npos);
  *req.mutable_account() = NewAccount("acme hotel group co ltd");
  dup = archive_->CreateAccount(kKam2, req);
  EXPECT_EQ(CodeOf(dup), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(dup.status()), "DUPLICATE_ACCOUNT_NAME");
  EXPECT_EQ(CountAccounts(), 1);
}

TEST_F(ArchiveTest, CreateAccountIsIdempotentByRequestId) {
  v1::CreateAccountRequest req;
  *req.mutable_account() = NewAccount("Retry Ltd");
  req.set_request_id("req-1");
  auto a = archive_->CreateAccount(kKam, req);
  auto b = archive_->CreateAccount(kKam, req);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->name(), b->name());
  EXPECT_EQ(CountAccounts(), 1);
}

// The issue's example: a second KAM who sends the request id the first KAM
// used gets a contact of their own, under their own account, and never the
// first KAM's contact back. A request id is scoped to its caller.
TEST_F(ArchiveTest, ARequestIdBelongsToItsCaller) {
  Account mine = Create(kKam, NewAccount("Li Trading"));
  Account theirs = Create(kKam2, NewAccount("Zhao Trading"));
  v1::CreateContactRequest req;
  req.set_parent(mine.name());
  req.mutable_contact()->set_display_name("张伟");
  req.set_request_id("contact-1");
  auto c = archive_->CreateContact(kKam, req);
  ASSERT_TRUE(c.ok()) << c.status();
  // Under the first KAM's account the second is refused before the id is looked at.
  EXPECT_EQ(CodeOf(archive_->CreateContact(kKam2, req)), Code::kPermissionDenied);
  req.set_parent(theirs.name());
  req.mutable_contact()->set_display_name("王芳");
  auto other = archive_->CreateContact(kKam2, req);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->name(), c->name());
  EXPECT_EQ(other->name().rfind(theirs.name() + "/contacts/", 0), 0u);
  EXPECT_EQ(other->display_name(), "王芳");

  v1::CreateAccountRequest account;
  *account.mutable_account() = NewAccount("Request Ltd");
  account.set_request_id("account-1");
  auto first = archive_->CreateAccount(kKam, account);
  ASSERT_TRUE(first.ok()) << first.status();
  *account.mutable_account() = NewAccount("Another Request Ltd");
  auto second = archive_->CreateAccount(kKam2, account);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->name(), first->name());
  EXPECT_EQ(second->owner(), "kam-zhao");
}

// A retry (same caller, same request) returns the original; anything else
// under that request id is refused ALREADY_EXISTS REQUEST_ID_REUSED.
TEST_F(ArchiveTest, ARequestIdIsForOneRequest) {
  Account a = Create(kKam, NewAccount("Retry Trading"));
  Account b = Create(kKam, NewAccount("Retry Services"));
  v1::CreateContactRequest req;
  req.set_parent(a.name());
  req.mutable_contact()->set_display_name("张伟");
  req.set_request_id("contact-1");
  auto first = archive_->CreateContact(kKam, req);
  auto retry = archive_->CreateContact(kKam, req);
  ASSERT_TRUE(first.ok() && retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), first->name());
  auto reused = [&](auto mutate) {
    v1::CreateContactRequest r = req;
    mutate(r);
    auto s = archive_->CreateContact(kKam, r).status();
    return std::make_pair(s.code(), ReasonOf(s));
  };
  const auto refused = std::make_pair(Code::kAlreadyExists, std::string("REQUEST_ID_REUSED"));
  EXPECT_EQ(reused([](auto& r) { r.mutable_contact()->set_display_name("李娜"); }), refused);
  EXPECT_EQ(reused([&](auto& r) { r.set_parent(b.name()); }), refused);

  v1::CreateAccountRequest account;
  *account.mutable_account() = NewAccount("Once Ltd");
  account.set_request_id("account-1");
  ASSERT_TRUE(archive_->CreateAccount(kKam, account).ok());
  *account.mutable_account() = NewAccount("Twice Ltd");
  auto again = archive_->CreateAccount(kKam, account);
  EXPECT_EQ(CodeOf(again), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(again.status()), "REQUEST_ID_REUSED");
}

// A malformed name is INVALID_ARGUMENT naming the field: "accounts/-" only
// where the method reads across accounts.
TEST_F(ArchiveTest, MalformedNamesAreInvalidArgumentNotNotFound) {
  Account a = Create(kKam, NewAccount("Names Co"));
  v1::GetAccountRequest get;
  EXPECT_EQ(testing::FirstNotRefused("name", {"accounts/-", "accounts/-x", "accounts/x-", "accounts/X1"},
                                     [&](const char* name) {
                                       get.set_name(name);
                                       return archive_->GetAccount(kManager, get).status();
                                     }),
            "");
  get.set_name("accounts/missing");
  EXPECT_EQ(CodeOf(archive_->GetAccount(kManager, get)), Code::kNotFound);
  v1::CreateContactRequest contact;
  contact.set_parent("accounts/-");
  contact.mutable_contact()->set_display_name("张伟");
  EXPECT_EQ(FieldOf(archive_->CreateContact(kManager, contact).status()), "parent");
  v1::GetContactRequest read;
  read.set_name("accounts/-/contacts/c1");
  EXPECT_EQ(FieldOf(archive_->GetContact(kManager, read).status()), "name");
  v1::GetReceivablesRequest receivables;
  receivables.set_name("accounts/-/receivables");
  EXPECT_TRUE(archive_->GetReceivables(kManager, receivables).ok());
  receivables.set_name(a.name() + "/receivables/");
  EXPECT_EQ(FieldOf(archive_->GetReceivables(kManager, receivables).status()), "name");
}

TEST_F(ArchiveTest, CreateAccountPermissions) {
  v1::CreateAccountRequest req;
  *req.mutable_account() = NewAccount("Owned elsewhere");
  req.mutable_account()->set_owner("kam-zhao");
  EXPECT_EQ(CodeOf(archive_->CreateAccount(kKam, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->CreateAccount(kInspector, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->CreateAccount(kFnb, req)), Code::kPermissionDenied);
  auto by_manager = archive_->CreateAccount(kManager, req);
  ASSERT_TRUE(by_manager.ok());
  EXPECT_EQ(by_manager->owner(), "kam-zhao");
}

TEST_F(ArchiveTest, GetAccountErrors) {
  v1::GetAccountRequest req;
  req.set_name("accounts/does-not-exist");
  EXPECT_EQ(CodeOf(archive_->GetAccount(kKam, req)), Code::kNotFound);
  req.set_name("clients/x");
  EXPECT_EQ(FieldOf(archive_->GetAccount(kKam, req).status()), "name");
  req.set_name("accounts/UPPER");
  EXPECT_EQ(CodeOf(archive_->GetAccount(kKam, req)), Code::kInvalidArgument);
  Account a = Create(kKam, NewAccount("Readable"));
  req.set_name(a.name());
  EXPECT_TRUE(archive_->GetAccount(kFnb, req).ok());
  EXPECT_EQ(CodeOf(archive_->GetAccount(kInspector, req)), Code::kPermissionDenied);
}

TEST_F(ArchiveTest, ListAccountsFiltersAndPagesInAStableOrder) {
  for (int i = 0; i < 7; ++i) {
    Account a = NewAccount("北京会议客户 " + std::to_string(i));
    a.set_vip_level(i % 3);
    Create(i % 2 ? kKam : kKam2, a);
    clock_.Advance(absl::Seconds(1));
  }
  Create(kKam, NewAccount("Shanghai Travel"));
  v1::ListAccountsRequest req;
  req.set_query("会议客户");
  req.set_page_size(3);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto r = archive_->ListAccounts(kManager, req);
    ASSERT_TRUE(r.ok()) << r.status();
    for (const auto& a : r->accounts()) seen.push_back(a.display_name());
    if (r->next_page_token().empty()) break;
    req.set_page_token(r->next_page_token());
  }
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  v1::ListAccountsRequest by_owner;
  by_owner.set_owner("kam-li");
  by_owner.set_min_vip_level(1);
  auto r = archive_->ListAccounts(kManager, by_owner);
  ASSERT_TRUE(r.ok());
  for (const auto& a : r->accounts()) {
    EXPECT_EQ(a.owner(), "kam-li");
    EXPECT_GE(a.vip_level(), 1);
  }
  EXPECT_EQ(r->accounts_size(), 2);  // i = 1, 5

  v1::ListAccountsRequest newest;
  newest.set_order_by("create_time desc");
  newest.set_page_size(1);
  auto n = archive_->ListAccounts(kManager, newest);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->accounts(0).display_name(), "Shanghai Travel");
}

TEST_F(ArchiveTest, ListAccountsRefusesBadArguments) {
  for (int i = 0; i < 3; ++i) Create(kKam, NewAccount("Acc " + std::to_string(i)));
  v1::ListAccountsRequest req;
  req.set_page_size(1);
  auto first = archive_->ListAccounts(kManager, req);
  ASSERT_TRUE(first.ok());
  v1::ListAccountsRequest other;
  other.set_page_size(1);
  other.set_owner("kam-zhao");
  other.set_page_token(first->next_page_token());
  EXPECT_EQ(FieldOf(archive_->ListAccounts(kManager, other).status()), "page_token");
  v1::ListAccountsRequest bad;
  bad.set_page_size(-1);
  EXPECT_EQ(FieldOf(archive_->ListAccounts(kManager, bad).status()), "page_size");
  bad.set_page_size(0);
  bad.set_order_by("credit");
  EXPECT_EQ(FieldOf(archive_->ListAccounts(kManager, bad).status()), "order_by");
  bad.set_order_by("");
  bad.set_kind(static_cast<v1::AccountKind>(42));
  EXPECT_EQ(FieldOf(archive_->ListAccounts(kManager, bad).status()), "kind");
  EXPECT_EQ(CodeOf(archive_->ListAccounts(kInspector, v1::ListAccountsRequest())), Code::kPermissionDenied);
}

TEST_F(ArchiveTest, NameSearchFindsSubstringsAndFollowsRenames) {
  Account huawei = Create(kKam, NewAccount("华为技术有限公司"));
  Create(kKam, NewAccount("上海华住酒店管理"));
  Create(kKam, NewAccount("Quote \"Co\" Ltd"));
  auto names = [&](const std::string& query) {
    v1::ListAccountsRequest req;
    req.set_query(query);
    auto r = archive_->ListAccounts(kManager, req);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& a : r->accounts()) out.push_back(a.display_name());
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("技术有限"), V{"华为技术有限公司"});                  // indexed (3+ characters)
  EXPECT_EQ(names("华为"), V{"华为技术有限公司"});                      // short: scanned
  EXPECT_EQ(names("华"), (V{"上海华住酒店管理", "华为技术有限公司"}));  // one character
  EXPECT_EQ(names("ＴＥＣＨ"), V{});                                    // normalised, no match
  EXPECT_EQ(names("\"co\""), V{"Quote \"Co\" Ltd"});                    // quotes are literal
  EXPECT_EQ(names("co\" ltd"), V{"Quote \"Co\" Ltd"});
  EXPECT_EQ(names("无此公司"), V{});

  // A rename moves the account in the index.
  v1::UpdateAccountRequest req;
  req.mutable_account()->set_name(huawei.name());
  req.mutable_account()->set_display_name("华为终端有限公司");
  req.mutable_account()->set_etag(huawei.etag());
  req.mutable_update_mask()->add_paths("display_name");
  ASSERT_TRUE(archive_->UpdateAccount(kKam, req).ok());
  EXPECT_EQ(names("技术有限"), V{});
  EXPECT_EQ(names("终端有限"), V{"华为终端有限公司"});
}

TEST_F(ArchiveTest, UpdateAccountRules) {
  Account a = Create(kKam, NewAccount("Update Me"));
  v1::UpdateAccountRequest req;
  req.mutable_account()->set_name(a.name());
  req.mutable_account()->set_phone("+86 21 5555 0000");
  req.mutable_account()->set_etag(a.etag());
  req.mutable_update_mask()->add_paths("phone");
  auto updated = archive_->UpdateAccount(kKam, req);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->phone(), "+86 21 5555 0000");
  EXPECT_EQ(updated->display_name(), "Update Me");
  EXPECT_NE(updated->etag(), a.etag());
  EXPECT_EQ(updated->audit().updater(), "kam-li");

  // The old etag is stale now: a second editor must re-read.
  EXPECT_EQ(CodeOf(archive_->UpdateAccount(kKam, req)), Code::kAborted);
  req.mutable_account()->clear_etag();
  EXPECT_EQ(CodeOf(archive_->UpdateAccount(kKam2, req)), Code::kPermissionDenied);
  EXPECT_TRUE(archive_->UpdateAccount(kClerk, req).ok());
  EXPECT_EQ(CodeOf(archive_->UpdateAccount(kGm, req)), Code::kPermissionDenied);

  v1::UpdateAccountRequest owner;
  owner.mutable_account()->set_name(a.name());
  owner.mutable_account()->set_owner("kam-zhao");
  owner.mutable_update_mask()->add_paths("owner");
  EXPECT_EQ(CodeOf(archive_->UpdateAccount(kKam, owner)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->UpdateAccount(kClerk, owner)), Code::kPermissionDenied);
  auto moved = archive_->UpdateAccount(kManager, owner);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->owner(), "kam-zhao");

  v1::UpdateAccountRequest bad = req;
  bad.mutable_update_mask()->clear_paths();
  EXPECT_EQ(FieldOf(archive_->UpdateAccount(kManager, bad).status()), "update_mask");
  bad.mutable_update_mask()->add_paths("state");
  EXPECT_EQ(FieldOf(archive_->UpdateAccount(kManager, bad).status()), "update_mask");
  bad.mutable_update_mask()->set_paths(0, "email");
  bad.mutable_account()->set_email("x@");
  EXPECT_EQ(FieldOf(archive_->UpdateAccount(kManager, bad).status()), "account.email");
  bad.mutable_account()->set_name("accounts/missing");
  EXPECT_EQ(CodeOf(archive_->UpdateAccount(kManager, bad)), Code::kNotFound);

  Create(kKam, NewAccount("Taken Name"));
  v1::UpdateAccountRequest rename;
  rename.mutable_account()->set_name(a.name());
  rename.mutable_account()->set_display_name("TAKEN name");
  rename.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(CodeOf(archive_->UpdateAccount(kManager, rename)), Code::kAlreadyExists);

  // The changes are in the history.
  v1::ListActivitiesRequest list;
  list.set_parent(a.name());
  list.set_type(v1::Activity::ACCOUNT_CHANGE);
  auto acts = archive_->ListActivities(kManager, list);
  ASSERT_TRUE(acts.ok());
  EXPECT_GE(acts->activities_size(), 3);
  bool phone_logged = false;
  for (const auto& act : acts->activities()) phone_logged |= act.detail().find("phone: ") != std::string::npos;
  EXPECT_TRUE(phone_logged);
}

TEST_F(ArchiveTest, ArchiveAndUnarchive) {
  Account a = Create(kKam, NewAccount("Old Client"));
  v1::ArchiveAccountRequest arch;
  arch.set_name(a.name());
  EXPECT_EQ(CodeOf(archive_->ArchiveAccount(kKam2, arch)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->ArchiveAccount(kClerk, arch)), Code::kPermissionDenied);
  arch.set_etag("stale");
  EXPECT_EQ(CodeOf(archive_->ArchiveAccount(kKam, arch)), Code::kAborted);
  arch.clear_etag();
  auto archived = archive_->ArchiveAccount(kKam, arch);
  ASSERT_TRUE(archived.ok());
  EXPECT_EQ(archived->state(), Account::ARCHIVED);
  EXPECT_EQ(CodeOf(archive_->ArchiveAccount(kKam, arch)), Code::kFailedPrecondition);
  EXPECT_EQ(CountAccounts(), 0);
  EXPECT_EQ(CountAccounts(Account::ARCHIVED), 1);

  v1::UpdateAccountRequest upd;
  upd.mutable_account()->set_name(a.name());
  upd.mutable_update_mask()->add_paths("phone");
  auto refused = archive_->UpdateAccount(kKam, upd);
  EXPECT_EQ(CodeOf(refused), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused.status()), "ACCOUNT_ARCHIVED");

  v1::UnarchiveAccountRequest un;
  un.set_name(a.name());
  EXPECT_EQ(CodeOf(archive_->UnarchiveAccount(kKam, un)), Code::kPermissionDenied);
  EXPECT_TRUE(archive_->UnarchiveAccount(kManager, un).ok());
  EXPECT_EQ(CodeOf(archive_->UnarchiveAccount(kManager, un)), Code::kFailedPrecondition);
  un.set_name("accounts/nope");
  EXPECT_EQ(CodeOf(archive_->UnarchiveAccount(kManager, un)), Code::kNotFound);
}

// ---- Contacts ----

TEST_F(ArchiveTest, ContactsLifecycleAndErrors) {
  Account a = Create(kKam, NewAccount("Contacts Co"));
  v1::CreateContactRequest req;
  req.set_parent(a.name());
  req.mutable_contact()->set_display_name("张伟");
  req.mutable_contact()->add_phones("138 0000 0000");
  req.mutable_contact()->set_preferred_channel(v1::CONTACT_CHANNEL_FAX);
  auto c = archive_->CreateContact(kClerk, req);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name().rfind(a.name() + "/contacts/", 0), 0u);
  EXPECT_EQ(CodeOf(archive_->CreateContact(kKam2, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->CreateContact(kFnb, req)), Code::kPermissionDenied);
  req.mutable_contact()->add_phones("call me");
  EXPECT_EQ(FieldOf(archive_->CreateContact(kKam, req).status()), "contact.phones[1]");
  req.mutable_contact()->clear_phones();
  req.set_parent("accounts/missing");
  EXPECT_EQ(CodeOf(archive_->CreateContact(kManager, req)), Code::kNotFound);
  req.set_parent("nope");
  EXPECT_EQ(FieldOf(archive_->CreateContact(kManager, req).status()), "parent");

  v1::UpdateContactRequest upd;
  upd.mutable_contact()->set_name(c->name());
  upd.mutable_contact()->set_title("总经理");
  upd.mutable_contact()->set_etag(c->etag());
  upd.mutable_update_mask()->add_paths("title");
  auto u = archive_->UpdateContact(kKam, upd);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->title(), "总经理");
  EXPECT_EQ(u->display_name(), "张伟");
  EXPECT_EQ(CodeOf(archive_->UpdateContact(kKam, upd)), Code::kAborted);
  upd.mutable_update_mask()->set_paths(0, "name");
  EXPECT_EQ(FieldOf(archive_->UpdateContact(kKam, upd).status()), "update_mask");

  v1::GetContactRequest get;
  get.set_name(c->name());
  EXPECT_TRUE(archive_->GetContact(kFnb, get).ok());
  v1::ListContactsRequest list;
  list.set_parent(a.name());
  EXPECT_EQ(archive_->ListContacts(kGm, list)->contacts_size(), 1);

  v1::DeleteContactRequest del;
  del.set_name(c->name());
  del.set_etag(c->etag());
  EXPECT_EQ(CodeOf(archive_->DeleteContact(kKam, del)), Code::kAborted);
  del.clear_etag();
  EXPECT_EQ(CodeOf(archive_->DeleteContact(kKam2, del)), Code::kPermissionDenied);
  EXPECT_TRUE(archive_->DeleteContact(kKam, del).ok());
  EXPECT_EQ(CodeOf(archive_->DeleteContact(kKam, del)), Code::kNotFound);
  EXPECT_EQ(CodeOf(archive_->GetContact(kKam, get)), Code::kNotFound);
}

// ---- Agreements ----

class AgreementTest : public ArchiveTest {
 protected:
  v1::Agreement Draft(const Account& a, type::v1::Date start, type::v1::Date end, const Principal& who = kKam) {
    v1::CreateAgreementRequest req;
    req.set_parent(a.name());
    auto* g = req.mutable_agreement();
    g->set_title("2027 corporate rates");
    auto* rate = g->add_rates();
    rate->set_room_type("deluxe_king");
    rate->mutable_nightly_rate()->set_amount_minor(68000);
    *g->mutable_start_date() = start;
    *g->mutable_end_date() = end;
    auto r = archive_->CreateAgreement(who, req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::Agreement();
  }
  absl::StatusOr<v1::Agreement> Activate(const Principal& who, const v1::Agreement& g) {
    v1::ActivateAgreementRequest req;
    req.set_name(g.name());
    return archive_->ActivateAgreement(who, req);
  }
};

TEST_F(AgreementTest, CreateValidates) {
  Account a = Create(kKam, NewAccount("Rates Co"));
  v1::CreateAgreementRequest req;
  req.set_parent(a.name());
  req.mutable_agreement()->set_title("x");
  EXPECT_EQ(FieldOf(archive_->CreateAgreement(kKam, req).status()), "agreement.rates");
  auto* rate = req.mutable_agreement()->add_rates();
  rate->set_room_type("twin");
  rate->mutable_nightly_rate()->set_amount_minor(-5);
  EXPECT_EQ(FieldOf(archive_->CreateAgreement(kKam, req).status()), "agreement.rates[0].nightly_rate.amount_minor");
  rate->mutable_nightly_rate()->set_amount_minor(50000);
  *req.mutable_agreement()->mutable_start_date() = D(2027, 2, 30);
  EXPECT_EQ(FieldOf(archive_->CreateAgreement(kKam, req).status()), "agreement.start_date");
  *req.mutable_agreement()->mutable_start_date() = D(2027, 3, 1);
  *req.mutable_agreement()->mutable_end_date() = D(2027, 2, 1);
  EXPECT_EQ(FieldOf(archive_->CreateAgreement(kKam, req).status()), "agreement.end_date");
  *req.mutable_agreement()->mutable_end_date() = D(2027, 12, 31);
  EXPECT_EQ(CodeOf(archive_->CreateAgreement(kClerk, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->CreateAgreement(kKam2, req)), Code::kPermissionDenied);
  auto g = archive_->CreateAgreement(kKam, req);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->state(), v1::Agreement::DRAFT);
  EXPECT_EQ(g->rates(0).nightly_rate().currency_code(), "CNY");
}

TEST_F(AgreementTest, ActivationRulesAndAgreementInForce) {
  Account a = Create(kKam, NewAccount("Rates Co"));
  v1::Agreement g1 = Draft(a, D(2026, 1, 1), D(2026, 12, 31));
  v1::Agreement g2 = Draft(a, D(2026, 12, 1), D(2027, 12, 31));
  v1::Agreement g3 = Draft(a, D(2027, 1, 1), D(2027, 12, 31));
  ASSERT_TRUE(Activate(kKam, g1).ok());
  EXPECT_EQ(CodeOf(Activate(kKam, g1)), Code::kFailedPrecondition);
  auto overlap = Activate(kKam, g2);
  EXPECT_EQ(CodeOf(overlap), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(overlap.status()), "AGREEMENT_OVERLAP");
  EXPECT_NE(overlap.status().message().find(g1.name()), std::string::npos);
  EXPECT_EQ(CodeOf(Activate(kKam2, g3)), Code::kPermissionDenied);
  ASSERT_TRUE(Activate(kKam, g3).ok());

  v1::GetAgreementInForceRequest in_force;
  in_force.set_account(a.name());
  *in_force.mutable_date() = D(2026, 11, 27);
  auto now = archive_->GetAgreementInForce(kFnb, in_force);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->name(), g1.name());
  *in_force.mutable_date() = D(2027, 6, 1);
  EXPECT_EQ(archive_->GetAgreementInForce(kFnb, in_force)->name(), g3.name());
  *in_force.mutable_date() = D(2028, 1, 1);
  EXPECT_EQ(CodeOf(archive_->GetAgreementInForce(kFnb, in_force)), Code::kNotFound);
  *in_force.mutable_date() = D(2028, 13, 1);
  EXPECT_EQ(FieldOf(archive_->GetAgreementInForce(kFnb, in_force).status()), "date");
  in_force.set_account("accounts/missing");
  *in_force.mutable_date() = D(2027, 1, 1);
  EXPECT_EQ(CodeOf(archive_->GetAgreementInForce(kFnb, in_force)), Code::kNotFound);

  // After its end date an active agreement reads as EXPIRED.
  clock_.Advance(absl::Hours(24 * 40));
  v1::GetAgreementRequest get;
  get.set_name(g1.name());
  EXPECT_EQ(archive_->GetAgreement(kKam, get)->state(), v1::Agreement::EXPIRED);
}

TEST_F(AgreementTest, VipAgreementNeedsTheManager) {
  Account vip = NewAccount("VIP Co");
  vip.set_vip_level(2);
  Account a = Create(kManager, vip);
  v1::Agreement g = Draft(a, D(2027, 1, 1), D(2027, 12, 31), kManager);
  auto refused = Activate(kKam, g);  // not the owner anyway, but the VIP rule is the point for the owner too
  EXPECT_EQ(CodeOf(refused), Code::kPermissionDenied);
  v1::UpdateAccountRequest give;
  give.mutable_account()->set_name(a.name());
  give.mutable_account()->set_owner("kam-li");
  give.mutable_update_mask()->add_paths("owner");
  ASSERT_TRUE(archive_->UpdateAccount(kManager, give).ok());
  refused = Activate(kKam, g);
  EXPECT_EQ(CodeOf(refused), Code::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("manager"), std::string::npos);
  EXPECT_TRUE(Activate(kManager, g).ok());
}

TEST_F(AgreementTest, UpdateOnlyDraftsAndTerminate) {
  Account a = Create(kKam, NewAccount("Rates Co"));
  v1::Agreement g = Draft(a, D(2027, 1, 1), D(2027, 12, 31));
  v1::UpdateAgreementRequest upd;
  upd.mutable_agreement()->set_name(g.name());
  upd.mutable_agreement()->set_terms("breakfast included");
  upd.mutable_update_mask()->add_paths("terms");
  ASSERT_TRUE(archive_->UpdateAgreement(kKam, upd).ok());
  upd.mutable_update_mask()->set_paths(0, "state");
  EXPECT_EQ(FieldOf(archive_->UpdateAgreement(kKam, upd).status()), "update_mask");
  upd.mutable_update_mask()->set_paths(0, "terms");
  ASSERT_TRUE(Activate(kKam, g).ok());
  EXPECT_EQ(CodeOf(archive_->UpdateAgreement(kKam, upd)), Code::kFailedPrecondition);

  v1::TerminateAgreementRequest term;
  term.set_name(g.name());
  EXPECT_EQ(FieldOf(archive_->TerminateAgreement(kKam, term).status()), "reason");
  term.set_reason("client moved its events to another city");
  EXPECT_EQ(CodeOf(archive_->TerminateAgreement(kKam2, term)), Code::kPermissionDenied);
  auto t = archive_->TerminateAgreement(kKam, term);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->state(), v1::Agreement::TERMINATED);
  EXPECT_EQ(CodeOf(archive_->TerminateAgreement(kKam, term)), Code::kFailedPrecondition);
  term.set_name(a.name() + "/agreements/missing");
  EXPECT_EQ(CodeOf(archive_->TerminateAgreement(kKam, term)), Code::kNotFound);
}

// ---- Visits ----

TEST_F(ArchiveTest, VisitPlanRecordAndOverdueList) {
  Account a = Create(kKam, NewAccount("Visit Co"));
  v1::CreateVisitRequest plan;
  plan.set_parent(a.name());
  *plan.mutable_visit()->mutable_planned_time() = ToProto(kStart + absl::Hours(2));
  plan.mutable_visit()->set_purpose("present the 2027 conference package");
  auto v = archive_->CreateVisit(kKam, plan);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->visitor(), "kam-li");
  plan.mutable_visit()->set_visitor("kam-zhao");
  EXPECT_EQ(CodeOf(archive_->CreateVisit(kKam, plan)), Code::kPermissionDenied);
  plan.mutable_visit()->clear_purpose();
  EXPECT_EQ(FieldOf(archive_->CreateVisit(kManager, plan).status()), "visit.purpose");
  plan.mutable_visit()->set_purpose("x");
  plan.mutable_visit()->clear_planned_time();
  EXPECT_EQ(FieldOf(archive_->CreateVisit(kManager, plan).status()), "visit.planned_time");

  v1::ListVisitsRequest overdue;
  overdue.set_parent("accounts/-");
  overdue.set_overdue_only(true);
  EXPECT_EQ(archive_->ListVisits(kManager, overdue)->visits_size(), 0);
  clock_.Advance(absl::Hours(3));
  auto late = archive_->ListVisits(kManager, overdue);
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->visits_size(), 1);
  EXPECT_EQ(late->visits(0).name(), v->name());
  EXPECT_EQ(CodeOf(archive_->ListVisits(kFnb, overdue)), Code::kPermissionDenied);

  v1::RecordVisitRequest rec;
  rec.set_name(v->name());
  EXPECT_EQ(FieldOf(archive_->RecordVisit(kKam, rec).status()), "outcome");
  rec.set_outcome("interested in a 300-person meeting in March");
  *rec.mutable_visit_time() = ToProto(clock_.Now() + absl::Hours(1));
  EXPECT_EQ(FieldOf(archive_->RecordVisit(kKam, rec).status()), "visit_time");
  rec.clear_visit_time();
  EXPECT_EQ(CodeOf(archive_->RecordVisit(kKam2, rec)), Code::kPermissionDenied);
  auto done = archive_->RecordVisit(kKam, rec);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state(), v1::Visit::DONE);
  EXPECT_EQ(CodeOf(archive_->RecordVisit(kKam, rec)), Code::kFailedPrecondition);
  EXPECT_EQ(archive_->ListVisits(kManager, overdue)->visits_size(), 0);

  v1::ListActivitiesRequest hist;
  hist.set_parent(a.name());
  hist.set_type(v1::Activity::VISIT);
  EXPECT_EQ(archive_->ListActivities(kManager, hist)->activities_size(), 1);

  v1::CancelVisitRequest cancel;
  cancel.set_name(v->name());
  cancel.set_reason("client busy");
  EXPECT_EQ(CodeOf(archive_->CancelVisit(kKam, cancel)), Code::kFailedPrecondition);
}

// ---- Activities and preferences ----

TEST_F(ArchiveTest, ActivitiesAreAppendOnlyAndValidated) {
  Account a = Create(kKam, NewAccount("History Co"));
  v1::CreateActivityRequest req;
  req.set_parent(a.name());
  req.mutable_activity()->set_type(v1::Activity::OFFER);
  req.mutable_activity()->set_summary("offered 10% on venue hire");
  auto act = archive_->CreateActivity(kKam, req);
  ASSERT_TRUE(act.ok());
  EXPECT_EQ(act->actor(), "kam-li");
  EXPECT_EQ(act->actor_display_name(), "Li Na");
  EXPECT_TRUE(archive_->CreateActivity(kMeetings, req).ok());
  EXPECT_EQ(CodeOf(archive_->CreateActivity(kKam2, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->CreateActivity(kFnb, req)), Code::kPermissionDenied);
  req.mutable_activity()->set_type(v1::Activity::ACCOUNT_CHANGE);
  EXPECT_EQ(FieldOf(archive_->CreateActivity(kKam, req).status()), "activity.type");
  req.mutable_activity()->set_type(v1::Activity::NOTE);
  req.mutable_activity()->set_summary("");
  EXPECT_EQ(FieldOf(archive_->CreateActivity(kKam, req).status()), "activity.summary");
  v1::GetActivityRequest get;
  get.set_name(act->name());
  EXPECT_EQ(archive_->GetActivity(kGm, get)->summary(), "offered 10% on venue hire");
  get.set_name(a.name() + "/activities/missing");
  EXPECT_EQ(CodeOf(archive_->GetActivity(kGm, get)), Code::kNotFound);
}

TEST_F(ArchiveTest, PreferencesWrittenBackByServices) {
  Account a = Create(kKam, NewAccount("Pref Co"));
  v1::CreatePreferenceRequest req;
  req.set_parent(a.name());
  req.mutable_preference()->set_category(v1::Preference::DIETARY);
  req.mutable_preference()->set_description("chairman is vegetarian; no peanuts at any meal");
  req.mutable_preference()->set_source_type(v1::Preference::MEETING);
  req.mutable_preference()->set_source("meetings/42");
  req.set_request_id("meeting-42-pref-1");
  auto p = archive_->CreatePreference(kMeetings, req);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(archive_->CreatePreference(kMeetings, req)->name(), p->name());  // retried write-back
  req.set_request_id("");
  req.mutable_preference()->set_category(v1::Preference::CATEGORY_UNSPECIFIED);
  EXPECT_EQ(FieldOf(archive_->CreatePreference(kMeetings, req).status()), "preference.category");
  req.mutable_preference()->set_category(v1::Preference::ROOM);
  req.mutable_preference()->set_source_type(v1::Preference::SOURCE_TYPE_UNSPECIFIED);
  EXPECT_EQ(FieldOf(archive_->CreatePreference(kMeetings, req).status()), "preference.source_type");
  EXPECT_EQ(CodeOf(archive_->CreatePreference(kFnb, req)), Code::kPermissionDenied);

  v1::ListPreferencesRequest list;
  list.set_parent(a.name());
  list.set_category(v1::Preference::DIETARY);
  EXPECT_EQ(archive_->ListPreferences(kFnb, list)->preferences_size(), 1);
  list.set_category(v1::Preference::ROOM);
  EXPECT_EQ(archive_->ListPreferences(kFnb, list)->preferences_size(), 0);

  v1::DeletePreferenceRequest del;
  del.set_name(p->name());
  EXPECT_EQ(CodeOf(archive_->DeletePreference(kKam2, del)), Code::kPermissionDenied);
  EXPECT_TRUE(archive_->DeletePreference(kClerk, del).ok());
  EXPECT_EQ(CodeOf(archive_->DeletePreference(kClerk, del)), Code::kNotFound);
}

// ---- Feedback ----

TEST_F(ArchiveTest, MajorComplaintGoesToTheManager) {
  Account a = Create(kKam, NewAccount("Complaint Co"));
  v1::CreateFeedbackRequest req;
  req.set_parent(a.name());
  req.mutable_feedback()->set_kind(v1::Feedback::COMPLAINT);
  req.mutable_feedback()->set_severity(v1::Feedback::MAJOR);
  req.mutable_feedback()->set_subject("projector failed during the keynote");
  auto f = archive_->CreateFeedback(kFnb, req);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->response_due_time().seconds(), absl::ToUnixSeconds(kStart + absl::Hours(4)));
  EXPECT_EQ(f->state(), v1::Feedback::RECEIVED);
  req.mutable_feedback()->set_severity(v1::Feedback::SEVERITY_UNSPECIFIED);
  EXPECT_EQ(FieldOf(archive_->CreateFeedback(kFnb, req).status()), "feedback.severity");
  req.mutable_feedback()->set_severity(v1::Feedback::MINOR);
  *req.mutable_feedback()->mutable_response_due_time() = ToProto(kStart - absl::Hours(1));
  EXPECT_EQ(FieldOf(archive_->CreateFeedback(kFnb, req).status()), "feedback.response_due_time");

  v1::ListFeedbackRequest queue;
  queue.set_parent("accounts/-");
  queue.set_major_open_only(true);
  EXPECT_EQ(archive_->ListFeedback(kManager, queue)->feedback_size(), 1);
  v1::ListFeedbackRequest overdue;
  overdue.set_parent("accounts/-");
  overdue.set_overdue_only(true);
  EXPECT_EQ(archive_->ListFeedback(kManager, overdue)->feedback_size(), 0);
  clock_.Advance(absl::Hours(5));
  EXPECT_EQ(archive_->ListFeedback(kManager, overdue)->feedback_size(), 1);

  v1::AnswerFeedbackRequest answer;
  answer.set_name(f->name());
  answer.set_answer("engineering replaced the projector; apology and a free coffee break");
  EXPECT_EQ(CodeOf(archive_->AnswerFeedback(kManager, answer)), Code::kFailedPrecondition);

  v1::AssignFeedbackRequest assign;
  assign.set_name(f->name());
  assign.set_assignee("kam-li");
  EXPECT_EQ(CodeOf(archive_->AssignFeedback(kKam, assign)), Code::kPermissionDenied);
  assign.clear_assignee();
  EXPECT_EQ(FieldOf(archive_->AssignFeedback(kManager, assign).status()), "assignee");
  assign.set_assignee("kam-li");
  ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());

  EXPECT_EQ(CodeOf(archive_->AnswerFeedback(kKam2, answer)), Code::kPermissionDenied);
  answer.set_answer("");
  EXPECT_EQ(FieldOf(archive_->AnswerFeedback(kKam, answer).status()), "answer");
  answer.set_answer("replaced the projector");
  ASSERT_TRUE(archive_->AnswerFeedback(kKam, answer).ok());
  EXPECT_EQ(archive_->ListFeedback(kManager, overdue)->feedback_size(), 0);

  v1::CloseFeedbackRequest close;
  close.set_name(f->name());
  EXPECT_EQ(CodeOf(archive_->CloseFeedback(kKam, close)), Code::kPermissionDenied);
  ASSERT_TRUE(archive_->CloseFeedback(kManager, close).ok());
  EXPECT_EQ(CodeOf(archive_->CloseFeedback(kManager, close)), Code::kFailedPrecondition);
  EXPECT_EQ(archive_->ListFeedback(kManager, queue)->feedback_size(), 0);
  EXPECT_EQ(CodeOf(archive_->ListFeedback(kFnb, queue)), Code::kPermissionDenied);
}

// The alerts waiting in the outbox: (recipient, request_id, source).
std::vector<std::tuple<std::string, std::string, std::string>> Outbox(ClientsStore* store) {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  EXPECT_TRUE(store
                  ->Read([&](ClientsTx& tx) -> absl::Status {
                    auto due = tx.DueOutbox(std::numeric_limits<int64_t>::max(), 1000);
                    if (!due.ok()) return due.status();
                    for (const OutboxMessage& m : *due) {
                      EXPECT_EQ(m.peer, "notifications");
                      EXPECT_EQ(m.method, "/atrium.notifications.v1.NotificationsService/CreateAlert");
                      notifications::v1::CreateAlertRequest req;
                      EXPECT_TRUE(req.ParseFromString(m.body));
                      EXPECT_FALSE(req.alert().title().empty());
                      out.emplace_back(req.alert().recipient(), req.request_id(), req.alert().source());
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  return out;
}

std::vector<std::string> Recipients(ClientsStore* store) {
  std::vector<std::string> out;
  for (const auto& [recipient, id, source] : Outbox(store)) out.push_back(recipient);
  return out;
}

// 收集客户意见资料,及时向餐饮部或房务部反馈: the departments named are
// alerted, read the entry and reply; a major complaint alerts the manager.
TEST_F(ArchiveTest, FeedbackReachesTheDepartmentsItConcernsWhoReply) {
  Account a = Create(kKam, NewAccount("Banquet Co"));
  const Principal rooms{"rooms-desk", "Rooms", Role::kDepartment, "rooms"};
  const Principal security{"sec-desk", "Security", Role::kDepartment, "security"};
  v1::CreateFeedbackRequest req;
  req.set_parent(a.name());
  req.set_request_id("fb-1");
  v1::Feedback& in = *req.mutable_feedback();
  in.set_kind(v1::Feedback::COMPLAINT);
  in.set_severity(v1::Feedback::MAJOR);
  in.set_subject("cold soup at the gala dinner and a noisy room");
  in.add_departments("fnb");
  in.add_departments("nowhere");
  EXPECT_EQ(FieldOf(archive_->CreateFeedback(kClerk, req).status()), "feedback.departments");
  in.set_departments(1, "fnb");
  EXPECT_EQ(FieldOf(archive_->CreateFeedback(kClerk, req).status()), "feedback.departments");
  in.set_departments(1, "rooms");
  EXPECT_TRUE(Outbox(store_.get()).empty());  // nothing refused left anything behind
  auto f = archive_->CreateFeedback(kClerk, req);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->departments_size(), 2);
  EXPECT_EQ(Recipients(store_.get()), (std::vector<std::string>{"department/fnb", "department/rooms", "role/manager"}));
  for (const auto& [recipient, id, source] : Outbox(store_.get())) EXPECT_EQ(source, f->name());
  // A retry creates nothing and queues nothing more.
  ASSERT_TRUE(archive_->CreateFeedback(kClerk, req).ok());
  EXPECT_EQ(Outbox(store_.get()).size(), 3u);

  v1::GetFeedbackRequest get;
  get.set_name(f->name());
  EXPECT_TRUE(archive_->GetFeedback(kFnb, get).ok());
  EXPECT_TRUE(archive_->GetFeedback(rooms, get).ok());
  EXPECT_EQ(CodeOf(archive_->GetFeedback(security, get)), Code::kPermissionDenied);

  v1::ReplyToFeedbackRequest reply;
  reply.set_name(f->name());
  EXPECT_EQ(FieldOf(archive_->ReplyToFeedback(kFnb, reply).status()), "text");
  reply.set_text("the soup station was re-heated; the chef apologised at table 4");
  EXPECT_EQ(CodeOf(archive_->ReplyToFeedback(security, reply)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->ReplyToFeedback(kManager, reply)), Code::kPermissionDenied);
  reply.set_etag("stale");
  EXPECT_EQ(CodeOf(archive_->ReplyToFeedback(kFnb, reply)), Code::kAborted);
  reply.set_etag(f->etag());
  auto replied = archive_->ReplyToFeedback(kFnb, reply);
  ASSERT_TRUE(replied.ok()) << replied.status();
  ASSERT_EQ(replied->replies_size(), 1);
  EXPECT_EQ(replied->replies(0).department(), "fnb");
  EXPECT_EQ(replied->replies(0).author(), "fnb-desk");
  // Nobody is assigned yet: the manager hears of the reply.
  EXPECT_EQ(Recipients(store_.get()).back(), "role/manager");
  EXPECT_EQ(std::get<1>(Outbox(store_.get()).back()),
            "feedback." + f->name().substr(f->name().rfind('/') + 1) + ".reply.1");

  v1::AssignFeedbackRequest assign;
  assign.set_name(f->name());
  assign.set_assignee("kam-li");
  ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());
  reply.clear_etag();
  reply.set_text("room 1208 moved to a quiet floor");
  ASSERT_TRUE(archive_->ReplyToFeedback(rooms, reply).ok());
  EXPECT_EQ(Recipients(store_.get()).back(), "staff/kam-li");
  EXPECT_EQ(archive_->GetFeedback(kKam, get)->replies_size(), 2);

  // A minor suggestion for F&B alone alerts F&B only.
  v1::CreateFeedbackRequest minor;
  minor.set_parent(a.name());
  minor.mutable_feedback()->set_kind(v1::Feedback::SUGGESTION);
  minor.mutable_feedback()->set_severity(v1::Feedback::MINOR);
  minor.mutable_feedback()->set_subject("more vegetarian dishes at the buffet");
  minor.mutable_feedback()->add_departments("fnb");
  const size_t before = Outbox(store_.get()).size();
  ASSERT_TRUE(archive_->CreateFeedback(kClerk, minor).ok());
  ASSERT_EQ(Outbox(store_.get()).size(), before + 1);
  EXPECT_EQ(Recipients(store_.get()).back(), "department/fnb");
}

// ReplyToFeedback's documented errors, tried as an outsider would: a
// malformed or unknown name, bad text, a closed entry, the reply limit.
TEST_F(ArchiveTest, ReplyToFeedbackRefusesWhatItDocuments) {
  Account a = Create(kKam, NewAccount("Reply Limits Co"));
  v1::CreateFeedbackRequest req;
  req.set_parent(a.name());
  req.mutable_feedback()->set_kind(v1::Feedback::SUGGESTION);
  req.mutable_feedback()->set_severity(v1::Feedback::MINOR);
  req.mutable_feedback()->set_subject("a later breakfast on Sundays");
  req.mutable_feedback()->add_departments("fnb");
  auto f = archive_->CreateFeedback(kClerk, req);
  ASSERT_TRUE(f.ok()) << f.status();
  const size_t queued = Outbox(store_.get()).size();

  v1::ReplyToFeedbackRequest reply;
  reply.set_text("breakfast until 11:00 on Sundays from next week");
  for (const char* bad : {"feedback/1", "accounts/x/feedback/", "accounts/ 1/feedback/2", "accounts/x/visits/y"}) {
    reply.set_name(bad);
    EXPECT_EQ(FieldOf(archive_->ReplyToFeedback(kFnb, reply).status()), "name") << bad;
  }
  reply.set_name(a.name() + "/feedback/0000000000000000000a");
  EXPECT_EQ(CodeOf(archive_->ReplyToFeedback(kFnb, reply)), Code::kNotFound);
  reply.set_name(f->name());
  reply.set_text("\xff\xfe");
  EXPECT_EQ(FieldOf(archive_->ReplyToFeedback(kFnb, reply).status()), "text");
  reply.set_text(std::string(5001, 'x'));
  EXPECT_EQ(FieldOf(archive_->ReplyToFeedback(kFnb, reply).status()), "text");
  EXPECT_EQ(Outbox(store_.get()).size(), queued);  // nothing refused queued anything
  v1::GetFeedbackRequest get;
  get.set_name(f->name());
  EXPECT_EQ(archive_->GetFeedback(kFnb, get)->replies_size(), 0);

  reply.set_text("noted");
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(archive_->ReplyToFeedback(kFnb, reply).ok()) << i;
  EXPECT_EQ(ReasonOf(archive_->ReplyToFeedback(kFnb, reply).status()), "TOO_MANY_REPLIES");

  v1::AssignFeedbackRequest assign;
  assign.set_name(f->name());
  assign.set_assignee("kam-li");
  ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());
  v1::AnswerFeedbackRequest answer;
  answer.set_name(f->name());
  answer.set_answer("breakfast runs later on Sundays");
  ASSERT_TRUE(archive_->AnswerFeedback(kKam, answer).ok());
  v1::CloseFeedbackRequest close;
  close.set_name(f->name());
  ASSERT_TRUE(archive_->CloseFeedback(kKam, close).ok());
  EXPECT_EQ(ReasonOf(archive_->ReplyToFeedback(kFnb, reply).status()), "FEEDBACK_CLOSED");
}

// An entry not answered by its due time alerts its assignee and the
// manager, once; one received already past due is alerted as it arrives.
TEST_F(ArchiveTest, OverdueFeedbackAlertsTheAssigneeAndTheManagerOnce) {
  Account a = Create(kKam, NewAccount("Overdue Co"));
  v1::CreateFeedbackRequest req;
  req.set_parent(a.name());
  req.mutable_feedback()->set_kind(v1::Feedback::COMPLAINT);
  req.mutable_feedback()->set_severity(v1::Feedback::MINOR);
  req.mutable_feedback()->set_subject("slow check-in for the delegates");
  auto f = archive_->CreateFeedback(kClerk, req);
  ASSERT_TRUE(f.ok()) << f.status();
  v1::AssignFeedbackRequest assign;
  assign.set_name(f->name());
  assign.set_assignee("kam-li");
  ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());
  EXPECT_EQ(*archive_->ReportOverdueFeedback(), 0);
  EXPECT_TRUE(Outbox(store_.get()).empty());

  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(*archive_->ReportOverdueFeedback(), 1);
  EXPECT_EQ(Recipients(store_.get()), (std::vector<std::string>{"role/manager", "staff/kam-li"}));
  EXPECT_EQ(*archive_->ReportOverdueFeedback(), 0);  // once
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(*archive_->ReportOverdueFeedback(), 0);

  // Logged late: received two days ago, due a day ago, before the last check.
  req.mutable_feedback()->set_subject("no water on the tables");
  *req.mutable_feedback()->mutable_receive_time() = ToProto(clock_.Now() - absl::Hours(48));
  ASSERT_TRUE(archive_->CreateFeedback(kClerk, req).ok());
  EXPECT_EQ(Recipients(store_.get()).size(), 3u);
  EXPECT_EQ(Recipients(store_.get()).back(), "role/manager");
  EXPECT_EQ(*archive_->ReportOverdueFeedback(), 0);

  // An answered entry is not overdue.
  req.mutable_feedback()->clear_receive_time();
  req.mutable_feedback()->set_subject("answered in time");
  auto g = archive_->CreateFeedback(kClerk, req);
  ASSERT_TRUE(g.ok());
  assign.set_name(g->name());
  ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());
  v1::AnswerFeedbackRequest answer;
  answer.set_name(g->name());
  answer.set_answer("a second desk opened");
  ASSERT_TRUE(archive_->AnswerFeedback(kKam, answer).ok());
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(*archive_->ReportOverdueFeedback(), 0);
  EXPECT_EQ(Recipients(store_.get()).size(), 3u);
}

TEST_F(ArchiveTest, APlannedVisitIsRescheduled) {
  Account a = Create(kKam, NewAccount("Reschedule Co"));
  v1::CreateVisitRequest plan;
  plan.set_parent(a.name());
  *plan.mutable_visit()->mutable_planned_time() = ToProto(kStart + absl::Hours(2));
  plan.mutable_visit()->set_purpose("present the 2027 conference package");
  auto v = archive_->CreateVisit(kKam, plan);
  ASSERT_TRUE(v.ok()) << v.status();
  clock_.Advance(absl::Hours(3));  // overdue now
  v1::ListVisitsRequest overdue;
  overdue.set_parent("accounts/-");
  overdue.set_overdue_only(true);
  EXPECT_EQ(archive_->ListVisits(kManager, overdue)->visits_size(), 1);

  v1::RescheduleVisitRequest move;
  move.set_name(v->name());
  EXPECT_EQ(FieldOf(archive_->RescheduleVisit(kKam, move).status()), "planned_time");
  move.mutable_planned_time()->set_seconds(int64_t{1} << 62);  // out of range
  EXPECT_EQ(FieldOf(archive_->RescheduleVisit(kKam, move).status()), "planned_time");
  *move.mutable_planned_time() = ToProto(kStart + absl::Hours(48));
  move.mutable_planned_time()->set_nanos(-1);
  EXPECT_EQ(FieldOf(archive_->RescheduleVisit(kKam, move).status()), "planned_time.nanos");
  *move.mutable_planned_time() = ToProto(kStart + absl::Hours(48));
  EXPECT_EQ(CodeOf(archive_->RescheduleVisit(kKam2, move)), Code::kPermissionDenied);  // not their account
  EXPECT_EQ(CodeOf(archive_->RescheduleVisit(kClerk, move)), Code::kPermissionDenied);
  move.set_etag("stale");
  EXPECT_EQ(CodeOf(archive_->RescheduleVisit(kKam, move)), Code::kAborted);
  move.set_etag(v->etag());
  auto moved = archive_->RescheduleVisit(kKam, move);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->planned_time().seconds(), absl::ToUnixSeconds(kStart + absl::Hours(48)));
  EXPECT_EQ(moved->purpose(), v->purpose());
  EXPECT_EQ(moved->state(), v1::Visit::PLANNED);
  EXPECT_EQ(archive_->ListVisits(kManager, overdue)->visits_size(), 0);  // not overdue any more

  v1::CancelVisitRequest cancel;
  cancel.set_name(v->name());
  cancel.set_reason("client busy");
  ASSERT_TRUE(archive_->CancelVisit(kKam, cancel).ok());
  move.clear_etag();
  EXPECT_EQ(ReasonOf(archive_->RescheduleVisit(kKam, move).status()), "VISIT_NOT_PLANNED");
}

TEST_F(ArchiveTest, FeedbackIsListedByAssignee) {
  Account a = Create(kKam, NewAccount("Assignee Co"));
  std::vector<std::string> names;
  for (const char* subject : {"slow check-in", "cold coffee", "noisy room"}) {
    v1::CreateFeedbackRequest req;
    req.set_parent(a.name());
    req.mutable_feedback()->set_kind(v1::Feedback::COMPLAINT);
    req.mutable_feedback()->set_severity(v1::Feedback::MINOR);
    req.mutable_feedback()->set_subject(subject);
    auto f = archive_->CreateFeedback(kFnb, req);
    ASSERT_TRUE(f.ok()) << f.status();
    names.push_back(f->name());
  }
  for (int i = 0; i < 2; ++i) {
    v1::AssignFeedbackRequest assign;
    assign.set_name(names[i]);
    assign.set_assignee(i == 0 ? "kam-li" : "kam-zhao");
    ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());
  }
  v1::ListFeedbackRequest mine;
  mine.set_parent("accounts/-");
  mine.set_assignee("kam-li");
  auto li = archive_->ListFeedback(kKam, mine);
  ASSERT_TRUE(li.ok()) << li.status();
  ASSERT_EQ(li->feedback_size(), 1);
  EXPECT_EQ(li->feedback(0).name(), names[0]);
  mine.set_assignee("kam-zhao");
  mine.set_parent(a.name());
  ASSERT_EQ(archive_->ListFeedback(kManager, mine)->feedback_size(), 1);
  mine.set_assignee("nobody");
  EXPECT_EQ(archive_->ListFeedback(kManager, mine)->feedback_size(), 0);
  mine.set_assignee("bad\nid");
  EXPECT_EQ(FieldOf(archive_->ListFeedback(kManager, mine).status()), "assignee");
  mine.clear_assignee();
  EXPECT_EQ(archive_->ListFeedback(kManager, mine)->feedback_size(), 3);
}

// ---- Receivables ----

TEST_F(ArchiveTest, LedgerIsIdempotentByReferenceAndAges) {
  Account a = Create(kKam, NewAccount("Owes Co"));
  Account b = Create(kKam2, NewAccount("Also Owes Co"));
  auto post = [&](const Account& acc, v1::LedgerEntry::Type type, int64_t amount, const std::string& ref,
                  type::v1::Date date, const Principal& who = kFinance) {
    v1::CreateLedgerEntryRequest req;
    req.set_parent(acc.name());
    req.mutable_entry()->set_type(type);
    req.mutable_entry()->mutable_amount()->set_amount_minor(amount);
    req.mutable_entry()->set_reference(ref);
    *req.mutable_entry()->mutable_entry_date() = date;
    return archive_->CreateLedgerEntry(who, req);
  };
  auto charge = post(a, v1::LedgerEntry::CHARGE, 100000, "INV-1", D(2026, 7, 1));
  ASSERT_TRUE(charge.ok()) << charge.status();
  EXPECT_EQ(post(a, v1::LedgerEntry::CHARGE, 100000, "INV-1", D(2026, 7, 1))->name(), charge->name());
  auto reused = post(a, v1::LedgerEntry::CHARGE, 999, "INV-1", D(2026, 7, 1));
  EXPECT_EQ(CodeOf(reused), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(reused.status()), "REFERENCE_REUSED");
  ASSERT_TRUE(post(a, v1::LedgerEntry::CHARGE, 50000, "INV-2", D(2026, 11, 20), kMeetings).ok());
  ASSERT_TRUE(post(a, v1::LedgerEntry::PAYMENT, 30000, "RCPT-1", D(2026, 11, 1)).ok());
  ASSERT_TRUE(post(b, v1::LedgerEntry::CHARGE, 7000, "INV-1", D(2026, 10, 1)).ok());  // references are per account
  EXPECT_EQ(FieldOf(post(a, v1::LedgerEntry::PAYMENT, -1, "R", D(2026, 1, 1)).status()), "entry.amount.amount_minor");
  EXPECT_EQ(FieldOf(post(a, v1::LedgerEntry::ADJUSTMENT, 0, "R", D(2026, 1, 1)).status()), "entry.amount.amount_minor");
  EXPECT_EQ(FieldOf(post(a, v1::LedgerEntry::CHARGE, 1, "", D(2026, 1, 1)).status()), "entry.reference");
  EXPECT_EQ(FieldOf(post(a, v1::LedgerEntry::CHARGE, 1, "R", D(2026, 2, 29)).status()), "entry.entry_date");
  EXPECT_EQ(CodeOf(post(a, v1::LedgerEntry::CHARGE, 1, "R", D(2026, 1, 1), kKam)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(post(a, v1::LedgerEntry::CHARGE, 1, "R", D(2026, 1, 1), kFnb)), Code::kPermissionDenied);
  v1::CreateLedgerEntryRequest usd;
  usd.set_parent(a.name());
  usd.mutable_entry()->set_type(v1::LedgerEntry::CHARGE);
  usd.mutable_entry()->mutable_amount()->set_currency_code("USD");
  usd.mutable_entry()->mutable_amount()->set_amount_minor(100);
  EXPECT_EQ(FieldOf(archive_->CreateLedgerEntry(kFinance, usd).status()), "entry.amount.currency_code");

  v1::GetReceivablesRequest rq;
  rq.set_name(a.name() + "/receivables");
  auto r = archive_->GetReceivables(kKam, rq);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->as_of().day(), 27);
  EXPECT_EQ(r->balance().amount_minor(), 120000);
  EXPECT_EQ(r->days_0_30().amount_minor(), 50000);
  EXPECT_EQ(r->over_90_days().amount_minor(), 70000);  // 149 days old, 30000 of it paid
  EXPECT_EQ(CodeOf(archive_->GetReceivables(kKam2, rq)), Code::kPermissionDenied);
  rq.set_name("accounts/-/receivables");
  EXPECT_EQ(CodeOf(archive_->GetReceivables(kKam, rq)), Code::kPermissionDenied);
  auto book = archive_->GetReceivables(kGm, rq);
  ASSERT_TRUE(book.ok());
  EXPECT_EQ(book->balance().amount_minor(), 127000);
  EXPECT_EQ(book->days_31_60().amount_minor(), 7000);
  rq.set_name("accounts/-/balance");
  EXPECT_EQ(FieldOf(archive_->GetReceivables(kGm, rq).status()), "name");
  rq.set_name("accounts/missing/receivables");
  EXPECT_EQ(CodeOf(archive_->GetReceivables(kGm, rq)), Code::kNotFound);

  v1::ListLedgerEntriesRequest list;
  list.set_parent(a.name());
  auto entries = archive_->ListLedgerEntries(kFinance, list);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->entries_size(), 3);
  EXPECT_EQ(entries->entries(0).reference(), "INV-1");  // oldest entry date first
  EXPECT_EQ(CodeOf(archive_->ListLedgerEntries(kKam2, list)), Code::kPermissionDenied);
}

// ---- Values out of range ----

TEST_F(AgreementTest, ANegotiatedRateBeyondTheLargestAmountIsRefusedAndNothingIsStored) {
  Account a = Create(kKam, NewAccount("Max Rate Co"));
  v1::CreateAgreementRequest req;
  req.set_parent(a.name());
  req.mutable_agreement()->set_title("2027 rates");
  auto* rate = req.mutable_agreement()->add_rates();
  rate->set_room_type("twin");
  rate->mutable_nightly_rate()->set_amount_minor(std::numeric_limits<int64_t>::max());
  *req.mutable_agreement()->mutable_start_date() = D(2027, 1, 1);
  *req.mutable_agreement()->mutable_end_date() = D(2027, 12, 31);
  auto refused = archive_->CreateAgreement(kKam, req);
  EXPECT_EQ(CodeOf(refused), Code::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused.status()), "agreement.rates[0].nightly_rate.amount_minor");
  rate->mutable_nightly_rate()->set_amount_minor(kMaxAmountMinor + 1);
  EXPECT_EQ(FieldOf(archive_->CreateAgreement(kKam, req).status()), "agreement.rates[0].nightly_rate.amount_minor");
  // Dates outside 1900..2200 are refused by field.
  rate->mutable_nightly_rate()->set_amount_minor(68000);
  *req.mutable_agreement()->mutable_start_date() = D(0, 1, 1);
  EXPECT_EQ(FieldOf(archive_->CreateAgreement(kKam, req).status()), "agreement.start_date");
  *req.mutable_agreement()->mutable_start_date() = D(2027, 1, 1);
  *req.mutable_agreement()->mutable_end_date() = D(50000, 1, 1);
  EXPECT_EQ(FieldOf(archive_->CreateAgreement(kKam, req).status()), "agreement.end_date");
  v1::ListAgreementsRequest list;
  list.set_parent(a.name());
  auto listed = archive_->ListAgreements(kKam, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->agreements_size(), 0);
  v1::GetAgreementInForceRequest in_force;
  in_force.set_account(a.name());
  *in_force.mutable_date() = D(10000, 1, 1);
  EXPECT_EQ(FieldOf(archive_->GetAgreementInForce(kFnb, in_force).status()), "date");
}

TEST_F(AgreementTest, AnUpdatedEndDateIsTakenWholeAndValidatedAsSent) {
  Account a = Create(kKam, NewAccount("Mask Co"));
  v1::Agreement g = Draft(a, D(2026, 12, 1), D(2027, 12, 31));
  v1::UpdateAgreementRequest upd;
  upd.mutable_agreement()->set_name(g.name());
  *upd.mutable_agreement()->mutable_end_date() = D(0, 1, 1);  // year 0 is not merged with 2027
  upd.mutable_update_mask()->add_paths("end_date");
  auto refused = archive_->UpdateAgreement(kKam, upd);
  EXPECT_EQ(CodeOf(refused), Code::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused.status()), "agreement.end_date");
  v1::GetAgreementRequest get;
  get.set_name(g.name());
  auto stored = archive_->GetAgreement(kKam, get);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->end_date().year(), 2027);
  EXPECT_EQ(stored->end_date().month(), 12);
  EXPECT_EQ(stored->end_date().day(), 31);
  EXPECT_EQ(stored->etag(), g.etag());
  // A date sent whole replaces the old one whole.
  *upd.mutable_agreement()->mutable_end_date() = D(2027, 6, 30);
  auto changed = archive_->UpdateAgreement(kKam, upd);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->end_date().month(), 6);
  EXPECT_EQ(changed->end_date().day(), 30);
}

TEST_F(ArchiveTest, TimestampsOutOfRangeAreRefusedByFieldAndNothingIsStored) {
  Account a = Create(kKam, NewAccount("Far Future Co"));
  v1::CreateVisitRequest plan;
  plan.set_parent(a.name());
  plan.mutable_visit()->set_purpose("present the package");
  plan.mutable_visit()->mutable_planned_time()->set_seconds(253402300800);  // 10000-01-01
  EXPECT_EQ(FieldOf(archive_->CreateVisit(kKam, plan).status()), "visit.planned_time");
  plan.mutable_visit()->mutable_planned_time()->set_seconds(-62167219200);  // 0000-01-01
  EXPECT_EQ(FieldOf(archive_->CreateVisit(kKam, plan).status()), "visit.planned_time");
  *plan.mutable_visit()->mutable_planned_time() = ToProto(kStart + absl::Hours(24 * 366 * 6));
  EXPECT_EQ(FieldOf(archive_->CreateVisit(kKam, plan).status()), "visit.planned_time");
  *plan.mutable_visit()->mutable_planned_time() = ToProto(kStart + absl::Hours(2));
  plan.mutable_visit()->mutable_planned_time()->set_nanos(1'000'000'000);
  EXPECT_EQ(FieldOf(archive_->CreateVisit(kKam, plan).status()), "visit.planned_time.nanos");
  plan.mutable_visit()->mutable_planned_time()->set_nanos(-1);
  EXPECT_EQ(FieldOf(archive_->CreateVisit(kKam, plan).status()), "visit.planned_time.nanos");
  v1::ListVisitsRequest visits;
  visits.set_parent(a.name());
  EXPECT_EQ(archive_->ListVisits(kManager, visits)->visits_size(), 0);

  v1::CreateActivityRequest act;
  act.set_parent(a.name());
  act.mutable_activity()->set_type(v1::Activity::NOTE);
  act.mutable_activity()->set_summary("met at the fair");
  act.mutable_activity()->mutable_occur_time()->set_seconds(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(FieldOf(archive_->CreateActivity(kKam, act).status()), "activity.occur_time");

  v1::CreateFeedbackRequest fb;
  fb.set_parent(a.name());
  fb.mutable_feedback()->set_kind(v1::Feedback::COMPLAINT);
  fb.mutable_feedback()->set_severity(v1::Feedback::MINOR);
  fb.mutable_feedback()->set_subject("noisy room");
  fb.mutable_feedback()->mutable_response_due_time()->set_seconds(int64_t{1} << 62);
  EXPECT_EQ(FieldOf(archive_->CreateFeedback(kFnb, fb).status()), "feedback.response_due_time");
  fb.mutable_feedback()->clear_response_due_time();
  fb.mutable_feedback()->mutable_receive_time()->set_seconds(-62167219200);
  EXPECT_EQ(FieldOf(archive_->CreateFeedback(kFnb, fb).status()), "feedback.receive_time");
  v1::ListActivitiesRequest hist;
  hist.set_parent(a.name());
  hist.set_type(v1::Activity::NOTE);
  EXPECT_EQ(archive_->ListActivities(kManager, hist)->activities_size(), 0);
}

TEST_F(ArchiveTest, ALedgerNeverSumsBeyondTheLargestAmount) {
  Account a = Create(kKam, NewAccount("Huge Debt Co"));
  auto post = [&](v1::LedgerEntry::Type type, int64_t amount, const std::string& ref) {
    v1::CreateLedgerEntryRequest req;
    req.set_parent(a.name());
    req.mutable_entry()->set_type(type);
    req.mutable_entry()->mutable_amount()->set_amount_minor(amount);
    req.mutable_entry()->set_reference(ref);
    *req.mutable_entry()->mutable_entry_date() = D(2026, 11, 1);
    return archive_->CreateLedgerEntry(kFinance, req);
  };
  EXPECT_EQ(FieldOf(post(v1::LedgerEntry::CHARGE, std::numeric_limits<int64_t>::max(), "INV-0").status()),
            "entry.amount.amount_minor");
  ASSERT_TRUE(post(v1::LedgerEntry::CHARGE, kMaxAmountMinor, "INV-1").ok());
  auto over = post(v1::LedgerEntry::CHARGE, 1, "INV-2");
  EXPECT_EQ(CodeOf(over), Code::kInvalidArgument);
  EXPECT_EQ(FieldOf(over.status()), "entry.amount.amount_minor");
  ASSERT_TRUE(post(v1::LedgerEntry::PAYMENT, kMaxAmountMinor, "RCPT-1").ok());
  EXPECT_EQ(FieldOf(post(v1::LedgerEntry::ADJUSTMENT, -1, "ADJ-1").status()), "entry.amount.amount_minor");
  v1::GetReceivablesRequest get;
  get.set_name(a.name() + "/receivables");
  auto r = archive_->GetReceivables(kFinance, get);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->balance().amount_minor(), 0);
  *get.mutable_as_of() = D(2201, 1, 1);
  EXPECT_EQ(FieldOf(archive_->GetReceivables(kFinance, get).status()), "as_of");
}

// The figures of the book for one month of two KAMs, by hand: every
// record counts for the owner and segment of its account when it was
// recorded (visits for their visitor), whatever happened to the account
// since.
class BookTest : public ArchiveTest {
 protected:
  v1::SummarizeBookRequest Month(int y, int m) {
    v1::SummarizeBookRequest r;
    r.mutable_start_month()->set_year(y);
    r.mutable_start_month()->set_month(m);
    *r.mutable_end_month() = r.start_month();
    return r;
  }

  absl::StatusOr<v1::Visit> Plan(const Principal& who, const Account& a, absl::Time when) {
    v1::CreateVisitRequest req;
    req.set_parent(a.name());
    *req.mutable_visit()->mutable_planned_time() = ToProto(when);
    req.mutable_visit()->set_purpose("拜访");
    return archive_->CreateVisit(who, req);
  }

  absl::Status Record(const Principal& who, const v1::Visit& v, absl::Time when) {
    v1::RecordVisitRequest req;
    req.set_name(v.name());
    req.set_outcome("谈了年会");
    *req.mutable_visit_time() = ToProto(when);
    return archive_->RecordVisit(who, req).status();
  }

  absl::Status Post(const Account& a, v1::LedgerEntry::Type type, int64_t fen, const std::string& ref,
                    type::v1::Date date) {
    v1::CreateLedgerEntryRequest req;
    req.set_parent(a.name());
    req.mutable_entry()->set_type(type);
    req.mutable_entry()->mutable_amount()->set_amount_minor(fen);
    req.mutable_entry()->set_reference(ref);
    *req.mutable_entry()->mutable_entry_date() = date;
    return archive_->CreateLedgerEntry(kFinance, req).status();
  }

  absl::StatusOr<v1::Feedback> Complaint(const Account& a, absl::Time due) {
    v1::CreateFeedbackRequest req;
    req.set_parent(a.name());
    req.mutable_feedback()->set_kind(v1::Feedback::COMPLAINT);
    req.mutable_feedback()->set_severity(v1::Feedback::MINOR);
    req.mutable_feedback()->set_subject("房间噪音");
    *req.mutable_feedback()->mutable_response_due_time() = ToProto(due);
    return archive_->CreateFeedback(kKam, req);
  }

  static std::map<std::tuple<std::string, std::string, int>, v1::BookSummary::Cell> Cells(const v1::BookSummary& s) {
    std::map<std::tuple<std::string, std::string, int>, v1::BookSummary::Cell> out;
    for (const auto& c : s.cells()) out[{c.owner(), c.segment(), c.month().year() * 100 + c.month().month()}] = c;
    return out;
  }
};

TEST_F(BookTest, TheMonthsFiguresCountForWhoseBookItWasThen) {
  // kStart is 2026-11-27 10:00 in Shanghai.
  Account a = Create(kKam, NewAccount("甲公司"));  // kam-li, finance
  Account pharma = NewAccount("乙药业");
  pharma.set_industry_segment("pharma");
  Account b = Create(kKam, pharma);
  Account c = Create(kKam2, NewAccount("丙银行"));  // kam-zhao, finance
  // Visits: one done on its day, one done a day late, one cancelled, one
  // missed (its time passed), one still ahead.
  auto done = Plan(kKam, a, kStart + absl::Hours(1));
  auto late = Plan(kKam, a, kStart - absl::Hours(24));
  auto cancelled = Plan(kKam, b, kStart + absl::Hours(2));
  auto missed = Plan(kKam, b, kStart - absl::Hours(48));
  auto ahead = Plan(kKam, b, kStart + absl::Hours(24 * 2));
  for (const auto* v : {&done, &late, &cancelled, &missed, &ahead}) ASSERT_TRUE(v->ok()) << v->status();
  clock_.Advance(absl::Hours(2));  // 12:00
  ASSERT_TRUE(Record(kKam, *done, kStart + absl::Hours(1)).ok());
  ASSERT_TRUE(Record(kKam, *late, kStart).ok());
  v1::CancelVisitRequest cancel;
  cancel.set_name(cancelled->name());
  cancel.set_reason("客户出差");
  ASSERT_TRUE(archive_->CancelVisit(kKam, cancel).ok());
  // Payments and charges.
  ASSERT_TRUE(Post(a, v1::LedgerEntry::CHARGE, 1'000'000, "INV-1", D(2026, 8, 1)).ok());
  ASSERT_TRUE(Post(a, v1::LedgerEntry::PAYMENT, 300'000, "R-1", D(2026, 11, 20)).ok());
  ASSERT_TRUE(Post(b, v1::LedgerEntry::PAYMENT, 50'000, "R-1", D(2026, 11, 2)).ok());
  ASSERT_TRUE(Post(c, v1::LedgerEntry::PAYMENT, 70'000, "R-1", D(2026, 10, 31)).ok());  // October
  ASSERT_TRUE(Post(c, v1::LedgerEntry::CHARGE, 200'000, "INV-1", D(2026, 11, 25)).ok());
  // Complaints: one answered in time, one overdue, one not due yet.
  auto answered = Complaint(a, kStart + absl::Hours(4));
  ASSERT_TRUE(answered.ok()) << answered.status();
  v1::AssignFeedbackRequest assign;
  assign.set_name(answered->name());
  assign.set_assignee("kam-li");
  ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());
  v1::AnswerFeedbackRequest answer;
  answer.set_name(answered->name());
  answer.set_answer("已更换房间并致歉");
  ASSERT_TRUE(archive_->AnswerFeedback(kKam, answer).ok());
  ASSERT_TRUE(Complaint(a, kStart + absl::Hours(24 * 3)).ok());
  clock_.Advance(absl::Hours(28));  // 11-28 16:00
  ASSERT_TRUE(Complaint(b, kStart + absl::Hours(31)).ok());
  clock_.Advance(absl::Hours(2));  // 11-28 18:00: past its due time

  // Then account a moves to kam-zhao and into pharma: its figures stay.
  v1::UpdateAccountRequest move;
  *move.mutable_account() = a;
  move.mutable_account()->clear_etag();
  move.mutable_account()->set_owner("kam-zhao");
  move.mutable_account()->set_industry_segment("pharma");
  move.mutable_update_mask()->add_paths("owner");
  move.mutable_update_mask()->add_paths("industry_segment");
  ASSERT_TRUE(archive_->UpdateAccount(kManager, move).ok());

  auto s = archive_->SummarizeBook(kManager, Month(2026, 11));
  ASSERT_TRUE(s.ok()) << s.status();
  auto cells = Cells(*s);
  const auto& li_finance = cells[{"kam-li", "finance", 202611}];
  EXPECT_EQ(li_finance.new_accounts(), 1);  // a
  EXPECT_EQ(li_finance.visits_planned(), 2);
  EXPECT_EQ(li_finance.visits_done(), 2);
  EXPECT_EQ(li_finance.visits_done_on_time(), 1);
  EXPECT_EQ(li_finance.payments().amount_minor(), 300'000);
  EXPECT_EQ(li_finance.complaints(), 2);
  EXPECT_EQ(li_finance.complaints_answered_on_time(), 1);
  EXPECT_EQ(li_finance.complaints_overdue(), 0);
  const auto& li_pharma = cells[{"kam-li", "pharma", 202611}];
  EXPECT_EQ(li_pharma.new_accounts(), 1);  // b
  EXPECT_EQ(li_pharma.visits_planned(), 3);
  EXPECT_EQ(li_pharma.visits_cancelled(), 1);
  EXPECT_EQ(li_pharma.visits_missed(), 1);
  EXPECT_EQ(li_pharma.visits_done(), 0);
  EXPECT_EQ(li_pharma.payments().amount_minor(), 50'000);
  EXPECT_EQ(li_pharma.complaints(), 1);
  EXPECT_EQ(li_pharma.complaints_overdue(), 1);
  const auto& zhao = cells[{"kam-zhao", "finance", 202611}];
  EXPECT_EQ(zhao.new_accounts(), 1);             // c
  EXPECT_EQ(zhao.payments().amount_minor(), 0);  // its payment is October's
  EXPECT_EQ(cells.size(), 3u);
  // Receivables are whose book the account is in now: a is kam-zhao's.
  ASSERT_EQ(s->receivables_size(), 2);
  EXPECT_EQ(s->receivables(0).owner(), "kam-li");
  EXPECT_EQ(s->receivables(0).balance().amount_minor(), -50'000);
  EXPECT_EQ(s->receivables(0).unapplied_credit().amount_minor(), 50'000);
  EXPECT_EQ(s->receivables(1).owner(), "kam-zhao");
  // a: 1,000,000 charged 08-01 less 300,000 paid = 700,000 over 90 days;
  // c: 200,000 charged 11-25 less 70,000 paid = 130,000 in 0-30.
  EXPECT_EQ(s->receivables(1).balance().amount_minor(), 830'000);
  EXPECT_EQ(s->receivables(1).over_90_days().amount_minor(), 700'000);
  EXPECT_EQ(s->receivables(1).days_0_30().amount_minor(), 130'000);
  EXPECT_EQ(s->receivables(1).overdue_accounts(), 1);

  // A KAM reads their own; a filter narrows every figure.
  auto own = Month(2026, 11);
  own.set_owner("kam-li");
  own.set_segment("pharma");
  auto mine = archive_->SummarizeBook(kKam, own);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->cells_size(), 1);
  EXPECT_EQ(mine->cells(0).segment(), "pharma");
  ASSERT_EQ(mine->receivables_size(), 1);  // b only: a is kam-zhao's now
  EXPECT_EQ(mine->receivables(0).balance().amount_minor(), -50'000);
  // Aged at an earlier day, the charge of 11-25 is not there yet.
  auto earlier = Month(2026, 11);
  *earlier.mutable_as_of() = D(2026, 11, 24);
  auto then = archive_->SummarizeBook(kManager, earlier);
  ASSERT_TRUE(then.ok());
  EXPECT_EQ(then->receivables(1).days_0_30().amount_minor(), 0);
  // Without the receivables, the same cells.
  auto cells_only = Month(2026, 11);
  cells_only.set_omit_receivables(true);
  auto lean = archive_->SummarizeBook(kManager, cells_only);
  ASSERT_TRUE(lean.ok());
  EXPECT_EQ(lean->receivables_size(), 0);
  EXPECT_EQ(lean->cells_size(), s->cells_size());
}

TEST_F(BookTest, ABookPastTheBoundOfAnAmountIsRefusedNotWrapped) {
  Account a = Create(kKam, NewAccount("甲公司"));
  Account b = Create(kKam, NewAccount("乙公司"));
  ASSERT_TRUE(Post(a, v1::LedgerEntry::CHARGE, 600'000'000'000'000, "INV-1", D(2026, 11, 1)).ok());
  ASSERT_TRUE(Post(b, v1::LedgerEntry::CHARGE, 600'000'000'000'000, "INV-1", D(2026, 11, 1)).ok());
  auto s = archive_->SummarizeBook(kManager, Month(2026, 11));
  EXPECT_EQ(CodeOf(s), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(s.status()), "SUM_TOO_LARGE");
}

TEST_F(BookTest, BadRangesAndOtherPeoplesFiguresAreRefused) {
  auto r = Month(2026, 11);
  EXPECT_EQ(CodeOf(archive_->SummarizeBook(kKam, r)), Code::kPermissionDenied);  // everyone's
  r.set_owner("kam-li");
  EXPECT_EQ(CodeOf(archive_->SummarizeBook(kKam2, r)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(archive_->SummarizeBook(kClerk, r)), Code::kPermissionDenied);
  const Principal engineering{"eng", "Engineering", Role::kDepartment, "engineering"};
  EXPECT_EQ(CodeOf(archive_->SummarizeBook(engineering, r)), Code::kPermissionDenied);
  auto bad = [&](std::function<void(v1::SummarizeBookRequest&)> change) {
    auto req = Month(2026, 11);
    change(req);
    return FieldOf(archive_->SummarizeBook(kManager, req).status());
  };
  EXPECT_EQ(bad([](auto& q) { q.clear_start_month(); }), "start_month");
  EXPECT_EQ(bad([](auto& q) { q.mutable_start_month()->set_month(0); }), "start_month");
  EXPECT_EQ(bad([](auto& q) { q.mutable_start_month()->set_year(1899); }), "start_month");
  EXPECT_EQ(bad([](auto& q) { q.clear_end_month(); }), "end_month");
  EXPECT_EQ(bad([](auto& q) { q.mutable_end_month()->set_year(2025); }), "end_month");
  EXPECT_EQ(bad([](auto& q) { q.mutable_end_month()->set_year(2029); }), "end_month");  // 37 months
  EXPECT_EQ(bad([](auto& q) { *q.mutable_as_of() = D(2026, 2, 30); }), "as_of");
  EXPECT_EQ(bad([](auto& q) { q.set_owner(std::string(129, 'k')); }), "owner");
  EXPECT_EQ(bad([](auto& q) { q.set_segment("\xff"); }), "segment");
  auto longest = Month(2026, 11);
  longest.mutable_end_month()->set_year(2029);
  longest.mutable_end_month()->set_month(10);
  EXPECT_TRUE(archive_->SummarizeBook(kManager, longest).ok());  // 36 months
}

TEST_F(ArchiveTest, ASegmentsNewAccountsGoToItsKamAndCanMoveWithTheirHistory) {
  const Principal kSales{"service:sales", "sales", Role::kService, ""};
  auto assign = [&](const std::string& owner, int64_t version, bool move, std::vector<v1::AccountKind> kinds = {}) {
    v1::AssignSegmentRequest req;
    req.set_segment("finance");
    req.set_owner(owner);
    req.set_version(version);
    req.set_move_accounts(move);
    req.set_assignment("segmentAssignments/a1");
    for (auto k : kinds) req.add_kinds(k);
    return archive_->AssignSegment(kSales, req);
  };
  Account before_assignment = Create(kClerk, NewAccount("先到银行"));
  EXPECT_EQ(before_assignment.owner(), "");
  ASSERT_TRUE(assign("kam-zhao", 1, false).ok());
  // Entered by a clerk without an owner: the segment's KAM. A KAM's own
  // account stays theirs; an owner the manager names is kept.
  EXPECT_EQ(Create(kClerk, NewAccount("甲银行")).owner(), "kam-zhao");
  EXPECT_EQ(Create(kKam, NewAccount("乙银行")).owner(), "kam-li");
  Account named = NewAccount("丙银行");
  named.set_owner("kam-li");
  EXPECT_EQ(Create(kManager, named).owner(), "kam-li");
  Account other = NewAccount("丁药业");
  other.set_industry_segment("pharma");
  EXPECT_EQ(Create(kClerk, other).owner(), "");
  // Per kind: travel agencies of the segment go to kam-li, the rest still
  // to kam-zhao.
  ASSERT_TRUE(assign("kam-li", 2, false, {v1::ACCOUNT_KIND_TRAVEL_AGENCY}).ok());
  Account agency = NewAccount("戊旅行社");
  agency.set_kind(v1::ACCOUNT_KIND_TRAVEL_AGENCY);
  EXPECT_EQ(Create(kClerk, agency).owner(), "kam-li");
  EXPECT_EQ(Create(kClerk, NewAccount("己银行")).owner(), "kam-zhao");

  // Reassigned with its accounts: every active finance account but the
  // travel agency (given apart) moves to kam-zhao, each with the move in its
  // history.
  auto moved = assign("kam-zhao", 3, true);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->accounts_moved(), 3);  // 先到, 乙, 丙 (甲 and 己 are kam-zhao's already)
  v1::ListAccountsRequest list;
  list.set_industry_segment("finance");
  auto all = archive_->ListAccounts(kManager, list);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->accounts_size(), 6);
  for (const auto& a : all->accounts()) {
    EXPECT_EQ(a.owner(), a.display_name() == "戊旅行社" ? "kam-li" : "kam-zhao") << a.display_name();
  }
  v1::ListActivitiesRequest history;
  for (const auto& a : all->accounts()) {
    if (a.display_name() == "丙银行") history.set_parent(a.name());
  }
  history.set_type(v1::Activity::ACCOUNT_CHANGE);
  auto entries = archive_->ListActivities(kManager, history);
  ASSERT_TRUE(entries.ok());
  bool found = false;
  for (const auto& e : entries->activities()) {
    if (e.summary() == "account reassigned") {
      found = true;
      EXPECT_NE(e.detail().find("owner: kam-li -> kam-zhao"), std::string::npos) << e.detail();
      EXPECT_NE(e.detail().find("segmentAssignments/a1"), std::string::npos) << e.detail();
    }
  }
  EXPECT_TRUE(found);
  // A late retry of an older version changes nothing; a retry of the same
  // moves nothing again.
  auto late = assign("kam-li", 1, true);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->accounts_moved(), 0);
  EXPECT_EQ(Create(kClerk, NewAccount("庚银行")).owner(), "kam-zhao");
  EXPECT_EQ(assign("kam-zhao", 3, true)->accounts_moved(), 0);
  EXPECT_EQ(assign("kam-li", 2, true, {v1::ACCOUNT_KIND_TRAVEL_AGENCY})->accounts_moved(), 0);
  // The travel agencies given to no one again: they fall back to the
  // segment's KAM of every kind.
  ASSERT_TRUE(assign("", 4, false, {v1::ACCOUNT_KIND_TRAVEL_AGENCY}).ok());
  Account agency2 = NewAccount("癸旅行社");
  agency2.set_kind(v1::ACCOUNT_KIND_TRAVEL_AGENCY);
  EXPECT_EQ(Create(kClerk, agency2).owner(), "kam-zhao");

  // Refusals name the field and change nothing.
  v1::AssignSegmentRequest bad;
  bad.set_owner("kam-li");
  bad.set_version(9);
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "segment");
  bad.set_segment(std::string(101, 's'));
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "segment");
  bad.set_segment("finance");
  bad.add_kinds(v1::ACCOUNT_KIND_COMPANY);
  bad.add_kinds(v1::ACCOUNT_KIND_COMPANY);
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "kinds[1]");
  bad.clear_kinds();
  bad.add_kinds(static_cast<v1::AccountKind>(99));
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "kinds[0]");
  bad.clear_kinds();
  bad.set_version(0);
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "version");
  bad.set_version(9);
  bad.set_owner("has space");
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "owner");
  bad.set_owner("");
  bad.set_move_accounts(true);
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "move_accounts");
  bad.set_move_accounts(false);
  bad.set_assignment(std::string(201, 'a'));
  EXPECT_EQ(FieldOf(archive_->AssignSegment(kSales, bad).status()), "assignment");
  EXPECT_EQ(CodeOf(archive_->AssignSegment(kManager, bad)), Code::kPermissionDenied);
  EXPECT_EQ(Create(kClerk, NewAccount("辛银行")).owner(), "kam-zhao");
}

// One KAM's day, the draft of their daily report: what they planned, did
// and logged, the complaints on their book and those they handled, the
// payments on their accounts; someone else's records stay out.
TEST_F(BookTest, ADayOfOneKamIsWhatTheRecordsOfThatDayHold) {
  // kStart is 2026-11-27 10:00 in Shanghai.
  Account a = Create(kKam, NewAccount("甲公司"));
  Account c = Create(kKam2, NewAccount("丙银行"));
  auto done = Plan(kKam, a, kStart + absl::Hours(1));
  auto missed = Plan(kKam, a, kStart + absl::Hours(5));      // 15:00, never done
  auto yesterday = Plan(kKam, a, kStart - absl::Hours(24));  // recorded today
  auto other = Plan(kKam2, c, kStart + absl::Hours(1));
  for (const auto* v : {&done, &missed, &yesterday, &other}) ASSERT_TRUE(v->ok()) << v->status();
  clock_.Advance(absl::Hours(2));  // 12:00
  ASSERT_TRUE(Record(kKam, *done, kStart + absl::Hours(1)).ok());
  ASSERT_TRUE(Record(kKam, *yesterday, kStart).ok());
  ASSERT_TRUE(Record(kKam2, *other, kStart + absl::Hours(1)).ok());
  v1::CreateActivityRequest call;
  call.set_parent(a.name());
  call.mutable_activity()->set_type(v1::Activity::CALL);
  call.mutable_activity()->set_summary("约了下周的场地参观");
  ASSERT_TRUE(archive_->CreateActivity(kKam, call).ok());
  auto complaint = Complaint(a, kStart + absl::Hours(8));
  ASSERT_TRUE(complaint.ok()) << complaint.status();
  v1::AssignFeedbackRequest assign;
  assign.set_name(complaint->name());
  assign.set_assignee("kam-li");
  ASSERT_TRUE(archive_->AssignFeedback(kManager, assign).ok());
  v1::AnswerFeedbackRequest answer;
  answer.set_name(complaint->name());
  answer.set_answer("已致歉");
  ASSERT_TRUE(archive_->AnswerFeedback(kKam, answer).ok());
  ASSERT_TRUE(Post(a, v1::LedgerEntry::PAYMENT, 80'000, "R-9", D(2026, 11, 27)).ok());
  ASSERT_TRUE(Post(a, v1::LedgerEntry::CHARGE, 90'000, "INV-9", D(2026, 11, 27)).ok());
  ASSERT_TRUE(Post(c, v1::LedgerEntry::PAYMENT, 70'000, "R-9", D(2026, 11, 27)).ok());
  ASSERT_TRUE(Post(a, v1::LedgerEntry::PAYMENT, 10'000, "R-10", D(2026, 11, 26)).ok());

  v1::SummarizeWorkDayRequest req;
  req.set_person("kam-li");
  *req.mutable_date() = D(2026, 11, 27);
  auto day = archive_->SummarizeWorkDay(kKam, req);
  ASSERT_TRUE(day.ok()) << day.status();
  auto names = [](const auto& list) {
    std::set<std::string> out;
    for (const auto& x : list) out.insert(x.name());
    return out;
  };
  EXPECT_EQ(names(day->visits_planned()), (std::set<std::string>{done->name(), missed->name()}));
  EXPECT_EQ(day->visits_missed(), 0);  // the day is not over
  EXPECT_EQ(names(day->visits_done()), (std::set<std::string>{done->name(), yesterday->name()}));
  int calls = 0;
  for (const auto& act : day->activities()) {
    EXPECT_EQ(act.actor(), "kam-li");
    if (act.type() == v1::Activity::CALL) ++calls;
  }
  EXPECT_EQ(calls, 1);
  EXPECT_GE(day->activities_size(), 5);  // two visits, the call, the complaint received and answered
  EXPECT_EQ(names(day->feedback_received()), (std::set<std::string>{complaint->name()}));
  EXPECT_EQ(names(day->feedback_handled()), (std::set<std::string>{complaint->name()}));
  ASSERT_EQ(day->payments_size(), 1);
  EXPECT_EQ(day->payments_total().amount_minor(), 80'000);
  EXPECT_FALSE(day->truncated());

  // The next day, the visit never done is missed.
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(archive_->SummarizeWorkDay(kManager, req)->visits_missed(), 1);
  // kam-zhao's day has their own visit only.
  req.set_person("kam-zhao");
  auto theirs = archive_->SummarizeWorkDay(kManager, req);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(names(theirs->visits_planned()), (std::set<std::string>{other->name()}));
  EXPECT_EQ(theirs->payments_total().amount_minor(), 70'000);
  EXPECT_EQ(CodeOf(archive_->SummarizeWorkDay(kKam, req)), Code::kPermissionDenied);

  // What it refuses.
  req.clear_person();
  EXPECT_EQ(FieldOf(archive_->SummarizeWorkDay(kManager, req).status()), "person");
  req.set_person("kam li");
  EXPECT_EQ(FieldOf(archive_->SummarizeWorkDay(kManager, req).status()), "person");
  req.set_person("kam-li");
  req.clear_date();
  EXPECT_EQ(FieldOf(archive_->SummarizeWorkDay(kManager, req).status()), "date");
  *req.mutable_date() = D(2026, 2, 30);
  EXPECT_EQ(FieldOf(archive_->SummarizeWorkDay(kManager, req).status()), "date");
  *req.mutable_date() = D(2201, 1, 1);
  EXPECT_EQ(FieldOf(archive_->SummarizeWorkDay(kManager, req).status()), "date");
}

// A visit done before this release has no done time in its row: the
// start-up fills it from the record, and "done on time" reads it.
TEST_F(BookTest, VisitsOfAnEarlierReleaseGetWhenTheyWereDone) {
  Account a = Create(kKam, NewAccount("甲公司"));
  auto late = Plan(kKam, a, kStart - absl::Hours(24));
  ASSERT_TRUE(late.ok()) << late.status();
  ASSERT_TRUE(Record(kKam, *late, kStart).ok());  // a day after its planned day
  auto on_time = [&] {
    auto book = archive_->SummarizeBook(kManager, Month(2026, 11));
    EXPECT_TRUE(book.ok()) << book.status();
    EXPECT_EQ(book->cells_size(), 1);
    return book->cells(0).visits_done() * 10 + book->cells(0).visits_done_on_time();
  };
  EXPECT_EQ(on_time(), 10);  // done, not on time
  ASSERT_TRUE(
      store_->Write([](ClientsTx& tx) { return tx.db().Exec("UPDATE children SET done_micros = 0", {}); }).ok());
  EXPECT_EQ(on_time(), 11);  // as stored: done at the epoch, before its day
  auto filled = store_->Write<int>([](ClientsTx& tx) { return tx.FillVisitsDone(); });
  ASSERT_TRUE(filled.ok()) << filled.status();
  EXPECT_EQ(*filled, 1);
  EXPECT_EQ(on_time(), 10);
  EXPECT_EQ(*store_->Write<int>([](ClientsTx& tx) { return tx.FillVisitsDone(); }), 0);  // none left
}

// A ledger entry stored by an earlier release has no amount in its row: the
// start-up fills it from the record, and the receivables count it.
TEST_F(BookTest, LedgerRowsOfAnEarlierReleaseGetTheirAmount) {
  Account a = Create(kKam, NewAccount("甲公司"));
  ASSERT_TRUE(Post(a, v1::LedgerEntry::CHARGE, 120'000, "INV-1", D(2026, 11, 20)).ok());
  ASSERT_TRUE(Post(a, v1::LedgerEntry::PAYMENT, 20'000, "R-1", D(2026, 11, 21)).ok());
  ASSERT_TRUE(store_->Write([](ClientsTx& tx) { return tx.db().Exec("UPDATE children SET amount = 0", {}); }).ok());
  auto month = Month(2026, 11);
  EXPECT_EQ(archive_->SummarizeBook(kManager, month)->receivables(0).balance().amount_minor(), 0);  // as stored
  auto filled = store_->Write<int>([](ClientsTx& tx) { return tx.FillLedgerAmounts(); });
  ASSERT_TRUE(filled.ok()) << filled.status();
  EXPECT_EQ(*filled, 2);
  EXPECT_EQ(archive_->SummarizeBook(kManager, month)->receivables(0).balance().amount_minor(), 100'000);
  EXPECT_EQ(*store_->Write<int>([](ClientsTx& tx) { return tx.FillLedgerAmounts(); }), 0);  // none left
}

}  // namespace
}  // namespace atrium::clients
