#include "tests/postgres.h"

#include <glob.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "common/pg.h"
#include "common/testing.h"

namespace atrium::testing {
namespace {

std::string BinDir() {
  if (const char* d = std::getenv("ATRIUM_PG_BINDIR")) return d;
  glob_t g;
  std::string found;
  if (glob("/usr/lib/postgresql/*/bin/postgres", 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
    found = g.gl_pathv[g.gl_pathc - 1];
    found = found.substr(0, found.rfind('/'));
  }
  globfree(&g);
  return found;
}

// As root, commands run as `postgres`.
std::string AsServerUser(const std::string& command) {
  return geteuid() == 0 ? "runuser -u postgres -- " + command : command;
}

}  // namespace

PostgresServer::PostgresServer(const std::string& dir) : dir_(dir + "/pg"), port_(FreePort()) {}

PostgresServer::~PostgresServer() {
  Stop();
  // The cluster takes tens of megabytes; its logs beside it stay.
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool PostgresServer::Start() {
  const std::string bin = BinDir();
  if (bin.empty()) return false;
  if (!initialised_) {
    std::string setup = "mkdir -p " + dir_;
    // The server user must reach its directory through the (private) test directory.
    if (geteuid() == 0) setup += " && chmod 711 " + dir_ + "/.. && chown postgres " + dir_ + " && chmod 700 " + dir_;
    setup += " && " + AsServerUser(bin + "/initdb -D " + dir_ + " --auth=trust -U postgres -E UTF8 >" + dir_ +
                                   "/../initdb.log 2>&1");
    if (std::system(setup.c_str()) != 0) return false;
    initialised_ = true;
  }
  // The port was free when it was chosen; another test's server may take
  // it before ours binds (or still be shutting down on it). Ours then exits,
  // and starts again on another port: what answers on the port must be ours.
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (attempt > 0) port_ = FreePort();
    std::vector<std::string> args;
    std::string binary = bin + "/postgres";
    if (geteuid() == 0) {
      args = {"-u", "postgres", "--", binary};
      binary = "/usr/sbin/runuser";
    }
    const std::vector<std::string> server_args = {"-D", dir_,        "-p", std::to_string(port_),
                                                  "-k", dir_,        "-h", "127.0.0.1",
                                                  "-c", "fsync=off", "-c", "max_connections=200"};
    args.insert(args.end(), server_args.begin(), server_args.end());
    process_ = std::make_unique<ServiceProcess>(binary, args, dir_ + "/../postgres.log",
                                                "database system is ready to accept connections");
    if (process_->Start() != "") return true;
    // Still running but slow to say so (a loaded machine): it is ours.
    if (process_->pid() > 0) return pg::Connection::Open(Url()).ok();
  }
  return false;
}

void PostgresServer::Stop() {
  if (process_) process_->Stop(SIGTERM);
  process_.reset();
}

std::string PostgresServer::Url(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + database;
}

bool PostgresServer::CreateDatabase(const std::string& name) {
  auto c = pg::Connection::Open(Url());
  return c.ok() && (*c)->Exec("CREATE DATABASE " + name).ok();
}

std::string PostgresServer::log() const { return process_ ? process_->Log() : ""; }

std::string FreshPostgresDatabase() {
  static std::mutex mu;
  static std::unique_ptr<PostgresServer> server;  // stopped when the test binary exits
  static int n = 0;
  std::lock_guard<std::mutex> lock(mu);
  if (server == nullptr) {
    server = std::make_unique<PostgresServer>(TempDir("pg"));
    if (!server->Start()) {
      std::fprintf(stderr, "PostgreSQL did not start:\n%s\n", server->log().c_str());
      std::abort();
    }
  }
  const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++n);
  if (!server->CreateDatabase(name)) std::abort();
  return server->Url(name);
}

}  // namespace atrium::testing
