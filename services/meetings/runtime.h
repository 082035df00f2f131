// The meetings service assembled from its configuration: store, clock, token
// verifier, the clients service's channel, domain, handler and server.
// main() and the integration tests build it the same way.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/server.h"
#include "common/time_util.h"
#include "services/meetings/directory.h"
#include "services/meetings/forwarder.h"
#include "services/meetings/handler.h"
#include "services/meetings/meetings.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

std::map<std::string, Setting> MeetingsSettings();

class Runtime final {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);

  absl::Status Start();
  void Shutdown();
  int port() const { return runner_->port(); }
  std::string address() const { return runner_->address(); }

 private:
  Runtime() = default;

  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<MeetingsStore> store_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<ClientsDirectory> accounts_;
  std::unique_ptr<NotificationsBoard> board_;
  std::unique_ptr<MeetingsOutbox> outbox_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<Meetings> meetings_;
  std::unique_ptr<MeetingsHandler> handler_;
  std::unique_ptr<ServiceRunner> runner_;
};

}  // namespace atrium::meetings
