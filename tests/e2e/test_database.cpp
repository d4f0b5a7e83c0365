#include "tests/e2e/test_database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>

#include "tests/e2e/server_process.hpp"

namespace salon::testing {
namespace {

std::string admin_url() {
  const char* url = std::getenv("SALON_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "SALON_TEST_DATABASE_URL is not set: run the suite with scripts/test, which starts "
        "PostgreSQL");
  }
  return url;
}

// Replaces the database name (the last path segment) of a postgresql:// URL.
std::string with_database(const std::string& url, const std::string& name) {
  auto query = url.find('?');
  auto slash = url.rfind('/', query == std::string::npos ? url.size() : query);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace

test_database::test_database() : admin_url_(admin_url()) {
  std::random_device random;
  name_ = "e2e_" + std::to_string(getpid()) + "_" + std::to_string(random() % 1000000000);
  pqxx::connection admin(admin_url_);
  pqxx::nontransaction(admin).exec("create database " + name_);
  url_ = with_database(admin_url_, name_);
}

test_database::~test_database() {
  try {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction(admin).exec("drop database if exists " + name_ + " with (force)");
  } catch (const std::exception&) {
    // A leftover database in a throwaway server is harmless.
  }
}

std::string test_database::query_value(const std::string& sql) const {
  pqxx::connection connection(url_);
  pqxx::nontransaction work(connection);
  auto result = work.exec(sql);
  if (result.empty() || result[0].empty() || result[0][0].is_null()) return "";
  return result[0][0].c_str();
}

void migrate_and_seed_demo(const test_database& database) {
  const std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}};
  const auto migrated = run_binary({"migrate"}, env);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
  const auto seeded = run_binary({"seed-demo"}, env);
  ASSERT_EQ(seeded.exit_code, 0) << seeded.output;
}

}  // namespace salon::testing
