// Early returns on error, the way Abseil-based code bases spell them:
//
//   RETURN_IF_ERROR(tx.PutAccount(id, account));        // absl::Status or StatusOr
//   ASSIGN_OR_RETURN(auto account, tx.GetAccount(id));  // StatusOr<T> -> T
//
// Both return the error status from the enclosing function, which must
// return absl::Status or absl::StatusOr<U>.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace atrium::internal {

inline const absl::Status& AsStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& AsStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace atrium::internal

#define ATRIUM_STATUS_CONCAT_INNER(a, b) a##b
#define ATRIUM_STATUS_CONCAT(a, b) ATRIUM_STATUS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                        \
  do {                                                               \
    if (const auto& atrium_status_ = (expr); !atrium_status_.ok()) { \
      return ::atrium::internal::AsStatus(atrium_status_);           \
    }                                                                \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) ATRIUM_ASSIGN_OR_RETURN_IMPL(ATRIUM_STATUS_CONCAT(atrium_or_, __LINE__), lhs, expr)
#define ATRIUM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(*tmp)
