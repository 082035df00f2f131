#include "services/clients/handler.h"

#include "common/handler.h"

namespace atrium::clients {

grpc::Status ClientsHandler::CreateAccount(grpc::ServerContext* context, const v1::CreateAccountRequest* request,
                                           v1::Account* response) {
  return Handle(*verifier_, context, "CreateAccount",
                [&](const Principal& who) { return Reply(archive_->CreateAccount(who, *request), response); });
}

grpc::Status ClientsHandler::GetAccount(grpc::ServerContext* context, const v1::GetAccountRequest* request,
                                        v1::Account* response) {
  return Handle(*verifier_, context, "GetAccount",
                [&](const Principal& who) { return Reply(archive_->GetAccount(who, *request), response); });
}

grpc::Status ClientsHandler::ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                                          v1::ListAccountsResponse* response) {
  return Handle(*verifier_, context, "ListAccounts",
                [&](const Principal& who) { return Reply(archive_->ListAccounts(who, *request), response); });
}

grpc::Status ClientsHandler::UpdateAccount(grpc::ServerContext* context, const v1::UpdateAccountRequest* request,
                                           v1::Account* response) {
  return Handle(*verifier_, context, "UpdateAccount",
                [&](const Principal& who) { return Reply(archive_->UpdateAccount(who, *request), response); });
}

grpc::Status ClientsHandler::ArchiveAccount(grpc::ServerContext* context, const v1::ArchiveAccountRequest* request,
                                            v1::Account* response) {
  return Handle(*verifier_, context, "ArchiveAccount",
                [&](const Principal& who) { return Reply(archive_->ArchiveAccount(who, *request), response); });
}

grpc::Status ClientsHandler::UnarchiveAccount(grpc::ServerContext* context, const v1::UnarchiveAccountRequest* request,
                                              v1::Account* response) {
  return Handle(*verifier_, context, "UnarchiveAccount",
                [&](const Principal& who) { return Reply(archive_->UnarchiveAccount(who, *request), response); });
}

grpc::Status ClientsHandler::CreateContact(grpc::ServerContext* context, const v1::CreateContactRequest* request,
                                           v1::Contact* response) {
  return Handle(*verifier_, context, "CreateContact",
                [&](const Principal& who) { return Reply(archive_->CreateContact(who, *request), response); });
}

grpc::Status ClientsHandler::GetContact(grpc::ServerContext* context, const v1::GetContactRequest* request,
                                        v1::Contact* response) {
  return Handle(*verifier_, context, "GetContact",
                [&](const Principal& who) { return Reply(archive_->GetContact(who, *request), response); });
}

grpc::Status ClientsHandler::ListContacts(grpc::ServerContext* context, const v1::ListContactsRequest* request,
                                          v1::ListContactsResponse* response) {
  return Handle(*verifier_, context, "ListContacts",
                [&](const Principal& who) { return Reply(archive_->ListContacts(who, *request), response); });
}

grpc::Status ClientsHandler::UpdateContact(grpc::ServerContext* context, const v1::UpdateContactRequest* request,
                                           v1::Contact* response) {
  return Handle(*verifier_, context, "UpdateContact",
                [&](const Principal& who) { return Reply(archive_->UpdateContact(who, *request), response); });
}

grpc::Status ClientsHandler::DeleteContact(grpc::ServerContext* context, const v1::DeleteContactRequest* request,
                                           google::protobuf::Empty* response) {
  return Handle(*verifier_, context, "DeleteContact",
                [&](const Principal& who) { return Reply(archive_->DeleteContact(who, *request), response); });
}

grpc::Status ClientsHandler::CreateAgreement(grpc::ServerContext* context, const v1::CreateAgreementRequest* request,
                                             v1::Agreement* response) {
  return Handle(*verifier_, context, "CreateAgreement",
                [&](const Principal& who) { return Reply(archive_->CreateAgreement(who, *request), response); });
}

grpc::Status ClientsHandler::GetAgreement(grpc::ServerContext* context, const v1::GetAgreementRequest* request,
                                          v1::Agreement* response) {
  return Handle(*verifier_, context, "GetAgreement",
                [&](const Principal& who) { return Reply(archive_->GetAgreement(who, *request), response); });
}

grpc::Status ClientsHandler::ListAgreements(grpc::ServerContext* context, const v1::ListAgreementsRequest* request,
                                            v1::ListAgreementsResponse* response) {
  return Handle(*verifier_, context, "ListAgreements",
                [&](const Principal& who) { return Reply(archive_->ListAgreements(who, *request), response); });
}

