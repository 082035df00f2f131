// atrium-sales: the management of the sales team. Wiring only.
#include "common/service_main.h"
#include "services/sales/runtime.h"

int main(int argc, char** argv) {
  return atrium::ServiceMain(argc, argv, "sales", "127.0.0.1:50055", "atrium-sales.db", atrium::sales::SalesSettings(),
                             &atrium::sales::NewRuntime);
}
