// atrium-notifications: meeting notices to the departments, and their
// signatures. Wiring only.
#include "common/service_main.h"
#include "services/notifications/runtime.h"

int main(int argc, char** argv) {
  return atrium::ServiceMain(argc, argv, "notifications", "127.0.0.1:50052", "atrium-notifications.db",
                             atrium::notifications::NotificationsSettings(), &atrium::notifications::NewRuntime);
}
