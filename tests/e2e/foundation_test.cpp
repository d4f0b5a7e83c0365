// The foundation end to end: the real binary, real PostgreSQL, real HTTP on loopback.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/http_client.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/e2e/test_database.hpp"
#include "tests/support/realtime.hpp"

namespace salon::testing {
namespace {

constexpr const char* admin_key = "test-admin-key";

std::string bearer(const std::string& key = admin_key) {
  return "Authorization: Bearer " + key;
}

nlohmann::json parse(const http_result& r) {
  auto json = nlohmann::json::parse(r.body, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << "not JSON: " << r.body;
  return json;
}

void expect_error(const http_result& r, long status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  auto json = parse(r);
  ASSERT_TRUE(json.contains("error")) << r.body;
  EXPECT_EQ(json["error"]["code"], code) << r.body;
  EXPECT_FALSE(json["error"]["message"].get<std::string>().empty());
}

// A migrated, seeded database and a server on it, shared by the tests of this suite.
class foundation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new test_database();
    migrate_and_seed_demo(*database_);
    if (HasFatalFailure()) return;
    std::map<std::string, std::string> env = {{"DATABASE_URL", database_->url()}};
    env["ADMIN_API_KEY"] = admin_key;
    env["PHONE_TO_LOCATION_MAP"] = R"({"+18084826296": 1, "+15550001111": 1})";
    server_ = new server_process(env);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  std::string url(const std::string& path) const { return server_->base_url() + path; }

  static test_database* database_;
  static server_process* server_;
};
test_database* foundation::database_ = nullptr;
server_process* foundation::server_ = nullptr;

TEST_F(foundation, health_reports_a_reachable_database) {
  auto r = http_get(url("/health"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = parse(r);
  EXPECT_EQ(json["status"], "ok");
  EXPECT_EQ(json["database"]["reachable"], true);
  EXPECT_TRUE(json["version"].is_string());
  EXPECT_GE(json["uptime_seconds"].get<double>(), 0.0);
  EXPECT_EQ(json["live_calls"], 0);
}

TEST_F(foundation, metrics_are_prometheus_text) {
  http_get(url("/health"));
  auto r = http_get(url("/metrics"));
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.headers["content-type"].find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("# TYPE salon_http_requests_total counter"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("route=\"health\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("salon_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(r.body.find("salon_database_pool_workers"), std::string::npos);
  EXPECT_NE(r.body.find("salon_database_pool_busy"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("salon_database_pool_idle"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"(route="health",status="200")"), std::string::npos) << r.body;
  // A shop asked for is loaded by its actor and stays loaded.
  ASSERT_EQ(http_get(url("/shop/1/config"), {bearer()}).status, 200);
  auto after = http_get(url("/metrics")).body;
  EXPECT_NE(after.find("\nsalon_shops_loaded 1\n"), std::string::npos) << after;
}

TEST_F(foundation, shops_need_the_admin_token) {
  expect_error(http_get(url("/shops")), 401, "unauthorized");
  expect_error(http_get(url("/shops"), {bearer("wrong-key")}), 401, "unauthorized");
  expect_error(http_get(url("/shops"), {"Authorization: Basic dGVzdA=="}), 401, "unauthorized");
  expect_error(http_get(url("/shop/1/config")), 401, "unauthorized");
}

TEST_F(foundation, shops_lists_the_demo_salon) {
  auto r = http_get(url("/shops"), {bearer()});
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = parse(r);
  ASSERT_TRUE(json["shops"].is_array()) << r.body;
  ASSERT_EQ(json["shops"].size(), 1u);
  EXPECT_EQ(json["shops"][0]["location_id"], 1);
  EXPECT_EQ(json["shops"][0]["business_name"], "Studio Nine Hair & Color");
}

TEST_F(foundation, shop_config_comes_from_the_database) {
  auto r = http_get(url("/shop/1/config"), {bearer()});
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = parse(r);
  EXPECT_EQ(json["location_id"], 1);
  EXPECT_EQ(json["business_name"], "Studio Nine Hair & Color");
  EXPECT_EQ(json["timezone"], "Pacific/Honolulu");
  EXPECT_GE(json["services"].size(), 5u);
  for (const auto& service : json["services"]) {
    EXPECT_FALSE(service["name"].get<std::string>().empty());
    EXPECT_GT(service["duration_minutes"].get<int>(), 0);
    EXPECT_GE(service["price_cents"].get<int>(), 0);
  }
  EXPECT_GE(json["stylists"].size(), 2u);
  EXPECT_EQ(json["opening_hours"].size(), 7u);
  auto numbers = json["phone_numbers"];
  EXPECT_NE(std::find(numbers.begin(), numbers.end(), "+18084826296"), numbers.end());
  EXPECT_NE(std::find(numbers.begin(), numbers.end(), "+15550001111"), numbers.end());
  // The shop actor keeps it: a second ask answers the same.
  auto again = http_get(url("/shop/1/config"), {bearer()});
  EXPECT_EQ(again.body, r.body);
}

TEST_F(foundation, unknown_shop_is_404_and_bad_id_is_400) {
  expect_error(http_get(url("/shop/999/config"), {bearer()}), 404, "not_found");
  expect_error(http_get(url("/shop/abc/config"), {bearer()}), 400, "bad_request");
  expect_error(http_get(url("/shop/0/config"), {bearer()}), 400, "bad_request");
  expect_error(http_get(url("/shop/-4/config"), {bearer()}), 400, "bad_request");
  // Still serving after the bad requests.
  EXPECT_EQ(http_get(url("/shop/1/config"), {bearer()}).status, 200);
}

TEST_F(foundation, unknown_route_and_wrong_method) {
  expect_error(http_get(url("/no/such/route")), 404, "not_found");
  auto r = http_call("DELETE", url("/health"));
  expect_error(r, 405, "method_not_allowed");
  EXPECT_NE(r.headers["allow"].find("GET"), std::string::npos);
}

TEST_F(foundation, body_over_the_limit_is_413) {
  std::string body(200 * 1024, 'x');
  expect_error(http_call("POST", url("/shops"), {bearer()}, body), 413, "payload_too_large");
  EXPECT_EQ(http_get(url("/health")).status, 200) << "server still up";
}

TEST(foundation_process, no_admin_key_means_503_never_open) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}};
  ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
  server_process server(env);
  auto r = http_get(server.base_url() + "/shops", {bearer("anything")});
  expect_error(r, 503, "service_unavailable");
  EXPECT_NE(r.body.find("ADMIN_API_KEY"), std::string::npos);
  auto config = http_get(server.base_url() + "/shop/1/config", {bearer("anything")});
  expect_error(config, 503, "service_unavailable");
  auto unauthenticated = http_get(server.base_url() + "/shop/1/config");
  expect_error(unauthenticated, 503, "service_unavailable");
}

TEST(foundation_process, database_down_is_503) {
  // Nothing listens on port 1 of loopback.
  std::map<std::string, std::string> env = {
      {"DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none"}, {"ADMIN_API_KEY", admin_key}};
  server_process server(env);
  auto health = http_get(server.base_url() + "/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(parse(health)["database"]["reachable"], false);
  expect_error(http_get(server.base_url() + "/shops", {bearer()}), 503, "database_unavailable");
  expect_error(http_get(server.base_url() + "/shop/1/config", {bearer()}), 503,
               "database_unavailable");
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

// Policy and real-time priority of every thread of `pid` (fields 41 and 40 of /proc stat).
std::vector<std::pair<int, int>> thread_scheduling(pid_t pid) {
  std::vector<std::pair<int, int>> threads;
  const auto tasks = std::filesystem::path("/proc") / std::to_string(pid) / "task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::ifstream stat(task.path() / "stat");
    std::string text;
    std::getline(stat, text);
    std::istringstream fields(text.substr(text.rfind(')') + 2));  // from field 3 on
    std::vector<std::string> values{std::istream_iterator<std::string>(fields), {}};
    if (values.size() < 39) continue;  // the thread ended while being read
    threads.emplace_back(std::stoi(values[38]), std::stoi(values[37]));
  }
  return threads;
}

TEST(foundation_process, realtime_priority_puts_every_thread_under_sched_rr) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()},
                                            {"REALTIME_PRIORITY", "7"}};
  ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
  server_process server(env);
  auto health = parse(http_get(server.base_url() + "/health"));
  auto metrics = http_get(server.base_url() + "/metrics").body;
  if (!realtime_scheduling_allowed()) {
    // Without the privilege the server runs on, normally, and says why.
    EXPECT_EQ(health["realtime_priority"], 0);
    EXPECT_NE(health["warnings"].dump().find("REALTIME_PRIORITY"), std::string::npos);
    EXPECT_NE(server.log().find("not applied"), std::string::npos) << server.log();
    return;
  }
  EXPECT_EQ(health["realtime_priority"], 7) << health.dump();
  EXPECT_EQ(health["warnings"].dump().find("REALTIME_PRIORITY"), std::string::npos);
  EXPECT_NE(metrics.find("\nsalon_realtime_priority 7\n"), std::string::npos);
  auto threads = thread_scheduling(server.pid());
  EXPECT_GE(threads.size(), 6u) << "main, I/O, actor, clock and database threads";
  int below = 0;
  for (const auto& [policy, priority] : threads) {
    EXPECT_EQ(policy, SCHED_RR);
    EXPECT_TRUE(priority == 7 || priority == 6) << priority;
    below += priority == 6 ? 1 : 0;
  }
  EXPECT_EQ(below, 1) << "only the dashboards' feed thread runs one priority below the calls";
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(foundation_process, sigterm_stops_cleanly) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}};
  ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
  server_process server(env);
  ASSERT_EQ(http_get(server.base_url() + "/health").status, 200);
  auto code = server.stop(SIGTERM);
  ASSERT_TRUE(code.has_value()) << "did not stop within the limit:\n" << server.log();
  EXPECT_EQ(*code, 0) << server.log();
  EXPECT_NE(server.log().find("stopped cleanly"), std::string::npos) << server.log();
}

