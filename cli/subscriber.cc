#include "cli/subscriber.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "cli/render.h"
#include "grpcpp/grpcpp.h"
#include "io/cloudevents/v1/cloudevents.pb.h"

namespace atrium::cli {

using notifications::v1::Dispatch;
using notifications::v1::DispatchEvent;
using notifications::v1::FieldChange;

NoticeSubscriber::NoticeSubscriber(SubscriberOptions options, Handler handler, StatusHandler status)
    : options_(std::move(options)), handler_(std::move(handler)), status_(std::move(status)) {
  stub_ = notifications::v1::NotificationsService::NewStub(
      grpc::CreateChannel(options_.notifications_address, grpc::InsecureChannelCredentials()));
}

bool NoticeSubscriber::Decode(const std::string& payload, DispatchEvent* out) {
  io::cloudevents::v1::CloudEvent e;
  if (!e.ParseFromString(payload) || !e.has_proto_data()) return false;
  return e.proto_data().UnpackTo(out);
}

void NoticeSubscriber::Deliver(const DispatchEvent& e) {
  if (seen_.count(e.event_id()) != 0) return;
  if (!handler_(e)) return;
  seen_.insert(e.event_id());
  seen_order_.push_back(e.event_id());
  if (seen_order_.size() > options_.remembered_ids) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
}

bool NoticeSubscriber::CatchUp() {
  notifications::v1::ListDispatchesRequest req;
  req.set_department(options_.department);
  req.set_unsigned_only(true);
  req.set_page_size(500);
  do {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.AddMetadata("authorization", "Bearer " + options_.token);
    notifications::v1::ListDispatchesResponse resp;
    grpc::Status s = stub_->ListDispatches(&ctx, req, &resp);
    if (!s.ok()) {
      Status(absl::StrCat("catch-up failed: ", s.error_message()));
      return false;
    }
    for (const Dispatch& d : resp.dispatches()) {
      DispatchEvent e;
      e.set_event_id(d.event_id());
      *e.mutable_dispatch() = d;
      Deliver(e);
    }
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty() && !stop_);
  return true;
}

void NoticeSubscriber::Run() {
  const std::string channel = absl::StrCat(options_.channel_prefix, ".dispatches.", options_.department);
  absl::Duration backoff = options_.reconnect_initial;
  while (!stop_) {
    auto conn = redis::Connection::Connect(options_.redis, absl::Seconds(2));
    absl::Status s = conn.ok() ? (*conn)->Subscribe({channel}) : conn.status();
    if (!s.ok()) {
      Status(absl::StrCat("redis unavailable: ", std::string(s.message()), "; retrying"));
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
      backoff = std::min(backoff * 2, options_.reconnect_max);
      continue;
    }
    backoff = options_.reconnect_initial;
    Status(absl::StrCat("subscribed to ", channel));
    // Subscribed first, so nothing published from now on is missed; then
    // everything unsigned that was dispatched while away.
    bool caught_up = CatchUp();
    absl::Time next_catch_up = absl::Now() + absl::Seconds(30);
    while (!stop_) {
      if (!caught_up && absl::Now() >= next_catch_up) {
        caught_up = CatchUp();
        next_catch_up = absl::Now() + absl::Seconds(5);
      }
      auto m = (*conn)->NextMessage(absl::Milliseconds(200));
      if (!m.ok()) {
        Status(absl::StrCat("redis lost: ", std::string(m.status().message()), "; reconnecting"));
        break;
      }
      if (!m->has_value()) continue;
      DispatchEvent e;
      if (Decode((*m)->payload, &e)) Deliver(e);
    }
  }
}

namespace {

const char* KindName(FieldChange::Kind k) {
  switch (k) {
    case FieldChange::ADDED: return "added";
    case FieldChange::REMOVED: return "removed";
    case FieldChange::MODIFIED: return "changed";
    default: return "?";
  }
}

}  // namespace

std::string FormatDispatch(const Dispatch& d) {
  // Every value from the message escaped: a title cannot forge a line.
  std::string out = absl::StrCat("── ", EscapeControl(d.title()), " · revision ", d.revision(), " · ",
                                 EscapeControl(d.department()), " ──\n");
  absl::StrAppend(&out, "dispatch:  ", EscapeControl(d.name()), "\n");
  absl::StrAppend(&out, "meeting:   ", EscapeControl(d.meeting()), " (starts ",
                  FormatTimestamp(d.meeting_start_time(), "%Y-%m-%d %H:%M %Z"), ")\n");
  absl::StrAppend(&out, "sign by:   ", FormatTimestamp(d.sign_deadline(), "%Y-%m-%d %H:%M %Z"), "\n");
  if (!d.section().heading().empty()) absl::StrAppend(&out, EscapeControl(d.section().heading()), "\n");
  if (d.section().fields_size() == 0) absl::StrAppend(&out, "  (this department is no longer concerned)\n");
  for (const auto& f : d.section().fields()) {
    absl::StrAppend(&out, "  ", EscapeControl(f.label().empty() ? f.path() : f.label()), ": ", EscapeControl(f.value()),
                    "\n");
  }
  if (d.changes_size() > 0) {
    absl::StrAppend(&out, "changes since revision ", d.revision() - 1, ":\n");
    for (const auto& c : d.changes()) {
      absl::StrAppend(&out, "  ", KindName(c.kind()), " ", EscapeControl(c.label().empty() ? c.path() : c.label()));
      if (c.kind() == FieldChange::MODIFIED) {
        absl::StrAppend(&out, ": ", EscapeControl(c.old_value()), " → ", EscapeControl(c.new_value()));
      }
      if (c.kind() == FieldChange::ADDED) absl::StrAppend(&out, ": ", EscapeControl(c.new_value()));
      if (c.kind() == FieldChange::REMOVED) absl::StrAppend(&out, " (was ", EscapeControl(c.old_value()), ")");
      absl::StrAppend(&out, "\n");
    }
  }
  absl::StrAppend(&out, "sign with: atrium notices sign ", EscapeControl(d.name()), " --remark \"...\"\n");
  return out;
}

absl::StatusOr<std::string> FormatEvent(const DispatchEvent& e, bool json) {
  if (!json) return FormatDispatch(e.dispatch());
  auto line = JsonLine(e);
  if (!line.ok()) return line.status();
  return absl::StrCat(*line, "\n");
}

}  // namespace atrium::cli
