#include "net/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace salon::net {
namespace {

http_handler noop() {
  return [](http_request, responder) {};
}

websocket_upgrade_handler refuse_all() {
  return [](const http_request&) -> websocket_upgrade { return http_response{403, {}, {}, {}}; };
}

router shop_routes() {
  router routes;
  routes.add("GET", "/health", "health", noop());
  routes.add("GET", "/shops", "shops", noop());
  routes.add("GET", "/shop/{location_id}/config", "shop_config", noop());
  routes.add("PUT", "/shop/{location_id}/config", "shop_config_update", noop());
  routes.add("GET", "/shop/new/config", "shop_template", noop());
  routes.add("POST", "/voice", "voice", noop());
  routes.add_websocket("/relay", "relay", refuse_all());
  return routes;
}

TEST(router, finds_a_literal_route) {
  auto routes = shop_routes();
  auto match = routes.match("GET", "/health");
  ASSERT_EQ(match.status, route_status::found);
  EXPECT_EQ(match.route_name, "health");
  EXPECT_NE(match.handler, nullptr);
  EXPECT_TRUE(match.path_params.empty());
}

TEST(router, extracts_and_decodes_parameters) {
  auto routes = shop_routes();
  auto match = routes.match("GET", "/shop/42/config");
  ASSERT_EQ(match.status, route_status::found);
  EXPECT_EQ(match.route_name, "shop_config");
  EXPECT_EQ(match.path_params.at("location_id"), "42");

  auto encoded = routes.match("GET", "/shop/Caf%C3%A9%2F1/config");
  ASSERT_EQ(encoded.status, route_status::found);
  EXPECT_EQ(encoded.path_params.at("location_id"), "Café/1");
}

TEST(router, literal_segment_wins_over_a_parameter) {
  auto routes = shop_routes();
  EXPECT_EQ(routes.match("GET", "/shop/new/config").route_name, "shop_template");
  EXPECT_EQ(routes.match("GET", "/shop/newer/config").route_name, "shop_config");
}

TEST(router, unknown_path_is_not_found) {
  auto routes = shop_routes();
  for (const char* path : {"/nope", "/", "", "shops", "/shops/", "/shop/1", "/shop//config",
                           "/shop/1/config/extra", "/HEALTH", "*", "/\xff\xfe"}) {
    EXPECT_EQ(routes.match("GET", path).status, route_status::not_found) << path;
  }
}

TEST(router, known_path_with_another_method_is_405_with_allow) {
  auto routes = shop_routes();
  auto match = routes.match("DELETE", "/shop/7/config");
  EXPECT_EQ(match.status, route_status::method_not_allowed);
  EXPECT_EQ(match.allow, "GET, PUT");
  EXPECT_EQ(match.handler, nullptr);

  auto voice = routes.match("GET", "/voice");
  EXPECT_EQ(voice.status, route_status::method_not_allowed);
  EXPECT_EQ(voice.allow, "POST");
  // Methods are case-sensitive in HTTP.
  EXPECT_EQ(routes.match("get", "/health").status, route_status::method_not_allowed);
}

TEST(router, websocket_routes_match_only_upgrades) {
  auto routes = shop_routes();
  auto upgrade = routes.match_websocket("/relay");
  ASSERT_EQ(upgrade.status, route_status::found);
  EXPECT_EQ(upgrade.route_name, "relay");
  EXPECT_NE(upgrade.upgrade, nullptr);
  EXPECT_EQ(routes.match_websocket("/health").status, route_status::not_found);
  EXPECT_EQ(routes.match("GET", "/relay").status, route_status::upgrade_required);
}

TEST(router, websocket_parameters) {
  router routes;
  routes.add_websocket("/ops/{shop}", "ops", refuse_all());
  auto match = routes.match_websocket("/ops/12");
  ASSERT_EQ(match.status, route_status::found);
  EXPECT_EQ(match.path_params.at("shop"), "12");
  EXPECT_EQ(routes.match_websocket("/ops/").status, route_status::not_found);
}

TEST(router, rejects_malformed_patterns_and_duplicates) {
  router routes;
  EXPECT_THROW(routes.add("GET", "health", "a", noop()), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "", "a", noop()), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "/shop/{}/x", "a", noop()), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "/shop/{id", "a", noop()), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "/shop/x{id}", "a", noop()), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "/a/{id}/{id}", "a", noop()), std::invalid_argument);
  EXPECT_THROW(routes.add("", "/a", "a", noop()), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "/a", "a", http_handler{}), std::invalid_argument);
  routes.add("GET", "/shop/{id}", "shop", noop());
  EXPECT_THROW(routes.add("GET", "/shop/{other}", "again", noop()), std::invalid_argument);
  routes.add("POST", "/shop/{id}", "shop_post", noop());
  routes.add_websocket("/shop/{id}", "shop_ws", refuse_all());
  EXPECT_THROW(routes.add_websocket("/shop/{x}", "shop_ws2", refuse_all()), std::invalid_argument);
}

}  // namespace
}  // namespace salon::net
