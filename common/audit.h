// The audit stamps every stored resource carries (atrium.type.v1.Audit):
// who created it and when, who changed it last and when.
//
//   *account.mutable_audit() = NewAudit(who, now);   // on create
//   Touch(account.mutable_audit(), who, now);        // on every change
#pragma once

#include "absl/time/time.h"
#include "atrium/type/v1/audit.pb.h"
#include "common/auth.h"

namespace atrium {

type::v1::Audit NewAudit(const Principal& who, absl::Time now);
void Touch(type::v1::Audit* audit, const Principal& who, absl::Time now);

}  // namespace atrium