TEST(foundation_process, a_log_reader_that_goes_away_does_not_stop_the_server) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()},
                                            {"PORT", "0"},
                                            {"BIND_ADDRESS", "127.0.0.1"},
                                            {"LOG_LEVEL", "debug"}};
  ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
  const char* scratch = std::getenv("SALON_TEST_SCRATCH");
  const std::string fifo =
      std::string(scratch ? scratch : "/tmp") + "/log-reader-" + std::to_string(getpid()) + ".fifo";
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const pid_t pid = spawn_binary({"serve"}, env, fifo);
  // The log collector: reads until the server says where it listens, then goes away.
  const int reader = ::open(fifo.c_str(), O_RDONLY);
  ASSERT_GE(reader, 0);
  std::string log;
  std::string port;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (port.empty() && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{reader, POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(reader, chunk, sizeof chunk);
    if (n <= 0) break;
    log.append(chunk, static_cast<std::size_t>(n));
    const auto at = log.find("listening on http://127.0.0.1:");
    if (at != std::string::npos) {
      const auto digits = log.substr(at + 30);
      port = digits.substr(0, digits.find_first_not_of("0123456789"));
    }
  }
  ::close(reader);
  ::unlink(fifo.c_str());
  ASSERT_FALSE(port.empty()) << log;

  // Every line the server logs now meets a pipe without a reader; malformed webhooks log one
  // each. It answers on, and still stops cleanly.
  const std::string base = "http://127.0.0.1:" + port;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(http_call("POST", base + "/voice",
                        {"Content-Type: application/x-www-form-urlencoded"}, "%zz=%")
                  .status,
              400);
  }
  EXPECT_EQ(http_get(base + "/health").status, 200);
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), 0) << "the server is still running";
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(foundation_process, sigint_stops_cleanly) {
  test_database database;
  server_process server(std::map<std::string, std::string>{{"DATABASE_URL", database.url()}});
  EXPECT_EQ(server.stop(SIGINT), 0) << server.log();
}

