#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

#include "net/api_error.hpp"
#include "net/http_server.hpp"
#include "net/websocket_handler.hpp"
#include "tests/net/server_test_support.hpp"

namespace salon::net {
namespace {

using namespace testing;

// Echoes every message; "bye" makes it say goodbye and close; "throw" makes it throw.
class echo_handler : public websocket_handler {
 public:
  explicit echo_handler(session_log& log) : log_{log} {}
  void on_open(websocket_sender sender) override {
    sender_ = sender;
    log_.opened(std::move(sender));
  }
  void on_text(std::string message) override {
    if (message == "throw") throw std::runtime_error{"scissors slipped"};
    if (message == "bye") {
      sender_.send_text("goodbye");
      sender_.close(1000, "done");
      return;
    }
    sender_.send_text(std::move(message));
  }
  void on_close(const websocket_close& close) override { log_.closed(close); }

 private:
  session_log& log_;
  websocket_sender sender_;
};

// Sends a burst on open, faster than any queue cap, and records what send_text said.
class burst_handler : public websocket_handler {
 public:
  burst_handler(session_log& log, std::vector<send_result>& results, int count)
      : log_{log}, results_{results}, count_{count} {}
  void on_open(websocket_sender sender) override {
    auto payload = std::make_shared<const std::string>("event");
    for (int i = 0; i < count_; ++i) results_.push_back(sender.send_text(payload));
    log_.opened(std::move(sender));
  }
  void on_text(std::string) override {}
  void on_close(const websocket_close& close) override { log_.closed(close); }

