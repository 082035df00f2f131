#include "common/request_ids.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace atrium {

std::string CallerOf(const Principal& who) {
  if (who.Is(Role::kDepartment)) return absl::StrCat("department/", who.department, ":", who.subject);
  return absl::StrCat(std::string(RoleName(who.role)), ":", who.subject);
}

std::string RequestDigest(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

absl::StatusOr<std::optional<RequestKey>> RequestKeyOf(std::string_view method, const Principal& who,
                                                       const google::protobuf::Message& request,
                                                       std::string_view request_id) {
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  if (request_id.empty()) return std::optional<RequestKey>();
  return std::optional<RequestKey>(
      RequestKey{std::string(method), CallerOf(who), std::string(request_id), RequestDigest(request)});
}

absl::StatusOr<std::optional<std::string>> Replay(const RequestKey& key,
                                                  const std::optional<RememberedRequest>& remembered) {
  if (!remembered) return std::optional<std::string>();
  if (remembered->digest != key.digest) {
    return AlreadyExists("REQUEST_ID_REUSED",
                         absl::StrCat("request_id \"", key.request_id, "\" was used for a different ", key.method,
                                      " request; send a new request_id for a new request"));
  }
  return std::optional<std::string>(remembered->resource_name);
}

}  // namespace atrium
