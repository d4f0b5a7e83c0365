#include "scratch_database.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "db/migrator.hpp"

namespace salon::db::testing {

std::optional<std::string> test_server_url() {
  const char* url = std::getenv("SALON_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

std::string url_for_database(const std::string& url, const std::string& name) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url + " dbname=" + name;  // key=value: last wins
  const auto path = url.find('/', scheme_end + 3);
  const auto query = url.find('?', scheme_end + 3);
  const auto authority_end = std::min(path, query);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, authority_end) + "/" + name + rest;
}

int closed_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

scratch_database::scratch_database(std::string server_url) : server_url_(std::move(server_url)) {
  std::random_device seed;
  std::mt19937_64 random(seed());
  name_ = "salon_test_" + std::to_string(random() % 1'000'000'000'000ULL);
  url_ = url_for_database(server_url_, name_);
  pqxx::connection admin(server_url_);
  pqxx::nontransaction(admin).exec("create database " + name_);
}

scratch_database::~scratch_database() {
  try {
    pqxx::connection admin(server_url_);
    pqxx::nontransaction(admin).exec("drop database if exists " + name_ + " with (force)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop " << name_ << ": " << e.what();
  }
}

pqxx::result scratch_database::query(const std::string& sql) {
  pqxx::connection connection(url_);
  pqxx::work transaction(connection);
  auto result = transaction.exec(sql);
  transaction.commit();
  return result;
}

int scratch_database::terminate_sessions() {
  pqxx::connection admin(server_url_);
  pqxx::nontransaction query(admin);
  const auto ended = query.exec_params(
      "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity "
      "where datname = $1 and pid <> pg_backend_pid()",
      name_);
  return ended[0][0].as<int>();
}

void database_test::SetUp() {
  const auto server = test_server_url();
  ASSERT_TRUE(server.has_value())
      << "SALON_TEST_DATABASE_URL is not set. Start a throwaway server with\n"
         "  scripts/postgres start /tmp/salon-pg 55432\n"
         "and run with SALON_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres";
  database_ = std::make_unique<scratch_database>(*server);
}

void migrated_database_test::SetUp() {
  database_test::SetUp();
  if (HasFatalFailure()) return;
  apply_migrations(url());
}

}  // namespace salon::db::testing