 private:
  session_log& log_;
  std::vector<send_result>& results_;
  int count_;
};

class websocket_server_test : public ::testing::Test {
 protected:
  void start(http_server_options options = loopback_options()) {
    server_.emplace(options);
    auto& routes = server_->routes();
    routes.add_websocket("/echo", "echo", [this](const http_request& request) -> websocket_upgrade {
      if (request.query_param("token") != "secret") {
        return error_response(api_error_kind::forbidden, "wrong token");
      }
      return std::make_shared<echo_handler>(log_);
    });
    routes.add_websocket("/burst", "burst", [this](const http_request&) -> websocket_upgrade {
      return std::make_shared<burst_handler>(log_, burst_results_, 10);
    });
    routes.add_websocket("/broken", "broken", [](const http_request&) -> websocket_upgrade {
      throw std::runtime_error{"upgrade handler failed"};
    });
    routes.add("GET", "/held", "held",
               [this](http_request, responder reply) { held_.set_value(reply); });
    auto ec = server_->start();
    ASSERT_FALSE(ec) << ec.message();
    port_ = server_->port();
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  std::optional<http_server> server_;
  std::uint16_t port_ = 0;
  session_log log_;
  std::vector<send_result> burst_results_;
  std::promise<responder> held_;
};

TEST_F(websocket_server_test, accepted_upgrade_echoes_text) {
  start();
  websocket_test_client client;
  auto ec = client.connect(port_, "/echo?token=secret");
  ASSERT_FALSE(ec) << ec.message();
  for (const std::string& message :
       std::vector<std::string>{"hello", "Grüße ✂ 💇", "", std::string(60'000, 'x')}) {
    ASSERT_FALSE(client.write(message));
    std::string echoed;
    ASSERT_FALSE(client.read(echoed));
    EXPECT_EQ(echoed, message);
  }
  ASSERT_FALSE(client.close());
  ASSERT_TRUE(log_.wait_for_closes(1));
  auto close = log_.closes().at(0);
  EXPECT_EQ(close.cause, websocket_close_cause::peer_closed);
  EXPECT_EQ(close.code, 1000);
}

TEST_F(websocket_server_test, rejected_upgrade_gets_the_http_answer_before_any_handshake) {
  start();
  websocket_test_client client;
  auto ec = client.connect(port_, "/echo?token=wrong");
  EXPECT_EQ(ec, websocket::error::upgrade_declined);
  EXPECT_EQ(client.refusal.result_int(), 403u);
  EXPECT_EQ(nlohmann::json::parse(client.refusal.body())["error"]["code"], "forbidden");
  EXPECT_EQ(log_.senders().size(), 0u);
  server_->stop();  // the count follows the write; stopping waits for it
  EXPECT_EQ(server_->metrics().requests("echo", 403), 1u);
}

TEST_F(websocket_server_test, unknown_path_and_throwing_upgrade_handler) {
  start();
  websocket_test_client missing;
  EXPECT_EQ(missing.connect(port_, "/nowhere"), websocket::error::upgrade_declined);
  EXPECT_EQ(missing.refusal.result_int(), 404u);

  websocket_test_client broken;
  EXPECT_EQ(broken.connect(port_, "/broken"), websocket::error::upgrade_declined);
  EXPECT_EQ(broken.refusal.result_int(), 500u);
}

TEST_F(websocket_server_test, plain_get_on_a_websocket_route_is_426) {
  start();
  http_test_client client{port_};
  auto response = client.exchange(http::verb::get, "/echo?token=secret");
  EXPECT_EQ(response.result_int(), 426u);
  EXPECT_EQ(response[http::field::upgrade], "websocket");
}

TEST_F(websocket_server_test, oversized_message_closes_with_1009) {
  auto options = loopback_options();
  options.websocket.max_message_bytes = 1024;
  start(options);
  websocket_test_client client;
  ASSERT_FALSE(client.connect(port_, "/echo?token=secret"));
  ASSERT_FALSE(client.write(std::string(1024, 'a')));
  std::string echoed;
  ASSERT_FALSE(client.read(echoed));
  ASSERT_FALSE(client.write(std::string(2000, 'a')));
  beast::error_code ended;
  client.read_until_closed(ended);
  // The server drops the connection right after its close frame, so the client's own close
  // answer may race with that: what counts is the code it received.
  EXPECT_TRUE(ended);
  EXPECT_EQ(client.reason().code, websocket::close_code::too_big);
  ASSERT_TRUE(log_.wait_for_closes(1));
  EXPECT_EQ(log_.closes().at(0).cause, websocket_close_cause::message_too_big);
  EXPECT_EQ(log_.closes().at(0).code, 1009);
}

TEST_F(websocket_server_test, binary_message_closes_with_1003) {
  start();
  websocket_test_client client;
  ASSERT_FALSE(client.connect(port_, "/echo?token=secret"));
  ASSERT_FALSE(client.write("\x01\x02", true));
  beast::error_code ended;
  client.read_until_closed(ended);
  EXPECT_EQ(client.reason().code, websocket::close_code::unknown_data);
  ASSERT_TRUE(log_.wait_for_closes(1));
  EXPECT_EQ(log_.closes().at(0).cause, websocket_close_cause::unsupported_data);
}

TEST_F(websocket_server_test, send_queue_cap_closes_the_session_with_1008) {
  auto options = loopback_options();
  options.websocket.max_queued_messages = 4;
  start(options);
  websocket_test_client client;
  ASSERT_FALSE(client.connect(port_, "/burst"));
  beast::error_code ended;
  auto received = client.read_until_closed(ended);
  EXPECT_EQ(ended, websocket::error::closed);
  EXPECT_EQ(client.reason().code, websocket::close_code::policy_error);
  EXPECT_LE(received.size(), 4u);

  ASSERT_TRUE(log_.wait_for_opens(1));
  ASSERT_EQ(burst_results_.size(), 10u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(burst_results_[i], send_result::queued) << i;
  EXPECT_EQ(burst_results_[4], send_result::queue_full);
  for (int i = 5; i < 10; ++i) EXPECT_EQ(burst_results_[i], send_result::closed) << i;
  ASSERT_TRUE(log_.wait_for_closes(1));
  EXPECT_EQ(log_.closes().at(0).cause, websocket_close_cause::send_queue_full);
  std::string out;
  server_->metrics().render(out);
  EXPECT_NE(out.find("salon_websocket_send_queue_overflows_total{route=\"burst\"} 1"),
            std::string::npos);
}

TEST_F(websocket_server_test, handler_close_sends_what_was_queued_first) {
  start();
  websocket_test_client client;
  ASSERT_FALSE(client.connect(port_, "/echo?token=secret"));
  ASSERT_FALSE(client.write("bye"));
  beast::error_code ended;
  auto received = client.read_until_closed(ended);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0], "goodbye");
  EXPECT_EQ(ended, websocket::error::closed);
  EXPECT_EQ(client.reason().code, websocket::close_code::normal);
  EXPECT_EQ(std::string{client.reason().reason.c_str()}, "done");
  ASSERT_TRUE(log_.wait_for_closes(1));
  EXPECT_EQ(log_.closes().at(0).cause, websocket_close_cause::handler_closed);
}

TEST_F(websocket_server_test, throwing_handler_closes_with_1011) {
  start();
  websocket_test_client client;
  ASSERT_FALSE(client.connect(port_, "/echo?token=secret"));
  ASSERT_FALSE(client.write("throw"));
  beast::error_code ended;
  client.read_until_closed(ended);
  EXPECT_EQ(client.reason().code, websocket::close_code::internal_error);
  ASSERT_TRUE(log_.wait_for_closes(1));
  EXPECT_EQ(log_.closes().at(0).cause, websocket_close_cause::handler_failed);
  // The server is fine.
  websocket_test_client next;
  ASSERT_FALSE(next.connect(port_, "/echo?token=secret"));
}

TEST_F(websocket_server_test, sender_outlives_its_session_harmlessly) {
  start();
  {
    websocket_test_client client;
    ASSERT_FALSE(client.connect(port_, "/echo?token=secret"));
    ASSERT_FALSE(client.close());
  }
  ASSERT_TRUE(log_.wait_for_closes(1));
  auto sender = log_.senders().at(0);
  EXPECT_EQ(sender.send_text("anyone there?"), send_result::closed);
  sender.close(1000, "twice");
  EXPECT_EQ(websocket_sender{}.send_text("nobody"), send_result::closed);
}

TEST_F(websocket_server_test, silent_peer_is_closed_by_the_idle_timeout) {
  auto options = loopback_options();
  options.websocket.idle_timeout = 300ms;
  start(options);
  websocket_test_client client;
  ASSERT_FALSE(client.connect(port_, "/echo?token=secret"));
  // The client never reads, so it never answers the server's ping.
  ASSERT_TRUE(log_.wait_for_closes(1));
  EXPECT_EQ(log_.closes().at(0).cause, websocket_close_cause::timeout);
}

TEST_F(websocket_server_test, stop_closes_websockets_with_1001_and_finishes_requests) {
  start();
  websocket_test_client ws;
  ASSERT_FALSE(ws.connect(port_, "/echo?token=secret"));
  ASSERT_TRUE(log_.wait_for_opens(1));

  auto held = held_.get_future();
  http_test_client http{port_};
  http::request<http::string_body> request{http::verb::get, "/held", 11};
  request.set(http::field::host, "127.0.0.1");
  ASSERT_FALSE(http.send(request));
  auto reply = held.get();

  std::thread stopping{[this] { server_->stop(); }};
  beast::error_code ended;
  ws.read_until_closed(ended);
  EXPECT_EQ(ended, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::going_away);

  reply.send(http_response{200, "text/plain", "last one", {}});
  http::response<http::string_body> response;
  ASSERT_FALSE(http.receive(response));
  EXPECT_EQ(response.body(), "last one");
  stopping.join();
  ASSERT_TRUE(log_.wait_for_closes(1));
  EXPECT_EQ(log_.closes().at(0).cause, websocket_close_cause::server_stopping);
  EXPECT_EQ(server_->metrics().websocket_sessions(), 0);
  EXPECT_EQ(server_->metrics().open_connections(), 0);
}

TEST_F(websocket_server_test, many_sessions_at_once) {
  start();
  std::vector<std::unique_ptr<websocket_test_client>> clients;
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::make_unique<websocket_test_client>());
    ASSERT_FALSE(clients.back()->connect(port_, "/echo?token=secret"));
  }
  ASSERT_TRUE(log_.wait_for_opens(50));
  EXPECT_EQ(server_->metrics().websocket_sessions(), 50);
  for (int i = 0; i < 50; ++i) {
    auto message = "client " + std::to_string(i);
    ASSERT_FALSE(clients[i]->write(message));
    std::string echoed;
    ASSERT_FALSE(clients[i]->read(echoed));
    EXPECT_EQ(echoed, message);
  }
}

}  // namespace
}  // namespace salon::net
