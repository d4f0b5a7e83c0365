#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace salon::db::testing {

// The server the tests use, from SALON_TEST_DATABASE_URL; empty when the variable is not set.
std::optional<std::string> test_server_url();

// url with its database replaced by name (URL or key=value form).
std::string url_for_database(const std::string& url, const std::string& name);

// A loopback TCP port nobody listens on (bound, read, released).
int closed_loopback_port();

// A database of its own for one test: created empty with a random name, dropped (with every
// session still on it) when destroyed.
class scratch_database {
 public:
  explicit scratch_database(std::string server_url);
  ~scratch_database();

  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // Runs sql in its own transaction on the scratch database.
  pqxx::result query(const std::string& sql);
  // Ends every session on the scratch database, as a server restart would.
  int terminate_sessions();

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// Gives each test a fresh scratch database; fails (never skips) without SALON_TEST_DATABASE_URL.
class database_test : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override { database_.reset(); }

  scratch_database& database() { return *database_; }
  const std::string& url() const { return database_->url(); }

 private:
  std::unique_ptr<scratch_database> database_;
};

// A fresh database with every embedded migration applied.
class migrated_database_test : public database_test {
 protected:
  void SetUp() override;
};

}  // namespace salon::db::testing
