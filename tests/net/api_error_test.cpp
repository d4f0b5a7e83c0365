#include "net/api_error.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace salon::net {
namespace {

struct expected_error {
  api_error_kind kind;
  unsigned status;
  const char* code;
};

TEST(api_error, every_kind_maps_to_its_status_and_code) {
  const expected_error table[] = {
      {api_error_kind::bad_request, 400, "bad_request"},
      {api_error_kind::unauthorized, 401, "unauthorized"},
      {api_error_kind::forbidden, 403, "forbidden"},
      {api_error_kind::not_found, 404, "not_found"},
      {api_error_kind::method_not_allowed, 405, "method_not_allowed"},
      {api_error_kind::conflict, 409, "conflict"},
      {api_error_kind::payload_too_large, 413, "payload_too_large"},
      {api_error_kind::upgrade_required, 426, "upgrade_required"},
      {api_error_kind::too_many_requests, 429, "too_many_requests"},
      {api_error_kind::header_fields_too_large, 431, "header_fields_too_large"},
      {api_error_kind::internal, 500, "internal"},
      {api_error_kind::database_unavailable, 503, "database_unavailable"},
      {api_error_kind::service_unavailable, 503, "service_unavailable"},
  };
  std::set<std::string> codes;
  for (const auto& expected : table) {
    EXPECT_EQ(http_status(expected.kind), expected.status) << expected.code;
    EXPECT_EQ(error_code(expected.kind), expected.code);
    auto response = error_response(expected.kind, "why");
    EXPECT_EQ(response.status, expected.status);
    EXPECT_EQ(response.content_type, "application/json");
    auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body["error"]["code"], expected.code);
    EXPECT_EQ(body["error"]["message"], "why");
    codes.insert(expected.code);
  }
  EXPECT_EQ(codes.size(), std::size(table));
}

TEST(api_error, unauthorized_asks_for_a_bearer_token) {
  auto response = error_response(api_error_kind::unauthorized, "missing token");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(response.headers[0].second, "Bearer");
  EXPECT_TRUE(error_response(api_error_kind::forbidden, "x").headers.empty());
}

TEST(api_error, messages_are_escaped_and_survive_bad_utf8) {
  auto quoted = error_response(api_error_kind::bad_request, "a \"quote\"\n\\ and <tag> Grüße");
  auto body = nlohmann::json::parse(quoted.body);
  EXPECT_EQ(body["error"]["message"], "a \"quote\"\n\\ and <tag> Grüße");

  auto broken = error_response(api_error_kind::bad_request, std::string{"bad \xff\xfe bytes"});
  EXPECT_TRUE(nlohmann::json::accept(broken.body));
  EXPECT_EQ(nlohmann::json::parse(broken.body)["error"]["code"], "bad_request");
}

}  // namespace
}  // namespace salon::net
