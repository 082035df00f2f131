// atrium-meetings: conference sales and the function diary. Wiring only.
#include "common/service_main.h"
#include "services/meetings/runtime.h"

int main(int argc, char** argv) {
  return atrium::ServiceMain(argc, argv, "meetings", "127.0.0.1:50053", "atrium-meetings.db",
                             atrium::meetings::MeetingsSettings(), &atrium::meetings::NewRuntime);
}
