// The field-level changes between two revisions of a notice: sections are
// matched by department and fields by path.
#pragma once

#include <vector>

#include "atrium/notifications/v1/notifications.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace atrium::notifications {

using Sections = google::protobuf::RepeatedPtrField<v1::NoticeSection>;

// Changes from `before` to `after`: per department in the order of `after`
// (then departments no longer concerned), fields added or modified in the
// order of `after`, then those removed in the order of `before`.
std::vector<v1::FieldChange> DiffSections(const Sections& before, const Sections& after);

}  // namespace atrium::notifications
