// Storage of the customer archive, on SQLite or PostgreSQL (common/db.h).
//
// The domain runs each operation inside one transaction: Write() for changes
// (all or nothing), Read() for queries (a consistent snapshot). Accounts have
// their own typed table; everything that hangs under an account (contacts,
// agreements, visits, activities, preferences, feedback, ledger entries) is
// a ChildRecord: the serialized resource plus the few columns queries need.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atrium/clients/v1/clients.pb.h"
#include "common/db.h"

namespace atrium::clients {

enum class AccountOrder { kDisplayName, kCreateTime, kCreateTimeDesc, kUpdateTimeDesc };

// An account as stored: the resource and the columns derived from it.
struct AccountRow {
  std::string id;
  v1::Account account;
  std::string serialized;
  std::string name_norm;    // NormalizeName(display_name), unique
  std::string search_text;  // normalised display and legal names, for search
};
AccountRow MakeAccountRow(const std::string& id, const v1::Account& account);

struct AccountQuery {
  std::string owner;
  std::string industry_segment;
  int kind = 0;               // 0 = any
  int min_vip_level = 0;      // 0 = any
  int state = 0;              // required
  std::string name_contains;  // normalised (see NormalizeName)
  AccountOrder order = AccountOrder::kDisplayName;
  // Keyset position: the sort value and id of the last item of the previous page.
  std::optional<std::pair<std::string, std::string>> after;
  int limit = 50;
};

// Sub-resource kinds.
inline constexpr char kContact[] = "contact";
inline constexpr char kAgreement[] = "agreement";
inline constexpr char kVisit[] = "visit";
inline constexpr char kActivity[] = "activity";
inline constexpr char kPreference[] = "preference";
inline constexpr char kFeedback[] = "feedback";
inline constexpr char kLedgerEntry[] = "ledger_entry";

struct ChildRecord {
  std::string name;         // full resource name, the primary key
  std::string kind;         // one of the constants above
  std::string account_id;   // the parent account's id
  int state = 0;            // the resource's state enum, for filters
  int category = 0;         // a second filter: activity type, preference category, feedback severity
  int64_t due_micros = 0;   // a deadline for "overdue" queries; 0 = none
  std::string person;       // visitor / assignee, for filters
  std::string reference;    // unique per (kind, account) when not empty
  int64_t sort_key = 0;     // list order (then by name)
  int64_t amount = 0;       // ledger entries: what it adds to what the account owes (payments negative)
  int64_t done_micros = 0;  // visits: when it was done; 0 = not done
  std::string data;         // the serialized resource
};

struct ChildQuery {
  std::string kind;
  std::string account_id;   // empty = every account
  std::vector<int> states;  // empty = any
  int category = 0;         // 0 = any
  int64_t due_before = 0;   // > 0: only due_micros in (0, due_before)
  int64_t due_from = 0;     // > 0: only due_micros >= due_from
  std::string person;
  std::optional<std::pair<int64_t, std::string>> after;  // (sort_key, name)
  int limit = 50;
};

// A record the figures of the book (SummarizeBook) count, with the owner
// and segment it counts for.
struct BookRow {
  std::string account_id;
  std::string owner;
  std::string segment;
  int state = 0;
  int64_t key = 0;          // accounts: create micros; children: sort_key
  int64_t amount = 0;       // ledger entries: ChildRecord::amount
  std::string data;         // children: the serialized resource
  int64_t done_micros = 0;  // visits: ChildRecord::done_micros
};

// A transaction on the archive: the queries of its own tables, and what
// every store has (request ids, the outbox of alerts, marks) from db::TxBase.
class ClientsTx : public db::TxBase {
 public:
  using db::TxBase::TxBase;

  absl::StatusOr<std::optional<v1::Account>> GetAccount(const std::string& id);
  // Ids of the account with this credit code / normalised name, if any.
  absl::StatusOr<std::optional<std::string>> FindAccountByCreditCode(const std::string& code);
  absl::StatusOr<std::optional<std::string>> FindAccountByNormalizedName(const std::string& norm);
  // Inserts or replaces.
  absl::Status PutAccount(const std::string& id, const v1::Account& account);
  // The same with the row built beforehand (outside the write transaction,
  // so that the single writer only stores).
  absl::Status PutAccountRow(const AccountRow& row);
  absl::StatusOr<std::vector<v1::Account>> ListAccounts(const AccountQuery& query);

