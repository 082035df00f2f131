#include "common/errors.h"

#include <gtest/gtest.h>

#include "common/text.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace atrium {
namespace {

TEST(ErrorsTest, InvalidArgumentCarriesFieldViolationAndReason) {
  SetErrorDomain("clients.atrium");
  grpc::Status g = ToGrpcStatus(InvalidArgument("account.credit_code", "must have 18 characters"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "account.credit_code must have 18 characters");
  EXPECT_EQ(ViolatedField(g), "account.credit_code");
  EXPECT_EQ(ErrorReason(g), "INVALID_ARGUMENT");
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(g.error_details()));
  EXPECT_EQ(rich.code(), 3);
  bool has_info = false;
  for (const auto& any : rich.details()) {
    if (any.type_url() == "type.googleapis.com/google.rpc.ErrorInfo") {
      google::rpc::ErrorInfo info;
      ASSERT_TRUE(info.ParseFromString(any.value()));
      EXPECT_EQ(info.domain(), "clients.atrium");
      has_info = true;
    }
  }
  EXPECT_TRUE(has_info);
}

TEST(ErrorsTest, CodesMapOneToOne) {
  EXPECT_EQ(ToGrpcStatus(NotFound("account", "accounts/x")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(StaleEtag("accounts/x")).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(ToGrpcStatus(StaleEtag("accounts/x"))), "STALE_ETAG");
  EXPECT_EQ(ToGrpcStatus(PermissionDenied("rule")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ToGrpcStatus(FailedPrecondition("R", "m")).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpcStatus(AlreadyExists("DUP", "m")).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

// A request's invalid UTF-8 quoted in an error never reaches the wire: the
// details stay readable, so the client still learns the field at fault.
TEST(ErrorsTest, InvalidUtf8InARequestStaysOutOfTheStatus) {
  for (const absl::Status& s :
       {InvalidArgument("department", "\"\xff\xfe\" is not a configured department"),
        NotFound("account", "accounts/\xc3"), FailedPrecondition("R", "m \xff", {{"k", "\xff"}}),
        absl::InvalidArgumentError("plain \xff")}) {
    const grpc::Status g = ToGrpcStatus(s);
    EXPECT_TRUE(IsValidUtf8(g.error_message())) << g.error_message();
    google::rpc::Status rich;
    ASSERT_TRUE(rich.ParseFromString(g.error_details())) << g.error_message();
    EXPECT_TRUE(IsValidUtf8(rich.message()));
  }
  const grpc::Status g = ToGrpcStatus(InvalidArgument("department", "\"\xff\" is not a configured department"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(g), "department");
  EXPECT_EQ(ErrorReason(g), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorMetadata(ToGrpcStatus(FailedPrecondition("R", "m", {{"k", "\xff"}})), "k"), "\xef\xbf\xbd");
}

// What a restarting, overloaded or unreachable peer answers is worth a
// retry in a moment; an answer about the request itself is not.
TEST(ErrorsTest, TransientPeerFailures) {
  for (grpc::StatusCode code : {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED,
                                grpc::StatusCode::DEADLINE_EXCEEDED, grpc::StatusCode::RESOURCE_EXHAUSTED}) {
    EXPECT_TRUE(IsTransientPeerFailure(grpc::Status(code, "m"))) << code;
  }
  for (grpc::StatusCode code :
       {grpc::StatusCode::OK, grpc::StatusCode::UNKNOWN, grpc::StatusCode::INVALID_ARGUMENT,
        grpc::StatusCode::NOT_FOUND, grpc::StatusCode::ALREADY_EXISTS, grpc::StatusCode::PERMISSION_DENIED,
        grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::ABORTED, grpc::StatusCode::OUT_OF_RANGE,
        grpc::StatusCode::UNIMPLEMENTED, grpc::StatusCode::INTERNAL, grpc::StatusCode::DATA_LOSS,
        grpc::StatusCode::UNAUTHENTICATED}) {
    EXPECT_FALSE(IsTransientPeerFailure(grpc::Status(code, "m"))) << code;
  }
}

}  // namespace
}  // namespace atrium
