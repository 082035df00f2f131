// atrium: the command-line client.
//
//   atrium token mint --key-file K --sub kam-li --name "Li Na" --role key_account_manager
//   atrium clients help                       list the methods and their fields
//   atrium clients create-account account.kind=company account.display_name=ACME
//   atrium clients list-accounts query=会议 --json
//   atrium health clients
//   atrium notices watch --department fnb     print (and with --sign, sign) notices
//   atrium notices sign notices/N/revisions/2/dispatches/fnb --remark "菜单已确认"
//
// Server address: --addr, or ATRIUM_<SERVICE>_ADDR, or the local default.
// Token: --token, or ATRIUM_TOKEN. Errors print one line and exit non-zero.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "atrium/clients/v1/clients.pb.h"
#include "atrium/inspections/v1/inspections.pb.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "atrium/sales/v1/sales.grpc.pb.h"
#include "cli/fields.h"
#include "cli/pack.h"
#include "cli/render.h"
#include "cli/subscriber.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace {

using google::protobuf::Message;

struct ServiceInfo {
  std::string full_name;
  std::string default_addr;
  // Naming a generated type keeps the service's descriptors linked in.
  const google::protobuf::FileDescriptor* (*file)();
  // Dependencies reported as "<full_name>/<component>" on the health service.
  std::vector<std::string> components = {};
};

const std::map<std::string, ServiceInfo>& Services() {
  static const std::map<std::string, ServiceInfo> services = {
      {"clients",
       {"atrium.clients.v1.ClientsService", "127.0.0.1:50051",
        [] { return atrium::clients::v1::Account::descriptor()->file(); }}},
      {"notifications",
       {"atrium.notifications.v1.NotificationsService",
        "127.0.0.1:50052",
        [] { return atrium::notifications::v1::Dispatch::descriptor()->file(); },
        {"redis"}}},
      {"meetings",
       {"atrium.meetings.v1.MeetingsService", "127.0.0.1:50053",
        [] { return atrium::meetings::v1::Meeting::descriptor()->file(); }}},
      {"inspections",
       {"atrium.inspections.v1.InspectionsService", "127.0.0.1:50054",
        [] { return atrium::inspections::v1::Inspection::descriptor()->file(); }}},
      {"sales",
       {"atrium.sales.v1.SalesService", "127.0.0.1:50055",
        [] { return atrium::sales::v1::Target::descriptor()->file(); }}},
  };
  return services;
}

struct Options {
  std::string addr;
  std::string token;
  bool json = false;
  absl::Duration timeout = absl::Seconds(10);
  std::string request_json;
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;  // other --name=value
};

// The commands: on stderr with exit status 2 after a mistake, on stdout with
// 0 when asked for (--help, -h, help).
int Usage(bool asked = false) {
  std::ostream& usage_out = asked ? std::cout : std::cerr;
  usage_out << "usage:\n"
               "  atrium token mint --key-file FILE --sub ID --role ROLE [--name NAME] [--department D] [--ttl 12h]\n"
               "  atrium health SERVICE\n"
               "  atrium SERVICE help\n"
               "  atrium SERVICE METHOD [path=value ...] [--request JSON] [--json] [--addr HOST:PORT] [--token T]\n"
               "                 [--out FILE]   (a method that prints a document writes it to FILE)\n"
               "  atrium notices watch --department D [--redis HOST:PORT] [--prefix atrium] [--sign] [--json]\n"
               "  atrium notices sign DISPATCH [--remark TEXT]\n"
               "  atrium sales pack --month YYYY-MM [--pace N] [--top N] [--json]   the monthly analysis pack\n"
               "  atrium [SERVICE] --help                 this, or a service's methods (also -h)\n"
               "services: clients, notifications, meetings, inspections, sales\n";
  return asked ? 0 : 2;
}

std::string Simplify(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '-' && c != '_') out.push_back(absl::ascii_tolower(c));
  }
  return out;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (name == "json" || name == "sign" || name == "help") {  // switches
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        std::cerr << "error: --" << name << " needs a value\n";
        return false;
      }
      if (name == "addr") {
        o->addr = value;
      } else if (name == "token") {
        o->token = value;
      } else if (name == "json") {
        o->json = value != "false";
      } else if (name == "request") {
        o->request_json = value;
      } else if (name == "timeout") {
        if (!absl::ParseDuration(value, &o->timeout)) {
          std::cerr << "error: --timeout: \"" << value << "\" is not a duration\n";
          return false;
        }
      } else {
        o->flags[name] = value;
      }
    } else if (a == "-h") {
      o->flags["help"] = "true";
    } else {
      o->positional.push_back(a);
    }
  }
  if (o->token.empty()) {
    if (const char* t = std::getenv("ATRIUM_TOKEN")) o->token = t;
  }
  return true;
}