  absl::StatusOr<std::optional<ChildRecord>> GetChild(const std::string& name);
  absl::StatusOr<std::optional<ChildRecord>> FindChildByReference(const std::string& kind,
                                                                  const std::string& account_id,
                                                                  const std::string& reference);
  absl::Status PutChild(const ChildRecord& record);
  absl::Status DeleteChild(const std::string& name);
  absl::StatusOr<std::vector<ChildRecord>> ListChildren(const ChildQuery& query);

  // The figures of the book: accounts created in [from, to] (micros) by
  // their first owner and segment; children of `kind` with sort_key in
  // [from, to] by their account's owner and segment when added, with data;
  // visits planned in [from, to] (micros) by their visitor, and PAYMENT
  // entries dated in [from, to] (yyyymmdd), both without data, from
  // covering indexes; every ledger entry with its account's owner now.
  // Empty filters match all.
  absl::StatusOr<std::vector<BookRow>> NewAccounts(int64_t from_micros, int64_t to_micros, const std::string& owner,
                                                   const std::string& segment);
  absl::StatusOr<std::vector<BookRow>> BookChildren(const std::string& kind, int64_t from, int64_t to,
                                                    const std::string& owner, const std::string& segment);
  absl::StatusOr<std::vector<BookRow>> BookVisits(int64_t from_micros, int64_t to_micros, const std::string& visitor,
                                                  const std::string& segment);
  absl::StatusOr<std::vector<BookRow>> BookPayments(int64_t first_day, int64_t last_day, const std::string& owner,
                                                    const std::string& segment);
  // One person's records of a day (SummarizeWorkDay): children of `kind`
  // with sort_key in [from, to] whose `column` ("person" or "owner") is
  // `who` (or, with `or_unset`, empty: activities stored before their row
  // kept the actor), in `state` (0 = any), by sort_key; at most `limit`.
  absl::StatusOr<std::vector<ChildRecord>> DayChildren(const std::string& kind, const char* column,
                                                       const std::string& who, bool or_unset, int64_t from, int64_t to,
                                                       int state, int limit);
  // Every account with ledger entries, in the book of `owner` and `segment`
  // now (empty = any), with its entries (only the rows' columns: no data).
  struct AccountLedger {
    std::string account_id;
    std::string owner;
    std::vector<std::pair<int64_t, int64_t>> entries;  // (yyyymmdd, amount)
  };
  absl::StatusOr<std::vector<AccountLedger>> LedgerOfOwners(const std::string& owner, const std::string& segment);
  // Ledger entries stored before their row kept the amount (by an earlier
  // release) get it from their record; how many. At every start-up (the
  // rows left have no amount, so it costs a scan of one index).
  absl::StatusOr<int> FillLedgerAmounts();
  // Visits done, stored before their row kept when (done_micros), get it
  // from their record; how many. At every start-up, as FillLedgerAmounts.
  absl::StatusOr<int> FillVisitsDone();
  // The PAYMENT entries dated `date_key` (yyyymmdd) on accounts in
  // `owner`'s book when posted, summed.
  absl::StatusOr<int64_t> DayPayments(const std::string& owner, int64_t date_key);

  // The KAM a segment's new accounts go to: (owner, version) for `kind`
  // (0 = the row covering every kind), nullopt when none is recorded.
  absl::StatusOr<std::optional<std::pair<std::string, int64_t>>> GetSegmentOwner(const std::string& segment, int kind);
  // The highest version recorded for the segment's `kinds` (0 = none).
  absl::StatusOr<int64_t> SegmentVersion(const std::string& segment, const std::vector<int>& kinds);
  // The kinds (not 0) the segment has an owner of their own for.
  absl::StatusOr<std::vector<int>> KindsOwnedApart(const std::string& segment);
  // Replaces the segment's rows of `kinds` (0 = every kind).
  absl::Status PutSegmentOwners(const std::string& segment, const std::vector<int>& kinds, const std::string& owner,
                                int64_t version);
  // The ids of the segment's active accounts of `kinds` (empty = any but
  // `except`) not owned by `owner`, after `after_id`, in id order.
  absl::StatusOr<std::vector<std::string>> AccountsToMove(const std::string& segment, const std::vector<int>& kinds,
                                                          const std::vector<int>& except, const std::string& owner,
                                                          const std::string& after_id, int limit);
};

using ClientsStore = db::Store<ClientsTx>;

// The archive's schema on both backends (schema.cc).
const db::Schema& ClientsSchema();

}  // namespace atrium::clients
