// atrium-clients: the customer archive service. Wiring only.
#include "common/service_main.h"
#include "services/clients/runtime.h"

int main(int argc, char** argv) {
  return atrium::ServiceMain(argc, argv, "clients", "127.0.0.1:50051", "atrium-clients.db",
                             atrium::clients::ClientsSettings(), &atrium::clients::NewRuntime);
}
