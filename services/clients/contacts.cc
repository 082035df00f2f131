// Contacts of an account (联系人).
#include <set>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Contact;

constexpr std::initializer_list<Role> kWriters = {Role::kManager, Role::kKeyAccountManager, Role::kClerk};
constexpr ChildSpec kSpec{"CreateContact", "contacts", kContact, "contact", ClerkMay::kYes, true};

absl::Status ValidateContact(const Contact& c) {
  RETURN_IF_ERROR(CheckText(c.display_name(), "contact.display_name", 100, true));
  RETURN_IF_ERROR(CheckText(c.title(), "contact.title", 100));
  if (c.phones_size() > 5) return InvalidArgument("contact.phones", "must have at most 5 numbers");
  for (int i = 0; i < c.phones_size(); ++i) {
    const std::string field = absl::StrCat("contact.phones[", i, "]");
    if (c.phones(i).empty()) return InvalidArgument(field, "must not be empty");
    RETURN_IF_ERROR(CheckPhone(c.phones(i), field));
  }
  RETURN_IF_ERROR(CheckPhone(c.fax(), "contact.fax"));
  RETURN_IF_ERROR(CheckEmail(c.email(), "contact.email"));
  if (!v1::ContactChannel_IsValid(c.preferred_channel())) {
    return InvalidArgument("contact.preferred_channel", "is not a known channel");
  }
  RETURN_IF_ERROR(CheckText(c.note(), "contact.note", 1000, false, true));
  return absl::OkStatus();
}

ChildRecord ToRecord(const Contact& c, const std::string& account_id) {
  ChildRecord r;
  r.name = c.name();
  r.kind = kContact;
  r.account_id = account_id;
  r.sort_key = ToUnixMicros(c.audit().create_time());
  r.data = c.SerializeAsString();
  return r;
}

}  // namespace

absl::StatusOr<Contact> Archive::CreateContact(const Principal& who, const v1::CreateContactRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "CreateContact is for the manager, key account managers and clerks"));
  Contact c = req.contact();
  RETURN_IF_ERROR(ValidateContact(c));
  const absl::Time now = Now();
  return CreateChild<Contact>(
      store_, who, req.parent(), RequestKeyOf(kSpec.method, who, req, req.request_id()), kSpec, std::move(c), now,
      [&](ClientsTx&, const v1::Account&, Contact& x) {
        *x.mutable_audit() = NewAudit(who, now);
        x.set_etag(NewEtag());
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Contact> Archive::GetContact(const Principal& who, const v1::GetContactRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "GetContact is for staff, departments and services"));
  return ReadChild<Contact>(store_, req.name(), "contacts", kContact, "contact");
}

absl::StatusOr<v1::ListContactsResponse> Archive::ListContacts(const Principal& who,
                                                               const v1::ListContactsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "ListContacts is for staff, departments and services"));
  auto account_id = AccountIdOf(req.parent(), "parent");
  if (!account_id.ok()) return account_id.status();
  v1::ListContactsResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    if (auto a = MustGetAccount(tx, *account_id); !a.ok()) return a.status();
    ChildQuery q;
    q.kind = kContact;
    q.account_id = *account_id;
    auto page = ListPage<Contact>(tx, tokens_, q, req.page_size(), req.page_token(), "contacts|" + req.parent());
    if (!page.ok()) return page.status();
    for (auto& c : page->first) *resp.add_contacts() = std::move(c);
    resp.set_next_page_token(page->second);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

absl::StatusOr<Contact> Archive::UpdateContact(const Principal& who, const v1::UpdateContactRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "UpdateContact is for the manager, key account managers and clerks"));
  ASSIGN_OR_RETURN(auto account_id, ChildAccountIdOf(req.contact().name(), "contacts", "contact.name"));
  static const std::set<std::string> kPaths = {"display_name",      "title", "phones", "fax", "email",
                                               "preferred_channel", "note"};
  if (req.update_mask().paths_size() == 0) return InvalidArgument("update_mask", "must name at least one field");
  for (const auto& p : req.update_mask().paths()) {
    if (!kPaths.count(p)) {
      return InvalidArgument("update_mask", absl::StrCat("path \"", p, "\" is not an updatable contact field"));
    }
  }
  const absl::Time now = Now();
  return store_->Write<Contact>([&](ClientsTx& tx) -> absl::StatusOr<Contact> {
    ASSIGN_OR_RETURN(auto account, MustGetAccount(tx, account_id));
    auto current = MustGetChild<Contact>(tx, req.contact().name(), kContact, "contact");
    if (!current.ok()) return current.status();
    RETURN_IF_ERROR(CheckCanChange(who, account, ClerkMay::kYes));
    RETURN_IF_ERROR(CheckEtag(req.contact().etag(), current->first.etag(), req.contact().name()));
    RETURN_IF_ERROR(CheckActive(account));
    Contact updated = current->first;
    ApplyFieldMask(req.contact(), req.update_mask(), &updated);
    RETURN_IF_ERROR(ValidateContact(updated));
    Touch(updated.mutable_audit(), who, now);
    updated.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutChild(ToRecord(updated, account_id)));
    return updated;
  });
}

absl::StatusOr<google::protobuf::Empty> Archive::DeleteContact(const Principal& who,
                                                               const v1::DeleteContactRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "DeleteContact is for the manager, key account managers and clerks"));
  ASSIGN_OR_RETURN(auto account_id, ChildAccountIdOf(req.name(), "contacts", "name"));
  absl::Status status = store_->Write([&](ClientsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto account, MustGetAccount(tx, account_id));
    auto current = MustGetChild<Contact>(tx, req.name(), kContact, "contact");
    if (!current.ok()) return current.status();
    RETURN_IF_ERROR(CheckCanChange(who, account, ClerkMay::kYes));
    RETURN_IF_ERROR(CheckEtag(req.etag(), current->first.etag(), req.name()));
    return tx.DeleteChild(req.name());
  });
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

}  // namespace atrium::clients
