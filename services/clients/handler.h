// gRPC handlers of atrium.clients.v1.ClientsService: authenticate the caller,
// call the Archive, translate its status. Nothing else happens here.
#pragma once

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "common/auth.h"
#include "services/clients/archive.h"

namespace atrium::clients {

class ClientsHandler final : public v1::ClientsService::Service {
 public:
  ClientsHandler(Archive* archive, const TokenVerifier* verifier) : archive_(archive), verifier_(verifier) {}

  grpc::Status CreateAccount(grpc::ServerContext* context, const v1::CreateAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status GetAccount(grpc::ServerContext* context, const v1::GetAccountRequest* request,
                          v1::Account* response) override;
  grpc::Status ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                            v1::ListAccountsResponse* response) override;
  grpc::Status UpdateAccount(grpc::ServerContext* context, const v1::UpdateAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status ArchiveAccount(grpc::ServerContext* context, const v1::ArchiveAccountRequest* request,
                              v1::Account* response) override;
  grpc::Status UnarchiveAccount(grpc::ServerContext* context, const v1::UnarchiveAccountRequest* request,
                                v1::Account* response) override;
  grpc::Status CreateContact(grpc::ServerContext* context, const v1::CreateContactRequest* request,
                             v1::Contact* response) override;
  grpc::Status GetContact(grpc::ServerContext* context, const v1::GetContactRequest* request,
                          v1::Contact* response) override;
  grpc::Status ListContacts(grpc::ServerContext* context, const v1::ListContactsRequest* request,
                            v1::ListContactsResponse* response) override;
  grpc::Status UpdateContact(grpc::ServerContext* context, const v1::UpdateContactRequest* request,
                             v1::Contact* response) override;
  grpc::Status DeleteContact(grpc::ServerContext* context, const v1::DeleteContactRequest* request,
                             google::protobuf::Empty* response) override;
  grpc::Status CreateAgreement(grpc::ServerContext* context, const v1::CreateAgreementRequest* request,
                               v1::Agreement* response) override;
  grpc::Status GetAgreement(grpc::ServerContext* context, const v1::GetAgreementRequest* request,
                            v1::Agreement* response) override;
  grpc::Status ListAgreements(grpc::ServerContext* context, const v1::ListAgreementsRequest* request,
                              v1::ListAgreementsResponse* response) override;
  grpc::Status UpdateAgreement(grpc::ServerContext* context, const v1::UpdateAgreementRequest* request,
                               v1::Agreement* response) override;
  grpc::Status ActivateAgreement(grpc::ServerContext* context, const v1::ActivateAgreementRequest* request,
                                 v1::Agreement* response) override;
  grpc::Status TerminateAgreement(grpc::ServerContext* context, const v1::TerminateAgreementRequest* request,
                                  v1::Agreement* response) override;
  grpc::Status GetAgreementInForce(grpc::ServerContext* context, const v1::GetAgreementInForceRequest* request,
                                   v1::Agreement* response) override;
  grpc::Status CreateVisit(grpc::ServerContext* context, const v1::CreateVisitRequest* request,
                           v1::Visit* response) override;
  grpc::Status GetVisit(grpc::ServerContext* context, const v1::GetVisitRequest* request, v1::Visit* response) override;
  grpc::Status ListVisits(grpc::ServerContext* context, const v1::ListVisitsRequest* request,
                          v1::ListVisitsResponse* response) override;
  grpc::Status RecordVisit(grpc::ServerContext* context, const v1::RecordVisitRequest* request,
                           v1::Visit* response) override;
  grpc::Status RescheduleVisit(grpc::ServerContext* context, const v1::RescheduleVisitRequest* request,
                               v1::Visit* response) override;
  grpc::Status CancelVisit(grpc::ServerContext* context, const v1::CancelVisitRequest* request,
                           v1::Visit* response) override;
  grpc::Status CreateActivity(grpc::ServerContext* context, const v1::CreateActivityRequest* request,
                              v1::Activity* response) override;
  grpc::Status GetActivity(grpc::ServerContext* context, const v1::GetActivityRequest* request,
                           v1::Activity* response) override;
  grpc::Status ListActivities(grpc::ServerContext* context, const v1::ListActivitiesRequest* request,
                              v1::ListActivitiesResponse* response) override;
  grpc::Status CreatePreference(grpc::ServerContext* context, const v1::CreatePreferenceRequest* request,
                                v1::Preference* response) override;
  grpc::Status GetPreference(grpc::ServerContext* context, const v1::GetPreferenceRequest* request,
                             v1::Preference* response) override;
  grpc::Status ListPreferences(grpc::ServerContext* context, const v1::ListPreferencesRequest* request,
                               v1::ListPreferencesResponse* response) override;
  grpc::Status DeletePreference(grpc::ServerContext* context, const v1::DeletePreferenceRequest* request,
                                google::protobuf::Empty* response) override;
  grpc::Status CreateFeedback(grpc::ServerContext* context, const v1::CreateFeedbackRequest* request,
                              v1::Feedback* response) override;
  grpc::Status GetFeedback(grpc::ServerContext* context, const v1::GetFeedbackRequest* request,
                           v1::Feedback* response) override;
  grpc::Status ListFeedback(grpc::ServerContext* context, const v1::ListFeedbackRequest* request,
                            v1::ListFeedbackResponse* response) override;
  grpc::Status AssignFeedback(grpc::ServerContext* context, const v1::AssignFeedbackRequest* request,
                              v1::Feedback* response) override;
  grpc::Status AnswerFeedback(grpc::ServerContext* context, const v1::AnswerFeedbackRequest* request,
                              v1::Feedback* response) override;
  grpc::Status CloseFeedback(grpc::ServerContext* context, const v1::CloseFeedbackRequest* request,
                             v1::Feedback* response) override;
  grpc::Status ReplyToFeedback(grpc::ServerContext* context, const v1::ReplyToFeedbackRequest* request,
                               v1::Feedback* response) override;
  grpc::Status CreateLedgerEntry(grpc::ServerContext* context, const v1::CreateLedgerEntryRequest* request,
                                 v1::LedgerEntry* response) override;
  grpc::Status ListLedgerEntries(grpc::ServerContext* context, const v1::ListLedgerEntriesRequest* request,
                                 v1::ListLedgerEntriesResponse* response) override;
  grpc::Status GetReceivables(grpc::ServerContext* context, const v1::GetReceivablesRequest* request,
                              v1::Receivables* response) override;

 private:
  Archive* archive_;
  const TokenVerifier* verifier_;
};

}  // namespace atrium::clients