TEST(foundation_process, bad_settings_exit_2_with_one_line) {
  auto r = run_binary({"serve"}, {{"PHONE_TO_LOCATION_MAP", "{oops"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("PHONE_TO_LOCATION_MAP"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;

  auto flag = run_binary({"serve", "--no-such-flag", "1"}, {});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.output.find("--no-such-flag"), std::string::npos) << flag.output;

  auto port = run_binary({"serve", "--port", "99999"}, {});
  EXPECT_EQ(port.exit_code, 2);
  EXPECT_NE(port.output.find("--port"), std::string::npos);
}

TEST(foundation_process, help_lists_commands_and_settings) {
  auto r = run_binary({"--help"}, {});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word :
       {"serve", "migrate", "seed-demo", "DATABASE_URL", "MAX_CONCURRENT_CALLS"}) {
    EXPECT_NE(r.output.find(word), std::string::npos) << word;
  }
}

TEST(foundation_process, migrate_twice_is_a_no_op_the_second_time) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}};
  ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
  std::string count = database.query_value("select count(*) from schema_migrations");
  EXPECT_GE(std::stoi(count), 1);
  auto second = run_binary({"migrate"}, env);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(database.query_value("select count(*) from schema_migrations"), count);
  ASSERT_EQ(run_binary({"seed-demo"}, env).exit_code, 0);
  ASSERT_EQ(run_binary({"seed-demo"}, env).exit_code, 0);
  EXPECT_EQ(database.query_value("select count(*) from profiles"), "1");
}

TEST(foundation_process, two_migrate_processes_at_once_apply_each_file_once) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}};
  auto first = std::async(std::launch::async, [&] { return run_binary({"migrate"}, env); });
  auto second = std::async(std::launch::async, [&] { return run_binary({"migrate"}, env); });
  auto a = first.get();
  auto b = second.get();
  EXPECT_EQ(a.exit_code, 0) << a.output;
  EXPECT_EQ(b.exit_code, 0) << b.output;
  // Between them every file was applied, once: versions 1 to N, each recorded once.
  auto count = database.query_value("select count(*) from schema_migrations");
  EXPECT_GE(std::stoi(count), 13);
  EXPECT_EQ(database.query_value("select max(version) from schema_migrations"), count);
  EXPECT_EQ(database.query_value("select count(distinct version) from schema_migrations"), count);
  auto again = run_binary({"migrate"}, env);
  EXPECT_NE(again.output.find("0 applied"), std::string::npos) << again.output;
}

TEST(foundation_process, migrate_refuses_an_applied_file_that_changed) {
  test_database database;
  std::map<std::string, std::string> env = {{"DATABASE_URL", database.url()}};
  ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
  // As if 0002's file had been edited after it was applied.
  auto name = database.query_value("select name from schema_migrations where version = 2");
  database.query_value(
      "update schema_migrations set checksum = 'edited' where version = 2 returning 1");
  auto r = run_binary({"migrate"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(name), std::string::npos) << r.output;
  EXPECT_EQ(database.query_value("select checksum from schema_migrations where version = 2"),
            "edited");
}

}  // namespace
}  // namespace salon::testing
