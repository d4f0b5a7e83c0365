#include "tests/e2e/live_call_support.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "tests/e2e/server_process.hpp"

namespace salon::testing {

using namespace std::chrono_literals;

scratch_folder::scratch_folder() {
  const char* base = std::getenv("SALON_TEST_SCRATCH");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/live_call.XXXXXX";
  path_ = mkdtemp(pattern.data());
}

scratch_folder::~scratch_folder() {
  std::filesystem::remove_all(path_);
}

std::string wait_for_value(const test_database& database, const std::string& sql,
                           const std::function<bool(const std::string&)>& ready,
                           std::chrono::seconds limit) {
  std::string value;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    value = database.query_value(sql);
    if (ready(value)) return value;
    std::this_thread::sleep_for(50ms);
  }
  return value;
}

std::string call_column(const std::string& column, const std::string& call_sid) {
  return "select " + column + " from calls where call_sid = '" + call_sid + "'";
}

net::call_plan plan(std::vector<net::caller_action> actions) {
  net::call_plan p;
  p.to = salon_number;
  p.actions = std::move(actions);
  return p;
}

std::string problems_of(const net::call_report& report) {
  std::string text;
  for (const auto& problem : report.problems) text += problem + "\n";
  return text;
}

std::map<std::string, std::string> server_env(const std::string& database_url,
                                              const std::string& spool) {
  return {{"DATABASE_URL", database_url},
          {"TWILIO_AUTH_TOKEN", auth_token},
          {"PUBLIC_BASE_URL", public_base},
          {"PHONE_TO_LOCATION_MAP", R"({"+18084826296": 1})"},
          {"SPOOL_DIR", spool}};
}

net::twilio_target target_of(std::uint16_t port, const std::string& token) {
  net::twilio_target t;
  t.host = "127.0.0.1";
  t.port = port;
  t.public_base_url = public_base;
  t.auth_token = token;
  return t;
}

}  // namespace salon::testing
