// The unified social credit code (统一社会信用代码, GB 32100-2015): 18
// characters from "0-9 A-H J-N P-R T U W-Y" whose last is a check character
// computed from the first 17 with weights 3^i mod 31.
#pragma once

#include <string_view>

namespace atrium::clients {

// True when `code` has 18 valid characters and the right check character.
bool IsValidCreditCode(std::string_view code);

// The check character for the first 17 characters (for tests and tools);
// '\0' if they contain a character outside the alphabet.
char CreditCodeCheckCharacter(std::string_view first17);

}  // namespace atrium::clients
