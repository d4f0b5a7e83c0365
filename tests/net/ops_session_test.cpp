// WS /ops and GET /dashboard on a real server on loopback, with a recording feed in place of the
// broadcaster: who gets in (401/503 before the handshake), the filter a session asks for, events
// reaching the socket, and the dashboard's files.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "net/ops_routes.hpp"
#include "net/router.hpp"
#include "tests/net/server_test_support.hpp"

namespace salon::net {
namespace {

using namespace testing;

constexpr const char* key = "ops-test-key";

// Stands in for the broadcaster: keeps who subscribed, with which filter.
struct recording_feed {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<std::shared_ptr<actors::ops_subscriber>, actors::ops_filter>> subscribed;
  int unsubscribed = 0;

  ops_feed feed() {
    return {[this](std::shared_ptr<actors::ops_subscriber> s, actors::ops_filter f) {
              std::lock_guard lock(mutex);
              subscribed.emplace_back(std::move(s), std::move(f));
              changed.notify_all();
            },
            [this](std::shared_ptr<actors::ops_subscriber>) {
              std::lock_guard lock(mutex);
              ++unsubscribed;
              changed.notify_all();
            }};
  }
  bool wait(const std::function<bool()>& done) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, guard_deadline, done);
  }
};

class ops_routes_test : public ::testing::Test {
 protected:
  void start(std::string api_key = key) {
    ops_context context;
    context.admin_api_key = std::move(api_key);
    context.feed = feed_.feed();
    context.web_dir = SALON_WEB_DIR;
    add_ops_routes(server_.routes(), context);
    ASSERT_FALSE(server_.start());
  }
  std::uint16_t port() { return server_.port(); }

  recording_feed feed_;
  http_server server_{loopback_options()};
};

TEST_F(ops_routes_test, no_token_is_refused_with_401_before_the_handshake) {
  start();
  websocket_test_client client;
  auto ec = client.connect(port(), "/ops");
  EXPECT_TRUE(ec);
  EXPECT_EQ(client.refusal.result_int(), 401u);
  auto body = nlohmann::json::parse(client.refusal.body(), nullptr, false);
  EXPECT_EQ(body["error"]["code"], "unauthorized") << client.refusal.body();
  EXPECT_TRUE(feed_.subscribed.empty());
}

TEST_F(ops_routes_test, a_wrong_query_token_is_refused_with_401) {
  start();
  for (std::string target : {"/ops?access_token=nope", "/ops?access_token=",
                             "/ops?access_token=ops-test-keyX", "/ops?access_token=%C3%A9%00"}) {
    websocket_test_client client;
    EXPECT_TRUE(client.connect(port(), target));
    EXPECT_EQ(client.refusal.result_int(), 401u) << target;
  }
  EXPECT_TRUE(feed_.subscribed.empty());
}

TEST_F(ops_routes_test, without_a_configured_key_the_feed_answers_503) {
  start("");
  websocket_test_client client;
  EXPECT_TRUE(client.connect(port(), "/ops?access_token=anything"));
  EXPECT_EQ(client.refusal.result_int(), 503u);
}

TEST_F(ops_routes_test, a_bad_shop_filter_is_refused_with_400) {
  start();
  for (std::string shop : {"abc", "0", "-1", "1%20or%201", "99999999999", "%E2%82%AC"}) {
    websocket_test_client client;
    EXPECT_TRUE(client.connect(port(), std::string("/ops?access_token=") + key + "&shop=" + shop));
    EXPECT_EQ(client.refusal.result_int(), 400u) << shop;
  }
}

