// Requests as the outside load generators send them: gRPC messages as on
// the wire (a 5-byte frame header, then the serialized message), one after
// another in a file (h2load sends a file of one; bench/grpc_load any number).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "google/protobuf/message_lite.h"

namespace atrium::bench {

// Appends `m` to `out` as one gRPC message.
inline void AppendFrame(const google::protobuf::MessageLite& m, std::string* out) {
  const std::string body = m.SerializeAsString();
  const uint32_t n = static_cast<uint32_t>(body.size());
  out->push_back('\0');  // not compressed
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(n >> shift));
  out->append(body);
}

inline bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  return static_cast<bool>(out);
}

// Writes a file of the one message `m`.
inline bool WriteFrame(const std::string& path, const google::protobuf::MessageLite& m) {
  std::string frame;
  AppendFrame(m, &frame);
  return WriteFile(path, frame);
}

}  // namespace atrium::bench
