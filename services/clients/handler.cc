#include "services/clients/handler.h"

namespace atrium::clients {

ClientsHandler::ClientsHandler(Archive* a, const TokenVerifier* verifier, Executor* executor)
    : Bindings(v1::ClientsService::service_full_name(), verifier, executor) {
  Unary(a, &Archive::CreateAccount);
  Unary(a, &Archive::GetAccount);
  Unary(a, &Archive::ListAccounts);
  Unary(a, &Archive::UpdateAccount);
  Unary(a, &Archive::ArchiveAccount);
  Unary(a, &Archive::UnarchiveAccount);
  Unary(a, &Archive::CreateContact);
  Unary(a, &Archive::GetContact);
  Unary(a, &Archive::ListContacts);
  Unary(a, &Archive::UpdateContact);
  Unary(a, &Archive::DeleteContact);
  Unary(a, &Archive::CreateAgreement);
  Unary(a, &Archive::GetAgreement);
  Unary(a, &Archive::ListAgreements);
  Unary(a, &Archive::UpdateAgreement);
  Unary(a, &Archive::ActivateAgreement);
  Unary(a, &Archive::TerminateAgreement);
  Unary(a, &Archive::GetAgreementInForce);
  Unary(a, &Archive::CreateVisit);
  Unary(a, &Archive::GetVisit);
  Unary(a, &Archive::ListVisits);
  Unary(a, &Archive::RecordVisit);
  Unary(a, &Archive::RescheduleVisit);
  Unary(a, &Archive::CancelVisit);
  Unary(a, &Archive::CreateActivity);
  Unary(a, &Archive::GetActivity);
  Unary(a, &Archive::ListActivities);
  Unary(a, &Archive::CreatePreference);
  Unary(a, &Archive::GetPreference);
  Unary(a, &Archive::ListPreferences);
  Unary(a, &Archive::DeletePreference);
  Unary(a, &Archive::CreateFeedback);
  Unary(a, &Archive::GetFeedback);
  Unary(a, &Archive::ListFeedback);
  Unary(a, &Archive::AssignFeedback);
  Unary(a, &Archive::AnswerFeedback);
  Unary(a, &Archive::CloseFeedback);
  Unary(a, &Archive::ReplyToFeedback);
  Unary(a, &Archive::CreateLedgerEntry);
  Unary(a, &Archive::ListLedgerEntries);
  Unary(a, &Archive::GetReceivables);
  Unary(a, &Archive::SummarizeBook);
  Unary(a, &Archive::SummarizeWorkDay);
  Unary(a, &Archive::AssignSegment);
  Seal();
}

}  // namespace atrium::clients