TEST_F(ops_routes_test, the_query_token_subscribes_with_the_filter_and_events_reach_the_socket) {
  start();
  websocket_test_client client;
  ASSERT_FALSE(
      client.connect(port(), std::string("/ops?access_token=") + key +
                                 "&shop=6f1c0b56-0000-4000-8000-000000000001&transcript=true"));
  ASSERT_TRUE(feed_.wait([&] { return feed_.subscribed.size() == 1; }));
  auto [subscriber, filter] = feed_.subscribed.front();
  EXPECT_EQ(filter.shop, "6f1c0b56-0000-4000-8000-000000000001");
  EXPECT_TRUE(filter.transcript);

  auto payload = std::make_shared<const std::string>(R"({"type":"snapshot"})");
  EXPECT_TRUE(subscriber->deliver(payload));
  EXPECT_TRUE(subscriber->deliver(std::make_shared<const std::string>(R"({"type":"metrics"})")));
  std::string text;
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, *payload);
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, R"({"type":"metrics"})");

  client.close();
  ASSERT_TRUE(feed_.wait([&] { return feed_.unsubscribed == 1; }));
  EXPECT_FALSE(subscriber->deliver(payload)) << "a closed session refuses";
}

TEST_F(ops_routes_test, a_dashboard_that_does_not_read_is_closed_with_1008) {
  start();
  websocket_test_client client;
  ASSERT_FALSE(client.connect(port(), std::string("/ops?access_token=") + key));
  ASSERT_TRUE(feed_.wait([&] { return feed_.subscribed.size() == 1; }));
  auto subscriber = feed_.subscribed.front().first;
  // Over the session's queue cap (256 messages or 1 MiB) while the client reads nothing.
  auto big = std::make_shared<const std::string>(std::string(60 * 1024, 'x'));
  bool refused = false;
  for (int i = 0; i < 2000 && !refused; ++i) refused = !subscriber->deliver(big);
  EXPECT_TRUE(refused);
  beast::error_code ended;
  client.read_until_closed(ended);
  EXPECT_EQ(client.reason().code, 1008);
  ASSERT_TRUE(feed_.wait([&] { return feed_.unsubscribed == 1; }));
}

TEST(refuse_ops, takes_the_bearer_header_in_any_case_and_checks_it) {
  http_request request;
  request.method = "GET";
  request.path = "/ops";
  request.headers = {{"Authorization", std::string("bearer ") + key}};
  EXPECT_FALSE(refuse_ops(request, key));
  request.headers = {{"authorization", "Bearer wrong"}};
  EXPECT_EQ(refuse_ops(request, key)->status, 401u);
  request.headers = {{"authorization", "Basic b3BzOnRlc3Q="}};
  EXPECT_EQ(refuse_ops(request, key)->status, 401u);
  request.headers = {};
  request.query = std::string("access_token=") + key;
  EXPECT_FALSE(refuse_ops(request, key));
  EXPECT_EQ(refuse_ops(request, "")->status, 503u);
}

TEST_F(ops_routes_test, the_dashboard_and_its_files_are_served_with_their_types) {
  start();
  http_test_client client(port());
  auto page = client.exchange(http::verb::get, "/dashboard");
  EXPECT_EQ(page.result_int(), 200u);
  EXPECT_EQ(page[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(page.body().find("dashboard.js"), std::string::npos);
  auto script = client.exchange(http::verb::get, "/dashboard/dashboard.js");
  EXPECT_EQ(script.result_int(), 200u);
  EXPECT_EQ(script[http::field::content_type], "text/javascript; charset=utf-8");
  auto style = client.exchange(http::verb::get, "/dashboard/dashboard.css");
  EXPECT_EQ(style[http::field::content_type], "text/css; charset=utf-8");
  auto chart = client.exchange(http::verb::get, "/dashboard/chart.min.js");
  EXPECT_EQ(chart.result_int(), 200u) << "libjs-chart.js installed?";
  for (std::string target : {"/dashboard/..%2F..%2Fetc%2Fpasswd", "/dashboard/%2e%2e",
                             "/dashboard/index.htm", "/dashboard/.git"}) {
    http_test_client other(port());
    EXPECT_EQ(other.exchange(http::verb::get, target).result_int(), 404u) << target;
  }
}

}  // namespace
}  // namespace salon::net
