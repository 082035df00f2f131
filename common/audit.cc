#include "common/audit.h"

#include "common/time_util.h"

namespace atrium {

type::v1::Audit NewAudit(const Principal& who, absl::Time now) {
  type::v1::Audit a;
  *a.mutable_create_time() = ToProto(now);
  a.set_creator(who.subject);
  *a.mutable_update_time() = ToProto(now);
  a.set_updater(who.subject);
  return a;
}

void Touch(type::v1::Audit* audit, const Principal& who, absl::Time now) {
  *audit->mutable_update_time() = ToProto(now);
  audit->set_updater(who.subject);
}

}  // namespace atrium
