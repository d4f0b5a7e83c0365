#include "net/http_server.hpp"

#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

#include "net/api_error.hpp"
#include "tests/net/server_test_support.hpp"

namespace salon::net {
namespace {

using namespace testing;

http_response text(std::string body) {
  return http_response{200, "text/plain", std::move(body), {}};
}

std::string error_code_of(const http::response<http::string_body>& response) {
  return nlohmann::json::parse(response.body())["error"]["code"].get<std::string>();
}

// Writes 200 bytes, 50 ms apart (ten seconds, far past any deadline a test sets); whether the
// server closed the connection before the last.
bool closed_while_trickling(http_test_client& client) {
  for (int i = 0; i < 200; ++i) {
    if (client.write_raw("X")) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

class http_server_test : public ::testing::Test {
 protected:
  void start(http_server_options options = loopback_options()) {
    server_.emplace(options);
    auto& routes = server_->routes();
    routes.add("GET", "/hello", "hello",
               [](http_request, responder reply) { reply.send(text("hello")); });
    routes.add("POST", "/echo", "echo", [](http_request request, responder reply) {
      auto type = request.header("content-type").value_or("application/octet-stream");
      reply.send(http_response{200, std::string{type}, std::move(request.body), {}});
    });
    routes.add(
        "GET", "/shop/{location_id}/config", "shop_config",
        [](http_request request, responder reply) {
          nlohmann::json body{{"location", request.path_params.at("location_id")},
                              {"name", request.query_param("name").value_or("")},
                              {"salon", request.header("x-salon").value_or("")},
                              {"from", request.remote_address}};
          reply.send(http_response{200, "application/json", body.dump(), {{"X-Route", "1"}}});
        });
    routes.add("GET", "/boom", "boom", [](http_request, responder) -> void {
      throw std::runtime_error{"the dryer caught fire"};
    });
    routes.add("GET", "/later", "later", [this](http_request, responder reply) {
      workers_.emplace_back([reply] { reply.send(text("from another thread")); });
    });
    routes.add("GET", "/silent", "silent", [](http_request, responder) {});
    routes.add("GET", "/held", "held",
               [this](http_request, responder reply) { held_.set_value(reply); });
    routes.add("GET", "/bad-header", "bad_header", [](http_request, responder reply) {
      reply.send(http_response{200, "text/plain", "ok", {{"X-Evil", "a\r\nSet-Cookie: x=1"}}});
    });
    auto ec = server_->start();
    ASSERT_FALSE(ec) << ec.message();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  void TearDown() override {
    for (auto& worker : workers_) worker.join();
    if (server_) server_->stop();
  }

  std::optional<http_server> server_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> workers_;
  std::promise<responder> held_;
};

TEST_F(http_server_test, two_requests_share_one_keep_alive_connection) {
  start();
  http_test_client client{port_};
  ASSERT_FALSE(client.connect_error());
  beast::error_code ec;
  auto first = client.exchange(http::verb::get, "/hello", {}, &ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(first.result_int(), 200u);
  EXPECT_EQ(first.body(), "hello");
  EXPECT_TRUE(first.keep_alive());

  auto second = client.exchange(http::verb::post, "/echo", "Grüße, 💇", &ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(second.result_int(), 200u);
  EXPECT_EQ(second.body(), "Grüße, 💇");
  // The second request was read after the first answer was written and counted.
  EXPECT_EQ(server_->metrics().requests("hello", 200), 1u);
}

TEST_F(http_server_test, handlers_see_params_query_headers_and_peer) {
  start();
  http_test_client client{port_};
  http::request<http::string_body> request{http::verb::get,
                                           "/shop/42/config?name=Studio%20Nine&x=1", 11};
  request.set(http::field::host, "127.0.0.1");
  request.set("X-Salon", "nine");
  ASSERT_FALSE(client.send(request));
  http::response<http::string_body> response;
  ASSERT_FALSE(client.receive(response));
  ASSERT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response["X-Route"], "1");
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["location"], "42");
  EXPECT_EQ(body["name"], "Studio Nine");
  EXPECT_EQ(body["salon"], "nine");
  EXPECT_EQ(body["from"], "127.0.0.1");
}

TEST_F(http_server_test, unknown_route_is_404_and_wrong_method_is_405) {
  start();
  http_test_client client{port_};
  auto missing = client.exchange(http::verb::get, "/no/such/page");
  EXPECT_EQ(missing.result_int(), 404u);
  EXPECT_EQ(missing[http::field::content_type], "application/json");
  EXPECT_EQ(error_code_of(missing), "not_found");

  auto wrong = client.exchange(http::verb::delete_, "/hello");
  EXPECT_EQ(wrong.result_int(), 405u);
  EXPECT_EQ(wrong[http::field::allow], "GET");
  EXPECT_EQ(error_code_of(wrong), "method_not_allowed");

  // Refusals by the router keep the connection usable.
  EXPECT_EQ(client.exchange(http::verb::get, "/hello").body(), "hello");
  EXPECT_EQ(server_->metrics().requests("unmatched", 404), 1u);
}

TEST_F(http_server_test, body_over_the_limit_is_413_from_content_length) {
  auto options = loopback_options();
  options.body_limit = 1024;
  start(options);
  http_test_client client{port_};
  beast::error_code ec;
  auto fits = client.exchange(http::verb::post, "/echo", std::string(1024, 'a'), &ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(fits.result_int(), 200u);

  auto refused = client.exchange(http::verb::post, "/echo", std::string(4096, 'a'), &ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(refused.result_int(), 413u);
  EXPECT_EQ(error_code_of(refused), "payload_too_large");
  EXPECT_FALSE(refused.keep_alive());
  EXPECT_TRUE(client.wait_for_close());
}

TEST_F(http_server_test, announced_big_body_is_refused_before_it_is_sent) {
  auto options = loopback_options();
  options.body_limit = 1024;
  start(options);
  http_test_client client{port_};
  ASSERT_FALSE(
      client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\nExpect: "
                       "100-continue\r\n\r\n"));
  http::response<http::string_body> response;
  ASSERT_FALSE(client.receive(response));
  EXPECT_EQ(response.result_int(), 413u);
}

TEST_F(http_server_test, chunked_body_over_the_limit_is_413) {
  auto options = loopback_options();
  options.body_limit = 1024;
  start(options);
  http_test_client client{port_};
  std::string chunk(800, 'b');
  std::string request =
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "320\r\n" +
      chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n";
  ASSERT_FALSE(client.write_raw(request));
  http::response<http::string_body> response;
  ASSERT_FALSE(client.receive(response));
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_TRUE(client.wait_for_close());
}

TEST_F(http_server_test, expect_continue_gets_100_then_the_answer) {
  start();
  http_test_client client{port_};
  ASSERT_FALSE(client.write_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  http::response<http::string_body> interim;
  ASSERT_FALSE(client.receive(interim));
  EXPECT_EQ(interim.result_int(), 100u);
  ASSERT_FALSE(client.write_raw("hello"));
  http::response<http::string_body> response;
  ASSERT_FALSE(client.receive(response));
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "hello");
}

TEST_F(http_server_test, malformed_requests_are_400_and_the_server_serves_on) {
  start();
  const std::string garbage[] = {
      "GARBAGE\r\n\r\n",
      "GET /hello HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost x\r\n\r\n",
      "\xff\xfe\xfd GET / HTTP/1.1\r\n\r\n",
      "GET /hello HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
      "GET /hello HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      std::string{"GET /he\0llo HTTP/1.1\r\n\r\n", 24},
  };
  for (const auto& bytes : garbage) {
    http_test_client client{port_};
    ASSERT_FALSE(client.write_raw(bytes));
    http::response<http::string_body> response;
    auto ec = client.receive(response);
    ASSERT_FALSE(ec) << ec.message() << " for " << bytes;
    EXPECT_EQ(response.result_int(), 400u) << bytes;
    EXPECT_EQ(error_code_of(response), "bad_request");
    EXPECT_TRUE(client.wait_for_close());
  }
  http_test_client client{port_};
  EXPECT_EQ(client.exchange(http::verb::get, "/hello").body(), "hello");
}

TEST_F(http_server_test, oversized_headers_are_431) {
  auto options = loopback_options();
  options.header_limit = 1024;
  start(options);
  http_test_client client{port_};
  ASSERT_FALSE(client.write_raw(
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n"));
  http::response<http::string_body> response;
  ASSERT_FALSE(client.receive(response));
  EXPECT_EQ(response.result_int(), 431u);
  EXPECT_EQ(error_code_of(response), "header_fields_too_large");
}

TEST_F(http_server_test, handler_that_throws_gets_500_and_the_server_stays_up) {
  start();
  http_test_client client{port_};
  auto failed = client.exchange(http::verb::get, "/boom");
  EXPECT_EQ(failed.result_int(), 500u);
  EXPECT_EQ(error_code_of(failed), "internal");
  EXPECT_EQ(client.exchange(http::verb::get, "/hello").body(), "hello");
  http_test_client other{port_};
  EXPECT_EQ(other.exchange(http::verb::get, "/hello").result_int(), 200u);
}

TEST_F(http_server_test, responder_works_from_another_thread) {
  start();
  http_test_client client{port_};
  auto response = client.exchange(http::verb::get, "/later");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "from another thread");
}

TEST_F(http_server_test, dropped_responder_answers_500) {
  start();
  http_test_client client{port_};
  auto response = client.exchange(http::verb::get, "/silent");
  EXPECT_EQ(response.result_int(), 500u);
  EXPECT_EQ(client.exchange(http::verb::get, "/hello").body(), "hello");
}

TEST_F(http_server_test, header_injection_from_a_handler_is_dropped) {
  start();
  http_test_client client{port_};
  auto response = client.exchange(http::verb::get, "/bad-header");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.count("X-Evil"), 0u);
  EXPECT_EQ(response.count(http::field::set_cookie), 0u);
}

TEST_F(http_server_test, pipelined_requests_are_answered_in_order) {
  start();
  http_test_client client{port_};
  ASSERT_FALSE(
      client.write_raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nnext"));
  http::response<http::string_body> first;
  http::response<http::string_body> second;
  ASSERT_FALSE(client.receive(first));
  ASSERT_FALSE(client.receive(second));
  EXPECT_EQ(first.body(), "hello");
  EXPECT_EQ(second.body(), "next");
}

TEST_F(http_server_test, slow_client_is_closed_at_the_header_deadline) {
  auto options = loopback_options();
  options.header_timeout = 200ms;
  start(options);
  http_test_client client{port_};
  ASSERT_FALSE(client.write_raw("GET /hello HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_TRUE(client.wait_for_close());
}

TEST_F(http_server_test, trickling_bytes_does_not_extend_the_header_deadline) {
  auto options = loopback_options();
  options.header_timeout = 200ms;
  start(options);
  http_test_client client{port_};
  ASSERT_FALSE(client.write_raw("GET /hello HTTP/1.1\r\n"));
  EXPECT_TRUE(closed_while_trickling(client));
}

TEST_F(http_server_test, a_body_that_stops_coming_is_closed_at_the_body_deadline) {
  auto options = loopback_options();
  options.body_timeout = 200ms;
  start(options);
  http_test_client client{port_};
  ASSERT_FALSE(
      client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                       "only ten b"));
  EXPECT_TRUE(client.wait_for_close());
  http_test_client next{port_};
  EXPECT_EQ(next.exchange(http::verb::get, "/hello").result_int(), 200u);
}

TEST_F(http_server_test, trickling_a_body_does_not_extend_the_body_deadline) {
  auto options = loopback_options();
  options.body_timeout = 200ms;
  start(options);
  http_test_client client{port_};
  ASSERT_FALSE(client.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n"));
  EXPECT_TRUE(closed_while_trickling(client));
}

TEST_F(http_server_test, silent_connection_is_closed) {
  auto options = loopback_options();
  options.header_timeout = 200ms;
  start(options);
  http_test_client client{port_};
  EXPECT_TRUE(client.wait_for_close());
}

TEST_F(http_server_test, idle_keep_alive_connection_is_closed) {
  auto options = loopback_options();
  options.keep_alive_timeout = 200ms;
  start(options);
  http_test_client client{port_};
  EXPECT_EQ(client.exchange(http::verb::get, "/hello").result_int(), 200u);
  EXPECT_TRUE(client.wait_for_close());
}

TEST_F(http_server_test, metrics_render_what_was_served) {
  start();
  http_test_client client{port_};
  client.exchange(http::verb::get, "/hello");
  client.exchange(http::verb::get, "/hello");  // the first one is counted once this returns
  std::string out;
  server_->metrics().render(out);
  EXPECT_NE(out.find("salon_http_requests_total{route=\"hello\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(out.find("salon_http_open_connections 1\n"), std::string::npos);
}

TEST_F(http_server_test, start_reports_a_port_in_use_and_a_bad_address) {
  start();
  auto options = loopback_options();
  options.port = port_;
  http_server second{options};
  EXPECT_TRUE(second.start());

  auto bad = loopback_options();
  bad.bind_address = "not-an-address";
  http_server third{bad};
  EXPECT_TRUE(third.start());
}

TEST_F(http_server_test, stop_lets_the_request_in_flight_finish) {
  start();
  auto held = held_.get_future();
  http_test_client client{port_};
  http::request<http::string_body> request{http::verb::get, "/held", 11};
  request.set(http::field::host, "127.0.0.1");
  ASSERT_FALSE(client.send(request));
  auto reply = held.get();

  std::thread stopping{[this] { server_->stop(); }};
  reply.send(text("finished while stopping"));
  http::response<http::string_body> response;
  ASSERT_FALSE(client.receive(response));
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "finished while stopping");
  EXPECT_TRUE(client.wait_for_close());
  stopping.join();
}

TEST_F(http_server_test, stop_does_not_hang_on_an_unanswered_request) {
  auto options = loopback_options();
  options.shutdown_timeout = 300ms;
  start(options);
  auto held = held_.get_future();
  http_test_client client{port_};
  http::request<http::string_body> request{http::verb::get, "/held", 11};
  request.set(http::field::host, "127.0.0.1");
  ASSERT_FALSE(client.send(request));
  auto reply = held.get();
  server_->stop();
  EXPECT_TRUE(client.wait_for_close());
  // Answering after the server has gone is harmless.
  EXPECT_TRUE(reply.send(text("too late")));
  server_.reset();
}

TEST_F(http_server_test, stop_closes_idle_connections_and_refuses_new_ones) {
  start();
  http_test_client idle{port_};
  EXPECT_EQ(idle.exchange(http::verb::get, "/hello").result_int(), 200u);
  server_->stop();
  EXPECT_TRUE(idle.wait_for_close());
  http_test_client late{port_};
  EXPECT_TRUE(late.connect_error());
}

}  // namespace
}  // namespace salon::net