// Prints the whole message, or nothing and an error (exit status 1) when it
// has no JSON form. Returns the exit status.
int PrintMessage(const Message& m, bool json) {
  if (json) {
    auto line = atrium::cli::JsonLine(m);
    if (!line.ok()) {
      std::cerr << "error: " << line.status().message() << "\n";
      return 1;
    }
    std::cout << *line << "\n";
  } else {
    std::string text = atrium::cli::Render(m);
    std::cout << (text.empty() ? "(done)\n" : text);
  }
  return 0;
}

int PrintError(const grpc::Status& s) {
  static const char* kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  const int code = s.error_code();
  std::cerr << "error: " << (code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN") << ": " << s.error_message();
  const std::string field = atrium::ViolatedField(s);
  const std::string reason = atrium::ErrorReason(s);
  if (!reason.empty() && reason != "INVALID_ARGUMENT") std::cerr << " [" << reason << "]";
  std::cerr << "\n";
  return 1;
}

std::string AddressFor(const std::string& service, const Options& o) {
  if (!o.addr.empty()) return o.addr;
  std::string env = "ATRIUM_" + absl::AsciiStrToUpper(service) + "_ADDR";
  if (const char* a = std::getenv(env.c_str())) return a;
  return Services().at(service).default_addr;
}

// The departments and the longest lifetime the services are configured with,
// from the same environment variables (ATRIUM_DEPARTMENTS,
// ATRIUM_JWT_MAX_LIFETIME) or their defaults.
absl::StatusOr<std::vector<std::string>> MintDepartments() {
  const char* env = std::getenv("ATRIUM_DEPARTMENTS");
  return atrium::ParseDepartments(env ? env : atrium::kDefaultDepartments, "ATRIUM_DEPARTMENTS");
}

absl::Duration MintMaxLifetime() {
  absl::Duration d = absl::Hours(12);
  const char* env = std::getenv("ATRIUM_JWT_MAX_LIFETIME");
  if (env != nullptr && absl::ParseDuration(env, &d) && d > absl::ZeroDuration()) return d;
  return absl::Hours(12);
}

int MintHelp() {
  auto departments = MintDepartments();
  std::cout << "usage: atrium token mint --key-file FILE --sub ID --role ROLE [--name NAME] [--department D]\n"
               "                         [--ttl 12h] [--alg HS256]\n"
               "Prints a signed token (local use and tests; deployments use their identity provider).\n"
               "  --key-file FILE  the HS256 secret, or the RS256/ES256 private key (PEM)\n"
               "  --sub ID         who: 1 to 64 of A-Z a-z 0-9 . _ @ : -  (kam-li, service:meetings)\n"
               "  --name NAME      display name: at most 64 characters, no control characters (default: ID)\n"
               "  --role ROLE      manager, key_account_manager, clerk, gm_office, inspector, service,\n"
               "                   or a department by its own name, one of ATRIUM_DEPARTMENTS (set it as\n"
               "                   the services' departments setting is), here:\n"
               "                   "
            << (departments.ok() ? absl::StrJoin(*departments, " ") : std::string(departments.status().message()))
            << "\n"
               "                   --role department --department D is the same token as --role D.\n"
               "  --department D   with --role department: which department\n"
               "  --ttl DURATION   lifetime, at most "
            << absl::FormatDuration(MintMaxLifetime())
            << " (ATRIUM_JWT_MAX_LIFETIME, as the services'\n"
               "                   jwt-max-lifetime) and the default; a service token at most 1h\n"
               "  --alg ALG        HS256 (default), RS256 or ES256\n"
               "Services refuse a token whose claims break these rules (UNAUTHENTICATED naming the claim).\n";
  return 0;
}

int MintToken(const Options& o) {
  auto need = [&](const std::string& n) -> std::string {
    auto it = o.flags.find(n);
    return it == o.flags.end() ? "" : it->second;
  };
  const std::string key_file = need("key-file"), sub = need("sub"), role = need("role");
  if (key_file.empty() || sub.empty() || role.empty()) {
    std::cerr << "error: token mint needs --key-file, --sub and --role (atrium token mint --help)\n";
    return 2;
  }
  auto key = atrium::ReadSettingFile("--key-file", key_file);
  if (!key.ok()) {
    std::cerr << "error: " << key.status().message() << "\n";
    return 2;
  }
  auto departments = MintDepartments();
  if (!departments.ok()) {
    std::cerr << "error: " << departments.status().message() << "\n";
    return 2;
  }
  auto who = atrium::PrincipalFromClaims(sub, need("name"), role, need("department"), *departments);
  if (!who.ok()) {
    std::cerr << "error: " << who.status().message() << "\n";
    return 2;
  }
  const absl::Duration longest = who->Is(atrium::Role::kService) ? atrium::kServiceTokenLifetime : MintMaxLifetime();
  absl::Duration ttl = std::min(absl::Hours(12), longest);
  if (!need("ttl").empty() && !absl::ParseDuration(need("ttl"), &ttl)) {
    std::cerr << "error: --ttl is not a duration\n";
    return 2;
  }
  if (ttl <= absl::ZeroDuration() || ttl > longest) {
    std::cerr << "error: --ttl must be more than 0 and at most " << absl::FormatDuration(longest)
              << " (the services refuse longer tokens)\n";
    return 2;
  }
  auto alg = atrium::ParseAlgorithm(need("alg").empty() ? "HS256" : need("alg"));
  if (!alg.ok()) {
    std::cerr << "error: " << alg.status().message() << "\n";
    return 2;
  }
  const absl::Time now = absl::Now();
  auto token = atrium::MintToken(*alg, *key, *who, now + ttl, now);
  if (!token.ok()) {
    std::cerr << "error: " << token.status().message() << "\n";
    return 2;
  }
  std::cout << *token << "\n";
  return 0;
}

// Prints the service's health and that of its degradable components; the
// exit status follows the service itself.
int Health(const std::string& service, const Options& o) {
  auto channel = grpc::CreateChannel(AddressFor(service, o), grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  const ServiceInfo& info = Services().at(service);
  int rc = 0;
  std::vector<std::string> names = {info.full_name};
  for (const auto& c : info.components) names.push_back(info.full_name + "/" + c);
  for (const auto& name : names) {
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(name);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Status s = stub->Check(&ctx, req, &resp);
    if (!s.ok()) return PrintError(s);
    const std::string label = name == info.full_name ? service : service + name.substr(info.full_name.size());
    std::cout << label << ": " << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
    if (name == info.full_name && resp.status() != grpc::health::v1::HealthCheckResponse::SERVING) rc = 1;
  }
  return rc;
}

int Help(const google::protobuf::ServiceDescriptor* svc, const std::string& service) {
  std::cout << "methods of " << svc->full_name() << " (atrium " << service << " <method> path=value ...):\n";
  for (int i = 0; i < svc->method_count(); ++i) {
    const auto* m = svc->method(i);
    std::cout << "  " << m->name() << "\n" << atrium::cli::DescribeFields(m->input_type());
  }
  return 0;
}

// A printed document (atrium.type.v1.Document) goes to the file --out names.
int SaveDocument(const Message& document, const Options& o) {
  auto it = o.flags.find("out");
  if (it == o.flags.end() || it->second.empty()) {
    std::cerr << "error: the answer is a document: give --out FILE\n";
    return 2;
  }
  const auto* d = document.GetDescriptor();
  const auto* r = document.GetReflection();
  const std::string data = r->GetString(document, d->FindFieldByName("data"));
  std::ofstream file(it->second, std::ios::binary | std::ios::trunc);
  file.write(data.data(), static_cast<std::streamsize>(data.size()));
  file.close();
  if (!file) {
    std::cerr << "error: cannot write " << it->second << "\n";
    return 1;
  }
  std::cout << "wrote " << it->second << ": " << r->GetString(document, d->FindFieldByName("media_type")) << ", "
            << r->GetInt32(document, d->FindFieldByName("page_count")) << " page(s), " << data.size() << " bytes\n";
  return 0;
}

int Call(const std::string& service, const Options& o) {
  const ServiceInfo& info = Services().at(service);
  const auto* svc = info.file()->pool()->FindServiceByName(info.full_name);
  if (svc == nullptr) {
    std::cerr << "error: service " << service << " is not linked into this CLI\n";
    return 2;
  }
  if (o.positional.size() < 2 || o.positional[1] == "help" || o.flags.count("help")) return Help(svc, service);
  const google::protobuf::MethodDescriptor* method = nullptr;
  for (int i = 0; i < svc->method_count(); ++i) {
    if (Simplify(svc->method(i)->name()) == Simplify(o.positional[1])) method = svc->method(i);
  }
  if (method == nullptr) {
    std::cerr << "error: " << service << " has no method \"" << o.positional[1] << "\" (try: atrium " << service
              << " help)\n";
    return 2;
  }
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<Message> request(factory.GetPrototype(method->input_type())->New());
  std::unique_ptr<Message> response(factory.GetPrototype(method->output_type())->New());
  if (!o.request_json.empty()) {
    auto s = google::protobuf::util::JsonStringToMessage(o.request_json, request.get());
    if (!s.ok()) {
      std::cerr << "error: --request: " << s.message() << "\n";
      return 2;
    }
  }
  for (size_t i = 2; i < o.positional.size(); ++i) {
    if (auto s = atrium::cli::SetField(request.get(), o.positional[i]); !s.ok()) {
      std::cerr << "error: " << s.message() << "\n";
      return 2;
    }
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);  // a printed document can be large
  auto channel = grpc::CreateCustomChannel(AddressFor(service, o), grpc::InsecureChannelCredentials(), args);
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(absl::ToInt64Milliseconds(o.timeout)));
  if (!o.token.empty()) ctx.AddMetadata("authorization", "Bearer " + o.token);
  grpc::ByteBuffer request_buf;
  bool own = false;
  if (!grpc::SerializationTraits<Message>::Serialize(*request, &request_buf, &own).ok()) {
    std::cerr << "error: cannot serialise the request\n";
    return 2;
  }
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(&ctx, absl::StrCat("/", svc->full_name(), "/", method->name()), request_buf, &cq);
  call->StartCall();
  grpc::ByteBuffer response_buf;
  grpc::Status status;
  call->Finish(&response_buf, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  if (!status.ok()) return PrintError(status);
  if (!grpc::SerializationTraits<Message>::Deserialize(&response_buf, response.get()).ok()) {
    std::cerr << "error: cannot parse the response\n";
    return 1;
  }
  if (response->GetDescriptor()->full_name() == "atrium.type.v1.Document") return SaveDocument(*response, o);
  return PrintMessage(*response, o.json);
}

std::string Flag(const Options& o, const std::string& name, const std::string& def = "") {
  auto it = o.flags.find(name);
  return it == o.flags.end() ? def : it->second;
}

// Signs a dispatch; prints it. Returns the exit code.
// `traceparent`: the dispatch's, so that the signature continues the
// notice's trace.
int SignDispatch(atrium::notifications::v1::NotificationsService::Stub& stub, const Options& o, const std::string& name,
                 const std::string& remark, bool quiet, const std::string& traceparent = "") {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(absl::ToInt64Milliseconds(o.timeout)));
  if (!o.token.empty()) ctx.AddMetadata("authorization", "Bearer " + o.token);
  if (!traceparent.empty()) ctx.AddMetadata("traceparent", traceparent);
  atrium::notifications::v1::SignDispatchRequest req;
  req.set_name(name);
  req.set_remark(remark);
  atrium::notifications::v1::Dispatch out;
  grpc::Status s = stub.SignDispatch(&ctx, req, &out);
  if (!s.ok()) return PrintError(s);
  return quiet ? 0 : PrintMessage(out, o.json);
}

// atrium notices watch|sign: the subscriber of a departmental system.
int Notices(const Options& o) {
  const std::string address = AddressFor("notifications", o);
  auto stub = atrium::notifications::v1::NotificationsService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  if (o.positional.size() == 3 && o.positional[1] == "sign") {
    return SignDispatch(*stub, o, o.positional[2], Flag(o, "remark"), false);
  }
  if (o.positional.size() != 2 || o.positional[1] != "watch") return Usage();
  atrium::cli::SubscriberOptions so;
  so.department = Flag(o, "department");
  if (so.department.empty()) {
    std::cerr << "error: notices watch needs --department (e.g. fnb)\n";
    return 2;
  }
  std::string redis_addr = Flag(o, "redis");
  if (redis_addr.empty()) redis_addr = std::getenv("ATRIUM_REDIS") ? std::getenv("ATRIUM_REDIS") : "127.0.0.1:6379";
  auto endpoint = atrium::redis::ParseEndpoint(redis_addr, "--redis");
  if (!endpoint.ok()) {
    std::cerr << "error: " << endpoint.status().message() << "\n";
    return 2;
  }
  so.redis = *endpoint;
  so.channel_prefix = Flag(o, "prefix", "atrium");
  so.notifications_address = address;
  so.token = o.token;
  const bool sign = Flag(o, "sign") == "true";
  // An event that cannot be printed whole is not printed (nor signed: it
  // stays unsigned, is escalated in time, and comes again); the watch goes on
  // with the others and ends with exit status 1.
  bool unprintable = false;
  atrium::cli::NoticeSubscriber sub(
      so,
      [&](const atrium::notifications::v1::DispatchEvent& e) {
        auto text = atrium::cli::FormatEvent(e, o.json);
        if (!text.ok()) {
          std::cerr << "error: " << atrium::cli::EscapeControl(e.event_id()) << ": " << text.status().message() << "\n";
          unprintable = true;
          return false;
        }
        std::cout << *text << std::flush;
        if (sign && SignDispatch(*stub, o, e.dispatch().name(), Flag(o, "remark", "received"), true,
                                 e.dispatch().traceparent()) != 0) {
          return false;  // try again on the next delivery
        }
        return true;
      },
      [](const std::string& status) { std::cerr << "[notices] " << status << "\n"; });
  static atrium::cli::NoticeSubscriber* running = nullptr;
  running = &sub;
  std::signal(SIGINT, [](int) { running->Stop(); });
  std::signal(SIGTERM, [](int) { running->Stop(); });
  sub.Run();
  return unprintable ? 1 : 0;
}

// atrium sales pack: the monthly analysis pack as a table (or JSON).
int Pack(const Options& o) {
  atrium::sales::v1::GetMonthlyPackRequest req;
  const std::string month = Flag(o, "month");
  absl::CivilMonth m;
  if (month.empty() || !absl::ParseCivilTime(month, &m)) {
    std::cerr << "error: sales pack needs --month YYYY-MM\n";
    return 2;
  }
  req.mutable_month()->set_year(static_cast<int32_t>(m.year()));
  req.mutable_month()->set_month(m.month());
  int n = 0;
  if (o.flags.count("pace")) {
    if (!absl::SimpleAtoi(Flag(o, "pace"), &n)) {
      std::cerr << "error: --pace must be a number of months\n";
      return 2;
    }
    req.set_pace_months(n);
  }
  if (o.flags.count("top")) {
    if (!absl::SimpleAtoi(Flag(o, "top"), &n)) {
      std::cerr << "error: --top must be a number of accounts\n";
      return 2;
    }
    req.set_top_accounts(n);
  }
  auto stub = atrium::sales::v1::SalesService::NewStub(
      grpc::CreateChannel(AddressFor("sales", o), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(absl::ToInt64Milliseconds(o.timeout)));
  if (!o.token.empty()) ctx.AddMetadata("authorization", "Bearer " + o.token);
  atrium::sales::v1::MonthlyPack pack;
  if (grpc::Status s = stub->GetMonthlyPack(&ctx, req, &pack); !s.ok()) return PrintError(s);
  if (o.json) return PrintMessage(pack, true);
  std::cout << atrium::cli::RenderPack(pack);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string_view(argv[1]) == "token" && std::string_view(argv[2]) == "mint") {
    for (int i = 3; i < argc; ++i) {
      if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") return MintHelp();
    }
  }
  Options o;
  if (!ParseArgs(argc, argv, &o)) return 2;
  const bool help = Flag(o, "help") == "true" || (o.positional.size() == 1 && o.positional[0] == "help");
  if (help && (o.positional.empty() || !Services().count(o.positional[0]))) return Usage(true);
  if (o.positional.empty()) return Usage();
  const std::string& cmd = o.positional[0];
  if (cmd == "token" && o.positional.size() == 2 && o.positional[1] == "mint") return MintToken(o);
  if (cmd == "health" && o.positional.size() == 2 && Services().count(o.positional[1])) {
    return Health(o.positional[1], o);
  }
  if (cmd == "notices") return Notices(o);
  if (cmd == "sales" && o.positional.size() == 2 && o.positional[1] == "pack") return Pack(o);
  if (Services().count(cmd)) return Call(cmd, o);
  return Usage();
}
