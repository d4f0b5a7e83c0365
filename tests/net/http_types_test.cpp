#include "net/http_types.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace salon::net {
namespace {

TEST(http_request, headers_are_found_case_insensitively) {
  http_request request;
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Twilio-Signature", "abc="},
                     {"x-twilio-signature", "second"}};
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("X-TWILIO-SIGNATURE"), "abc=");
  EXPECT_EQ(request.header("Authorization"), std::nullopt);
  EXPECT_EQ(request.header(""), std::nullopt);
}

TEST(http_request, query_parameters_are_percent_decoded) {
  http_request request;
  request.query = "shop=12&access_token=a%2Bb%3D&name=Studio+Nine&empty=&flag&caf%C3%A9=%E2%9C%82";
  EXPECT_EQ(request.query_param("shop"), "12");
  EXPECT_EQ(request.query_param("access_token"), "a+b=");
  EXPECT_EQ(request.query_param("name"), "Studio Nine");
  EXPECT_EQ(request.query_param("empty"), "");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_EQ(request.query_param("café"), "✂");
  EXPECT_EQ(request.query_param("missing"), std::nullopt);
}

TEST(http_request, malformed_query_never_breaks) {
  http_request request;
  request.query = "a=%&b=%4&c=%zz&&=x&d=%ff&";
  EXPECT_EQ(request.query_param("a"), "%");
  EXPECT_EQ(request.query_param("b"), "%4");
  EXPECT_EQ(request.query_param("c"), "%zz");
  EXPECT_EQ(request.query_param(""), "x");
  EXPECT_EQ(request.query_param("d"), std::string{"\xff"});
}

TEST(percent_decode, plus_is_a_space_only_in_forms) {
  EXPECT_EQ(percent_decode("a+b%20c", true), "a b c");
  EXPECT_EQ(percent_decode("a+b%20c", false), "a+b c");
  EXPECT_EQ(percent_decode("%", false), "%");
  EXPECT_EQ(percent_decode("", false), "");
}

TEST(responder, first_send_wins) {
  std::vector<http_response> delivered;
  responder reply{[&](http_response response) { delivered.push_back(std::move(response)); }};
  auto copy = reply;
  EXPECT_FALSE(reply.sent());
  EXPECT_TRUE(copy.send(http_response{201, "text/plain", "made", {}}));
  EXPECT_TRUE(reply.sent());
  EXPECT_FALSE(reply.send(http_response{200, "text/plain", "again", {}}));
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].status, 201u);
  EXPECT_EQ(delivered[0].body, "made");
}

TEST(responder, abandoned_responder_answers_500) {
  std::optional<http_response> delivered;
  {
    responder reply{[&](http_response response) { delivered = std::move(response); }};
    auto copy = reply;
  }
  ASSERT_TRUE(delivered);
  EXPECT_EQ(delivered->status, 500u);
  EXPECT_EQ(nlohmann::json::parse(delivered->body)["error"]["code"], "internal");
}

TEST(responder, racing_threads_deliver_exactly_once) {
  std::atomic<int> deliveries{0};
  std::atomic<int> winners{0};
  {
    responder reply{[&](http_response) { ++deliveries; }};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([reply, &winners] {
        if (reply.send(http_response{})) ++winners;
      });
    }
    for (auto& thread : threads) thread.join();
  }
  EXPECT_EQ(deliveries.load(), 1);
  EXPECT_EQ(winners.load(), 1);
}

TEST(responder, a_throwing_delivery_does_not_escape) {
  responder reply{[](http_response) { throw std::runtime_error{"socket gone"}; }};
  EXPECT_TRUE(reply.send(http_response{}));
}

}  // namespace
}  // namespace salon::net
