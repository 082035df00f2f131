// atrium-inspections: the daily quality inspections. Wiring only.
#include "common/service_main.h"
#include "services/inspections/runtime.h"

int main(int argc, char** argv) {
  return atrium::ServiceMain(argc, argv, "inspections", "127.0.0.1:50054", "atrium-inspections.db",
                             atrium::inspections::InspectionsSettings(), &atrium::inspections::NewRuntime);
}
