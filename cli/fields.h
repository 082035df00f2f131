// Building a request message from `path=value` arguments, by reflection, so
// that the CLI covers every RPC of every linked service without per-method code.
//
//   account.display_name=ACME          string
//   account.kind=company               enum: full name, or the part after the type prefix
//   account.tags=vip account.tags=gov  repeated: each occurrence appends
//   agreement.start_date=2027-01-01    atrium.type.v1.Date
//   rates.nightly_rate=680.00          atrium.type.v1.Money (yuan; "680.00 USD" for another currency)
//   visit.planned_time=2026-12-01T09:00:00+08:00   google.protobuf.Timestamp (RFC 3339)
//   update_mask=phone,email            google.protobuf.FieldMask
#pragma once

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace atrium::cli {

// Sets one `path=value` on `message`; INVALID_ARGUMENT names the path.
absl::Status SetField(google::protobuf::Message* message, const std::string& assignment);

// Lists the settable paths of a message type, for help text.
std::string DescribeFields(const google::protobuf::Descriptor* type, const std::string& prefix = "", int depth = 0);

}  // namespace atrium::cli
