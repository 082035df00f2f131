#include "services/clients/credit_code.h"

#include <gtest/gtest.h>

namespace atrium::clients {
namespace {

TEST(CreditCodeTest, AcceptsValidCodes) {
  EXPECT_TRUE(IsValidCreditCode("91350100M000100Y43"));
  EXPECT_TRUE(IsValidCreditCode(std::string("91110000600037341") + CreditCodeCheckCharacter("91110000600037341")));
}

TEST(CreditCodeTest, RejectsWrongCheckLengthAndAlphabet) {
  EXPECT_FALSE(IsValidCreditCode("91350100M000100Y44"));
  EXPECT_FALSE(IsValidCreditCode("91350100M000100Y4"));
  EXPECT_FALSE(IsValidCreditCode("91350100M000100Y433"));
  EXPECT_FALSE(IsValidCreditCode("91350100I000100Y43"));  // I is not in the alphabet
  EXPECT_FALSE(IsValidCreditCode("91350100m000100Y43"));  // lower case
}

}  // namespace
}  // namespace atrium::clients
