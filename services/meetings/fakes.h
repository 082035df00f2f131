// Fakes of the meetings service's peers for its domain tests: the accounts
// the clients service would answer with, and the signatures the
// notifications service would report. The real peers over gRPC are
// exercised in tests/.
#pragma once

#include <map>
#include <string>

#include "common/errors.h"
#include "services/meetings/directory.h"

namespace atrium::meetings {

class FakeDirectory : public AccountDirectory {
 public:
  absl::StatusOr<AccountInfo> Lookup(const Principal&, const std::string& account) override {
    if (down) return absl::UnavailableError("clients service down");
    auto it = accounts.find(account);
    if (it == accounts.end()) return NotFound("account", account);
    return it->second;
  }
  std::map<std::string, AccountInfo> accounts = {
      {"accounts/acme", {"accounts/acme", "kam-li", "ACME", false, ""}},
      {"accounts/old", {"accounts/old", "kam-li", "Old Co", true, ""}},
  };
  bool down = false;
};

class FakeBoard : public NoticeBoard {
 public:
  absl::StatusOr<std::optional<NoticeStatus>> Status(const Principal&, const std::string& notice_id) override {
    if (down) return absl::UnavailableError("notifications service down");
    auto it = notices.find(notice_id);
    if (it == notices.end()) return std::optional<NoticeStatus>();
    return std::optional<NoticeStatus>(it->second);
  }
  // The notifications service received `revision`; `signed_by` signed it.
  void Deliver(const std::string& notice_id, int revision, std::initializer_list<const char*> signed_by) {
    NoticeStatus s;
    s.current_revision = revision;
    for (const char* d : {"fnb", "rooms", "front_office", "engineering"}) {
      notifications::v1::DepartmentState state;
      state.set_department(d);
      state.set_state(notifications::v1::Dispatch::AWAITING_SIGNATURE);
      for (const char* x : signed_by) {
        if (std::string(x) == d) state.set_state(notifications::v1::Dispatch::SIGNED);
      }
      s.departments.push_back(state);
    }
    notices[notice_id] = s;
  }
  absl::StatusOr<notifications::v1::NoticeRevision> Revision(const Principal&, const std::string& notice_id,
                                                             int revision) override {
    if (down) return absl::UnavailableError("notifications service down");
    auto it = revisions.find({notice_id, revision});
    if (it == revisions.end()) return absl::UnavailableError("not delivered yet");
    return it->second;
  }
  std::map<std::string, NoticeStatus> notices;
  std::map<std::pair<std::string, int>, notifications::v1::NoticeRevision> revisions;
  bool down = false;
};

}  // namespace atrium::meetings