grpc::Status ClientsHandler::UpdateAgreement(grpc::ServerContext* context, const v1::UpdateAgreementRequest* request,
                                             v1::Agreement* response) {
  return Handle(*verifier_, context, "UpdateAgreement",
                [&](const Principal& who) { return Reply(archive_->UpdateAgreement(who, *request), response); });
}

grpc::Status ClientsHandler::ActivateAgreement(grpc::ServerContext* context,
                                               const v1::ActivateAgreementRequest* request, v1::Agreement* response) {
  return Handle(*verifier_, context, "ActivateAgreement",
                [&](const Principal& who) { return Reply(archive_->ActivateAgreement(who, *request), response); });
}

grpc::Status ClientsHandler::TerminateAgreement(grpc::ServerContext* context,
                                                const v1::TerminateAgreementRequest* request, v1::Agreement* response) {
  return Handle(*verifier_, context, "TerminateAgreement",
                [&](const Principal& who) { return Reply(archive_->TerminateAgreement(who, *request), response); });
}

grpc::Status ClientsHandler::GetAgreementInForce(grpc::ServerContext* context,
                                                 const v1::GetAgreementInForceRequest* request,
                                                 v1::Agreement* response) {
  return Handle(*verifier_, context, "GetAgreementInForce",
                [&](const Principal& who) { return Reply(archive_->GetAgreementInForce(who, *request), response); });
}

grpc::Status ClientsHandler::CreateVisit(grpc::ServerContext* context, const v1::CreateVisitRequest* request,
                                         v1::Visit* response) {
  return Handle(*verifier_, context, "CreateVisit",
                [&](const Principal& who) { return Reply(archive_->CreateVisit(who, *request), response); });
}

grpc::Status ClientsHandler::GetVisit(grpc::ServerContext* context, const v1::GetVisitRequest* request,
                                      v1::Visit* response) {
  return Handle(*verifier_, context, "GetVisit",
                [&](const Principal& who) { return Reply(archive_->GetVisit(who, *request), response); });
}

grpc::Status ClientsHandler::ListVisits(grpc::ServerContext* context, const v1::ListVisitsRequest* request,
                                        v1::ListVisitsResponse* response) {
  return Handle(*verifier_, context, "ListVisits",
                [&](const Principal& who) { return Reply(archive_->ListVisits(who, *request), response); });
}

grpc::Status ClientsHandler::RecordVisit(grpc::ServerContext* context, const v1::RecordVisitRequest* request,
                                         v1::Visit* response) {
  return Handle(*verifier_, context, "RecordVisit",
                [&](const Principal& who) { return Reply(archive_->RecordVisit(who, *request), response); });
}

grpc::Status ClientsHandler::RescheduleVisit(grpc::ServerContext* context, const v1::RescheduleVisitRequest* request,
                                             v1::Visit* response) {
  return Handle(*verifier_, context, "RescheduleVisit",
                [&](const Principal& who) { return Reply(archive_->RescheduleVisit(who, *request), response); });
}

grpc::Status ClientsHandler::CancelVisit(grpc::ServerContext* context, const v1::CancelVisitRequest* request,
                                         v1::Visit* response) {
  return Handle(*verifier_, context, "CancelVisit",
                [&](const Principal& who) { return Reply(archive_->CancelVisit(who, *request), response); });
}

grpc::Status ClientsHandler::CreateActivity(grpc::ServerContext* context, const v1::CreateActivityRequest* request,
                                            v1::Activity* response) {
  return Handle(*verifier_, context, "CreateActivity",
                [&](const Principal& who) { return Reply(archive_->CreateActivity(who, *request), response); });
}

grpc::Status ClientsHandler::GetActivity(grpc::ServerContext* context, const v1::GetActivityRequest* request,
                                         v1::Activity* response) {
  return Handle(*verifier_, context, "GetActivity",
                [&](const Principal& who) { return Reply(archive_->GetActivity(who, *request), response); });
}

grpc::Status ClientsHandler::ListActivities(grpc::ServerContext* context, const v1::ListActivitiesRequest* request,
                                            v1::ListActivitiesResponse* response) {
  return Handle(*verifier_, context, "ListActivities",
                [&](const Principal& who) { return Reply(archive_->ListActivities(who, *request), response); });
}

grpc::Status ClientsHandler::CreatePreference(grpc::ServerContext* context, const v1::CreatePreferenceRequest* request,
                                              v1::Preference* response) {
  return Handle(*verifier_, context, "CreatePreference",
                [&](const Principal& who) { return Reply(archive_->CreatePreference(who, *request), response); });
}

