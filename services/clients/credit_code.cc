#include "services/clients/credit_code.h"

namespace atrium::clients {
namespace {
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
}  // namespace

char CreditCodeCheckCharacter(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    auto pos = kAlphabet.find(first17[i]);
    if (pos == std::string_view::npos) return '\0';
    sum += static_cast<int>(pos) * kWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return kAlphabet[check];
}

bool IsValidCreditCode(std::string_view code) {
  if (code.size() != 18) return false;
  char check = CreditCodeCheckCharacter(code.substr(0, 17));
  return check != '\0' && check == code[17];
}

}  // namespace atrium::clients
