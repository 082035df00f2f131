// A real PostgreSQL server for tests, started here from Debian's binaries in
// a temporary directory on a free port (as the `postgres` user when run as
// root: the server refuses root), with trust authentication on loopback.
#pragma once

#include <memory>
#include <string>

#include "tests/process.h"

namespace atrium::testing {

class PostgresServer final {
 public:
  // The cluster lives in <dir>/pg and is removed with this object.
  explicit PostgresServer(const std::string& dir);
  ~PostgresServer();
  // Initialises the cluster (first time) and starts the server; false if it
  // did not come up (the reason is in log()).
  bool Start();
  void Stop();
  // A libpq connection string for `database`.
  std::string Url(const std::string& database = "postgres") const;
  // Creates a database; false on failure.
  bool CreateDatabase(const std::string& name);
  std::string log() const;

 private:
  std::string dir_;
  int port_;
  bool initialised_ = false;
  std::unique_ptr<ServiceProcess> process_;
};

// One server for the whole test binary, and a fresh database on it per call.
std::string FreshPostgresDatabase();

}  // namespace atrium::testing
