// Rendering responses for people: one "field: value" per line, nested with
// indentation; dates, money and timestamps in their usual written forms.
#pragma once

#include <string>

#include "google/protobuf/message.h"

namespace atrium::cli {

std::string Render(const google::protobuf::Message& message, int indent = 0);

}  // namespace atrium::cli