grpc::Status ClientsHandler::GetPreference(grpc::ServerContext* context, const v1::GetPreferenceRequest* request,
                                           v1::Preference* response) {
  return Handle(*verifier_, context, "GetPreference",
                [&](const Principal& who) { return Reply(archive_->GetPreference(who, *request), response); });
}

grpc::Status ClientsHandler::ListPreferences(grpc::ServerContext* context, const v1::ListPreferencesRequest* request,
                                             v1::ListPreferencesResponse* response) {
  return Handle(*verifier_, context, "ListPreferences",
                [&](const Principal& who) { return Reply(archive_->ListPreferences(who, *request), response); });
}

grpc::Status ClientsHandler::DeletePreference(grpc::ServerContext* context, const v1::DeletePreferenceRequest* request,
                                              google::protobuf::Empty* response) {
  return Handle(*verifier_, context, "DeletePreference",
                [&](const Principal& who) { return Reply(archive_->DeletePreference(who, *request), response); });
}

grpc::Status ClientsHandler::CreateFeedback(grpc::ServerContext* context, const v1::CreateFeedbackRequest* request,
                                            v1::Feedback* response) {
  return Handle(*verifier_, context, "CreateFeedback",
                [&](const Principal& who) { return Reply(archive_->CreateFeedback(who, *request), response); });
}

grpc::Status ClientsHandler::GetFeedback(grpc::ServerContext* context, const v1::GetFeedbackRequest* request,
                                         v1::Feedback* response) {
  return Handle(*verifier_, context, "GetFeedback",
                [&](const Principal& who) { return Reply(archive_->GetFeedback(who, *request), response); });
}

grpc::Status ClientsHandler::ListFeedback(grpc::ServerContext* context, const v1::ListFeedbackRequest* request,
                                          v1::ListFeedbackResponse* response) {
  return Handle(*verifier_, context, "ListFeedback",
                [&](const Principal& who) { return Reply(archive_->ListFeedback(who, *request), response); });
}

grpc::Status ClientsHandler::AssignFeedback(grpc::ServerContext* context, const v1::AssignFeedbackRequest* request,
                                            v1::Feedback* response) {
  return Handle(*verifier_, context, "AssignFeedback",
                [&](const Principal& who) { return Reply(archive_->AssignFeedback(who, *request), response); });
}

grpc::Status ClientsHandler::AnswerFeedback(grpc::ServerContext* context, const v1::AnswerFeedbackRequest* request,
                                            v1::Feedback* response) {
  return Handle(*verifier_, context, "AnswerFeedback",
                [&](const Principal& who) { return Reply(archive_->AnswerFeedback(who, *request), response); });
}

grpc::Status ClientsHandler::CloseFeedback(grpc::ServerContext* context, const v1::CloseFeedbackRequest* request,
                                           v1::Feedback* response) {
  return Handle(*verifier_, context, "CloseFeedback",
                [&](const Principal& who) { return Reply(archive_->CloseFeedback(who, *request), response); });
}

grpc::Status ClientsHandler::ReplyToFeedback(grpc::ServerContext* context, const v1::ReplyToFeedbackRequest* request,
                                             v1::Feedback* response) {
  return Handle(*verifier_, context, "ReplyToFeedback",
                [&](const Principal& who) { return Reply(archive_->ReplyToFeedback(who, *request), response); });
}

grpc::Status ClientsHandler::CreateLedgerEntry(grpc::ServerContext* context,
                                               const v1::CreateLedgerEntryRequest* request, v1::LedgerEntry* response) {
  return Handle(*verifier_, context, "CreateLedgerEntry",
                [&](const Principal& who) { return Reply(archive_->CreateLedgerEntry(who, *request), response); });
}

grpc::Status ClientsHandler::ListLedgerEntries(grpc::ServerContext* context,
                                               const v1::ListLedgerEntriesRequest* request,
                                               v1::ListLedgerEntriesResponse* response) {
  return Handle(*verifier_, context, "ListLedgerEntries",
                [&](const Principal& who) { return Reply(archive_->ListLedgerEntries(who, *request), response); });
}

grpc::Status ClientsHandler::GetReceivables(grpc::ServerContext* context, const v1::GetReceivablesRequest* request,
                                            v1::Receivables* response) {
  return Handle(*verifier_, context, "GetReceivables",
                [&](const Principal& who) { return Reply(archive_->GetReceivables(who, *request), response); });
}

}  // namespace atrium::clients
