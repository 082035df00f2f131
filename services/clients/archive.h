// The customer archive's domain logic (客户资料档案): the rules of every
// clients RPC, with no gRPC in it. Each method takes the verified caller and
// the request message, checks permission and input, and runs in one store
// transaction, so a refused call changes nothing.
//
//   Archive archive(store.get(), &clock, PageTokens(secret), zone);
//   absl::StatusOr<v1::Account> a = archive.CreateAccount(who, request);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/clients/v1/clients.pb.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "common/time_util.h"
#include "google/protobuf/empty.pb.h"
#include "services/clients/store.h"

namespace atrium::clients {

class Archive final {
 public:
  // `departments`: the configured departments feedback may concern.
  Archive(ClientsStore* store, const Clock* clock, PageTokens tokens, absl::TimeZone zone,
          std::vector<std::string> departments = DefaultDepartments())
      : store_(store), clock_(clock), tokens_(std::move(tokens)), zone_(zone), departments_(std::move(departments)) {}

  // Accounts (accounts.cc).
  absl::StatusOr<v1::Account> CreateAccount(const Principal& who, const v1::CreateAccountRequest& req);
  absl::StatusOr<v1::Account> GetAccount(const Principal& who, const v1::GetAccountRequest& req);
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(const Principal& who, const v1::ListAccountsRequest& req);
  absl::StatusOr<v1::Account> UpdateAccount(const Principal& who, const v1::UpdateAccountRequest& req);
  absl::StatusOr<v1::Account> ArchiveAccount(const Principal& who, const v1::ArchiveAccountRequest& req);
  absl::StatusOr<v1::Account> UnarchiveAccount(const Principal& who, const v1::UnarchiveAccountRequest& req);

  // Contacts (contacts.cc).
  absl::StatusOr<v1::Contact> CreateContact(const Principal& who, const v1::CreateContactRequest& req);
  absl::StatusOr<v1::Contact> GetContact(const Principal& who, const v1::GetContactRequest& req);
  absl::StatusOr<v1::ListContactsResponse> ListContacts(const Principal& who, const v1::ListContactsRequest& req);
  absl::StatusOr<v1::Contact> UpdateContact(const Principal& who, const v1::UpdateContactRequest& req);
  absl::StatusOr<google::protobuf::Empty> DeleteContact(const Principal& who, const v1::DeleteContactRequest& req);

  // Cooperation agreements (agreements.cc).
  absl::StatusOr<v1::Agreement> CreateAgreement(const Principal& who, const v1::CreateAgreementRequest& req);
  absl::StatusOr<v1::Agreement> GetAgreement(const Principal& who, const v1::GetAgreementRequest& req);
  absl::StatusOr<v1::ListAgreementsResponse> ListAgreements(const Principal& who, const v1::ListAgreementsRequest& req);
  absl::StatusOr<v1::Agreement> UpdateAgreement(const Principal& who, const v1::UpdateAgreementRequest& req);
  absl::StatusOr<v1::Agreement> ActivateAgreement(const Principal& who, const v1::ActivateAgreementRequest& req);
  absl::StatusOr<v1::Agreement> TerminateAgreement(const Principal& who, const v1::TerminateAgreementRequest& req);
  absl::StatusOr<v1::Agreement> GetAgreementInForce(const Principal& who, const v1::GetAgreementInForceRequest& req);

  // Visits (visits.cc).
  absl::StatusOr<v1::Visit> CreateVisit(const Principal& who, const v1::CreateVisitRequest& req);
  absl::StatusOr<v1::Visit> GetVisit(const Principal& who, const v1::GetVisitRequest& req);
  absl::StatusOr<v1::ListVisitsResponse> ListVisits(const Principal& who, const v1::ListVisitsRequest& req);
  absl::StatusOr<v1::Visit> RecordVisit(const Principal& who, const v1::RecordVisitRequest& req);
  absl::StatusOr<v1::Visit> CancelVisit(const Principal& who, const v1::CancelVisitRequest& req);
  absl::StatusOr<v1::Visit> RescheduleVisit(const Principal& who, const v1::RescheduleVisitRequest& req);

  // Sales-process record (activities.cc).
  absl::StatusOr<v1::Activity> CreateActivity(const Principal& who, const v1::CreateActivityRequest& req);
  absl::StatusOr<v1::Activity> GetActivity(const Principal& who, const v1::GetActivityRequest& req);
  absl::StatusOr<v1::ListActivitiesResponse> ListActivities(const Principal& who, const v1::ListActivitiesRequest& req);

  // Guest preferences (preferences.cc).
  absl::StatusOr<v1::Preference> CreatePreference(const Principal& who, const v1::CreatePreferenceRequest& req);
  absl::StatusOr<v1::Preference> GetPreference(const Principal& who, const v1::GetPreferenceRequest& req);
  absl::StatusOr<v1::ListPreferencesResponse> ListPreferences(const Principal& who,
                                                              const v1::ListPreferencesRequest& req);
  absl::StatusOr<google::protobuf::Empty> DeletePreference(const Principal& who,
                                                           const v1::DeletePreferenceRequest& req);

  // Feedback and complaints (feedback.cc).
  absl::StatusOr<v1::Feedback> CreateFeedback(const Principal& who, const v1::CreateFeedbackRequest& req);
  absl::StatusOr<v1::Feedback> GetFeedback(const Principal& who, const v1::GetFeedbackRequest& req);
  absl::StatusOr<v1::ListFeedbackResponse> ListFeedback(const Principal& who, const v1::ListFeedbackRequest& req);
  absl::StatusOr<v1::Feedback> AssignFeedback(const Principal& who, const v1::AssignFeedbackRequest& req);
  absl::StatusOr<v1::Feedback> AnswerFeedback(const Principal& who, const v1::AnswerFeedbackRequest& req);
  absl::StatusOr<v1::Feedback> CloseFeedback(const Principal& who, const v1::CloseFeedbackRequest& req);
  absl::StatusOr<v1::Feedback> ReplyToFeedback(const Principal& who, const v1::ReplyToFeedbackRequest& req);
  // Alerts the assignee and the manager of each entry that fell due
  // unanswered since the last call; returns how many entries (the outbox
  // relay calls it on a schedule).
  absl::StatusOr<int> ReportOverdueFeedback();

  // Receivables (receivables.cc).
  absl::StatusOr<v1::LedgerEntry> CreateLedgerEntry(const Principal& who, const v1::CreateLedgerEntryRequest& req);
  absl::StatusOr<v1::ListLedgerEntriesResponse> ListLedgerEntries(const Principal& who,
                                                                  const v1::ListLedgerEntriesRequest& req);
  absl::StatusOr<v1::Receivables> GetReceivables(const Principal& who, const v1::GetReceivablesRequest& req);

  // The figures of the book per KAM, segment and month (book.cc).
  absl::StatusOr<v1::BookSummary> SummarizeBook(const Principal& who, const v1::SummarizeBookRequest& req);
  // One person's day, the draft of their daily work report (workday.cc).
  absl::StatusOr<v1::WorkDay> SummarizeWorkDay(const Principal& who, const v1::SummarizeWorkDayRequest& req);
  // Market division: the KAM a segment's new accounts go to (segments.cc).
  absl::StatusOr<v1::SegmentOwner> AssignSegment(const Principal& who, const v1::AssignSegmentRequest& req);

 private:
  absl::Time Now() const { return clock_->Now(); }

  ClientsStore* store_;
  const Clock* clock_;
  PageTokens tokens_;
  absl::TimeZone zone_;
  std::vector<std::string> departments_;
};

}  // namespace atrium::clients
