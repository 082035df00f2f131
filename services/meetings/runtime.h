// The meetings service assembled from its configuration (common/runtime.h):
// its store, the clients directory and notifications board it asks, the
// outbox its writes to them leave through, and the domain.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/config.h"
#include "common/runtime.h"
#include "services/meetings/directory.h"
#include "services/meetings/forwarder.h"
#include "services/meetings/meetings.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

std::map<std::string, Setting> MeetingsSettings();

class Runtime final : public ServiceRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const Config& config, const Clock* clock = nullptr);
  ~Runtime() override { Shutdown(); }

 private:
  Runtime() = default;

  std::unique_ptr<MeetingsStore> store_;
  std::unique_ptr<ClientsDirectory> accounts_;
  std::unique_ptr<NotificationsBoard> board_;
  std::unique_ptr<MeetingsOutbox> outbox_;
  std::unique_ptr<Meetings> meetings_;
};

}  // namespace atrium::meetings
