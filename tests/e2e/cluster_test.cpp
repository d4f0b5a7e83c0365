// Two `salon-phone serve` nodes on one database, as a cluster behind a load balancer: a shop set
// up through one node answers its number on the other, a changed number moves on both, and a
// dashboard on one node sees the calls of the other, without a restart (PostgreSQL
// LISTEN/NOTIFY).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "net/twilio_caller.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/ops_client.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/e2e/test_database.hpp"

namespace salon::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* admin_key = "cluster-e2e-key";

class cluster : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate_and_seed_demo(database_);
    if (HasFatalFailure()) return;
    std::map<std::string, std::string> env = {{"DATABASE_URL", database_.url()}};
    env["ADMIN_API_KEY"] = admin_key;
    env["SCRAPE_ALLOW_PRIVATE"] = "true";
    env["DEFAULT_LOCATION_ID"] = "1";
    first_ = std::make_unique<server_process>(env);
    second_ = std::make_unique<server_process>(env);
  }

  // The location a node's /voice webhook sends a call to `to` (from the TwiML's parameter).
  static std::string routed_location(server_process& node, const std::string& to) {
    static int calls = 0;
    const auto sid = "CAcluster" + std::to_string(++calls);
    const auto answer = http_call(
        "POST", node.base_url() + "/voice", {"Content-Type: application/x-www-form-urlencoded"},
        "CallSid=" + sid + "&AccountSid=ACtest&From=%2B15555550100&To=" +
            (to[0] == '+' ? "%2B" + to.substr(1) : to) + "&CallStatus=ringing&Direction=inbound");
    if (answer.status != 200) return "status " + std::to_string(answer.status);
    std::smatch found;
    static const std::regex location(R"re(name="locationId" value="(\d+)")re");
    return std::regex_search(answer.body, found, location) ? found[1].str() : "none";
  }

  // Polls until `node` routes `to` to `expected` (the other node's change arrives by NOTIFY).
  static std::string wait_for_route(server_process& node, const std::string& to,
                                    const std::string& expected) {
    std::string seen;
    for (auto deadline = std::chrono::steady_clock::now() + 15s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
      seen = routed_location(node, to);
      if (seen == expected) break;
    }
    return seen;
  }

  json setup(server_process& node, const std::string& phone) {
    // The website is down (nothing listens on port 9): the shop is still made, quickly.
    const json body = {{"location_id", 21},
                       {"phone_number", phone},
                       {"website_url", "http://127.0.0.1:9/"},
                       {"business_name", "Cluster Cuts"},
                       {"timezone", "America/Chicago"}};
    const auto answer = http_call(
        "POST", node.base_url() + "/shop/setup",
        {std::string("Authorization: Bearer ") + admin_key, "Content-Type: application/json"},
        body.dump());
    EXPECT_TRUE(answer.status == 200 || answer.status == 201) << answer.status << answer.body;
    return json::parse(answer.body, nullptr, false);
  }

  test_database database_;
  std::unique_ptr<server_process> first_;
  std::unique_ptr<server_process> second_;
};

TEST_F(cluster, a_shop_set_up_on_one_node_answers_its_number_on_the_other) {
  // Before: the number is unknown on both nodes and goes to the default location.
  ASSERT_EQ(routed_location(*second_, "+15125550121"), "1") << second_->log();

  const auto shop = setup(*first_, "+15125550121");
  EXPECT_EQ(shop["location_id"], 21) << shop.dump();
  EXPECT_EQ(routed_location(*first_, "+15125550121"), "21") << first_->log();
  EXPECT_EQ(wait_for_route(*second_, "+15125550121", "21"), "21") << second_->log();

  // A new number on the first node: on the second the old one lets go and the new one routes.
  setup(*first_, "+15125550122");
  EXPECT_EQ(wait_for_route(*second_, "+15125550122", "21"), "21") << second_->log();
  EXPECT_EQ(wait_for_route(*second_, "+15125550121", "1"), "1") << second_->log();
  EXPECT_EQ(routed_location(*first_, "+15125550121"), "1") << first_->log();
  EXPECT_NE(second_->log().find("cluster: shop 21 changed"), std::string::npos);
}

TEST_F(cluster, a_node_that_lost_its_listening_session_catches_up) {
  // Every session of the database ends (a failover, a pooler restart): the nodes reconnect and
  // re-read the numbers, so a change made meanwhile still arrives.
  database_.query_value(
      "select count(pg_terminate_backend(pid)) from pg_stat_activity "
      "where datname = current_database() and pid <> pg_backend_pid()");
  setup(*first_, "+15125550123");
  EXPECT_EQ(wait_for_route(*second_, "+15125550123", "21"), "21") << second_->log();
}

TEST_F(cluster, a_dashboard_on_one_node_sees_the_calls_of_the_other) {
  ops_client feed;
  ASSERT_EQ(feed.connect(first_->port(), std::string("/ops?access_token=") + admin_key), 101u);
  const auto snapshot = feed.read();
  ASSERT_TRUE(snapshot);
  EXPECT_NE(snapshot->find("\"snapshot\""), std::string::npos) << *snapshot;

  net::twilio_target target;
  target.port = second_->port();
  net::call_plan plan;
  plan.to = "+18084826296";
  plan.actions = {net::caller_action::say("how much is a balayage"),
                  net::caller_action::say("bye")};
  const auto report = net::run_call(target, plan);
  ASSERT_TRUE(report.relay_connected) << second_->log();

  std::vector<std::string> kinds;
  for (auto deadline = std::chrono::steady_clock::now() + 15s;
       std::chrono::steady_clock::now() < deadline;) {
    const auto message = feed.read(5s);
    if (!message) break;
    const auto event = json::parse(*message, nullptr, false);
    if (!event.is_object() || !event.contains("call")) continue;
    if (event["call"].value("sid", "") != report.call_sid) continue;
    kinds.push_back(event["type"].get<std::string>());
    if (kinds.back() == "call_started") {
      EXPECT_EQ(event["shop"]["location_id"], 1);
      EXPECT_EQ(event["call"]["caller"], "+1******0100");  // masked here too
    }
    if (kinds.back() == "call_ended") {
      EXPECT_EQ(event["call"]["outcome"], "inquiry");
      break;
    }
  }
  ASSERT_FALSE(kinds.empty()) << first_->log();
  EXPECT_EQ(kinds.front(), "call_started");
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "call_turn"), 2);
  EXPECT_EQ(kinds.back(), "call_ended");
}

}  // namespace
}  // namespace salon::testing
