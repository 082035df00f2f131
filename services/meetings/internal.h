// Helpers shared by the files of the meetings domain (meetings.cc, sales.cc,
// followup.cc). Not API.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "services/meetings/store.h"

namespace atrium::meetings::internal {

inline const std::initializer_list<Role> kReaders = {Role::kManager,  Role::kKeyAccountManager, Role::kClerk,
                                                     Role::kGmOffice, Role::kService,           Role::kDepartment};
inline const std::initializer_list<Role> kStaffAndService = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                             Role::kGmOffice, Role::kService};
inline const std::initializer_list<Role> kStaff = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                   Role::kGmOffice};
inline const std::initializer_list<Role> kSellers = {Role::kManager, Role::kKeyAccountManager, Role::kClerk};
inline const std::initializer_list<Role> kHandlers = {Role::kManager, Role::kKeyAccountManager};

v1::Audit NewAudit(const Principal& who, absl::Time now);
void Touch(v1::Audit* a, const Principal& who, absl::Time now);
// A KAM handles only the meetings of accounts they own.
absl::Status CheckHandles(const Principal& who, const v1::Meeting& m);
absl::StatusOr<std::string> MeetingIdOf(const std::string& name, const std::string& field);
absl::StatusOr<v1::Meeting> MustGetMeeting(MeetingsTx& tx, const std::string& id);
const char* StateName(v1::Meeting::State s);
bool IsClosed(const v1::Meeting& m);
// FAILED_PRECONDITION INVALID_STATE_TRANSITION naming the current state.
absl::Status WrongState(const v1::Meeting& m, const std::string& what);
absl::StatusOr<std::optional<std::pair<int64_t, std::string>>> Position(const PageTokens& tokens,
                                                                        const std::string& token,
                                                                        const std::string& query);
// Appends a step to the account's sales record through the outbox.
absl::Status RecordActivity(MeetingsTx& tx, const v1::Meeting& m, const std::string& request_id,
                            const std::string& summary, const std::string& detail, const Principal& who,
                            absl::Time now);

// Reads and writes a stored message under its resource name.
template <typename T>
absl::StatusOr<std::optional<T>> GetAs(MeetingsTx& tx, const std::string& name) {
  auto r = tx.GetRecord(name);
  if (!r.ok()) return r.status();
  if (!*r) return std::optional<T>();
  T out;
  if (!out.ParseFromString((*r)->data)) return absl::DataLossError(absl::StrCat(name, " cannot be read"));
  return std::optional<T>(std::move(out));
}

}  // namespace atrium::meetings::internal
