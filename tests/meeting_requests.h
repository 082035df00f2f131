// The fields the meetings service's moves and approval decisions share
// (name, note, reason, etag), as one value that converts to the request
// message of any of them: each RPC has a message of its own, and a test that
// walks a meeting through its stages fills the fields once.
//
//   testing::MeetingRequest move;
//   move.set_name(m.name());
//   meetings->StartNegotiation(kKam, move);   // a StartNegotiationRequest
//   meetings->RecordIntent(kKam, move);       // a RecordIntentRequest
#pragma once

#include <string>

namespace atrium::testing {

struct MeetingRequest {
  std::string name, note, reason, etag;

  void set_name(std::string v) { name = std::move(v); }
  void set_note(std::string v) { note = std::move(v); }
  void set_reason(std::string v) { reason = std::move(v); }
  void set_etag(std::string v) { etag = std::move(v); }
  void clear_etag() { etag.clear(); }

  template <typename Request>
  operator Request() const {  // NOLINT: converts to each request message
    Request r;
    r.set_name(name);
    if constexpr (requires { r.set_note(note); }) r.set_note(note);
    if constexpr (requires { r.set_reason(reason); }) r.set_reason(reason);
    if constexpr (requires { r.set_etag(etag); }) r.set_etag(etag);
    return r;
  }
};

}  // namespace atrium::testing
