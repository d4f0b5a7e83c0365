// The Twilio routes on the real server, over real sockets, with the real actor runtime. The
// runtime's database is unreachable here (the happy paths with PostgreSQL are end-to-end tests
// in tests/e2e/live_call_test.cpp): what is checked is everything the transport decides on its
// own, and that Twilio always gets an answer the caller can hear.

#include "net/twilio_routes.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "actors/runtime.hpp"
#include "net/form_data.hpp"
#include "net/http_server.hpp"
#include "net/twilio_signature.hpp"
#include "net/twiml_reader.hpp"
#include "tests/net/server_test_support.hpp"

namespace salon::net {
namespace {

using namespace testing;

constexpr const char* auth_token = "route-test-token";
constexpr const char* public_base = "https://salon.example.com";
constexpr const char* call_sid = "CA0123456789abcdef0123456789abcdef";

// A spool folder of its own, removed at the end.
class scratch_folder {
 public:
  scratch_folder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "twilio_routes.XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~scratch_folder() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

config::settings route_settings(const std::string& token, const std::string& spool) {
  config::settings settings;
  // Nothing listens on port 1: every database job fails at once.
  settings.database_url = "postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=1";
  settings.public_base_url = public_base;
  settings.twilio_auth_token = token;
  settings.phone_to_location = {{"+18084826296", 1}};
  settings.spool_dir = spool;
  settings.actor_threads = 2;
  settings.db_pool_size = 1;
  return settings;
}

form_data incoming_form() {
  form_data form;
  form.add("CallSid", call_sid);
  form.add("AccountSid", "AC0123456789abcdef0123456789abcdef");
  form.add("From", "+15555550100");
  form.add("To", "+18084826296");
  form.add("CallStatus", "ringing");
  form.add("ApiVersion", "2010-04-01");
  form.add("Direction", "inbound");
  form.add("CallerName", "Zoë O'Neil & Co");
  return form;
}

// One server with the Twilio routes, for a suite.
class twilio_server {
 public:
  twilio_server(const std::string& token, std::chrono::milliseconds setup_timeout,
                std::chrono::milliseconds answer_timeout = 10s)
      : settings_{route_settings(token, spool_.path())}, runtime_{settings_} {
    auto options = loopback_options();
    options.websocket.max_message_bytes = 4096;
    server_.emplace(options);
    add_twilio_routes(server_->routes(), {settings_, runtime_, setup_timeout, answer_timeout});
    if (auto ec = server_->start()) throw std::runtime_error(ec.message());
  }
  ~twilio_server() { server_->stop(); }

  std::uint16_t port() const { return server_->port(); }

 private:
  scratch_folder spool_;
  config::settings settings_;
  actors::runtime runtime_;
  std::optional<http_server> server_;
};

http::response<http::string_body> post(
    std::uint16_t port, const std::string& target, const std::string& body,
    std::optional<std::string> signature,
    const std::string& content_type = "application/x-www-form-urlencoded") {
  http_test_client client{port};
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, "salon.example.com");
  request.set(http::field::content_type, content_type);
  if (signature) request.set("X-Twilio-Signature", *signature);
  request.body() = body;
  http::response<http::string_body> response;
  auto ec = client.send(std::move(request));
  if (!ec) ec = client.receive(response);
  EXPECT_FALSE(ec) << ec.message();
  return response;
}

// Posts `form` to `path`, signed the way Twilio signs it (URL = public base + path).
http::response<http::string_body> post_signed(std::uint16_t port, const std::string& path,
                                              const form_data& form,
                                              const std::string& token = auth_token) {
  return post(port, path, form.encode(),
              sign(token, std::string(public_base) + path, form.fields()));
}

twiml_document expect_twiml(const http::response<http::string_body>& response) {
  EXPECT_EQ(response.result_int(), 200u) << response.body();
  EXPECT_EQ(response[http::field::content_type], "text/xml");
  auto document = twiml_document::parse(response.body());
  EXPECT_TRUE(document.has_value()) << response.body();
  return document.value_or(twiml_document{});
}

void expect_refusal(const http::response<http::string_body>& response, unsigned status,
                    const std::string& code) {
  EXPECT_EQ(response.result_int(), status) << response.body();
  auto json = nlohmann::json::parse(response.body(), nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << response.body();
  EXPECT_EQ(json["error"]["code"], code) << response.body();
}

// Runs the io_context only until `initiate`'s own operation completes: a declined upgrade
// leaves the client's handshake timer pending, which must not hold the test up.
template <class Initiate>
beast::error_code await_one(asio::io_context& io, Initiate&& initiate) {
  beast::error_code result = asio::error::would_block;
  initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  while (result == asio::error::would_block && io.run_one() > 0) {
  }
  return result;
}

// A WebSocket client that can sign its upgrade.
class relay_client {
 public:
  relay_client() : ws_{io_} {
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = guard_deadline;
    timeouts.idle_timeout = guard_deadline;
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
  }

  beast::error_code connect(std::uint16_t port, const std::string& target,
                            std::optional<std::string> signature) {
    ws_.set_option(websocket::stream_base::decorator([signature](websocket::request_type& r) {
      if (signature) r.set("X-Twilio-Signature", *signature);
    }));
    auto& tcp_layer = beast::get_lowest_layer(ws_);
    tcp_layer.expires_after(guard_deadline);
    auto ec = await_one(io_, [&](auto handler) {
      tcp_layer.async_connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, handler);
    });
    if (ec) return ec;
    tcp_layer.expires_never();
    return await_one(io_, [&](auto handler) {
      ws_.async_handshake(refusal, "salon.example.com", target, handler);
    });
  }

  beast::error_code write(const std::string& text) {
    return await_one(io_, [&](auto handler) { ws_.async_write(asio::buffer(text), handler); });
  }

  // Reads until the server closes; the close code it sent.
  std::uint16_t wait_for_close() {
    beast::error_code ec;
    while (!ec) {
      buffer_.clear();
      ec = await_one(io_, [&](auto handler) { ws_.async_read(buffer_, handler); });
    }
    return ws_.reason().code;
  }

  websocket::response_type refusal;

 private:
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

class twilio_routes_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new twilio_server(auth_token, 300ms); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  std::uint16_t port() const { return server_->port(); }

  static twilio_server* server_;
};
twilio_server* twilio_routes_test::server_ = nullptr;

// ---- POST /voice ----

TEST_F(twilio_routes_test, signed_call_is_answered_with_twiml_even_without_a_database) {
  auto document = expect_twiml(post_signed(port(), "/voice", incoming_form()));
  // The shop is known (PHONE_TO_LOCATION_MAP) but unreadable: the relay still takes the call.
  const auto* relay = document.first("ConversationRelay");
  ASSERT_NE(relay, nullptr);
  EXPECT_EQ(relay->attribute("url"), "wss://salon.example.com/relay");
  EXPECT_FALSE(relay->attribute("welcomeGreeting").empty());
  EXPECT_EQ(document.first("Connect")->attribute("action"),
            "https://salon.example.com/voice/action");
  ASSERT_NE(document.first("Parameter"), nullptr);
  EXPECT_EQ(document.first("Parameter")->attribute("name"), "locationId");
  EXPECT_EQ(document.first("Parameter")->attribute("value"), "1");
}

TEST_F(twilio_routes_test, the_same_webhook_twice_gets_the_same_answer) {
  auto first = post_signed(port(), "/voice", incoming_form());
  auto second = post_signed(port(), "/voice", incoming_form());
  EXPECT_EQ(first.result_int(), 200u);
  EXPECT_EQ(first.body(), second.body());
}

TEST_F(twilio_routes_test, unknown_number_without_default_still_hears_something) {
  form_data form;
  form.add("CallSid", call_sid);
  form.add("To", "+19995550000");
  auto document = expect_twiml(post_signed(port(), "/voice", form));
  EXPECT_EQ(document.first("ConversationRelay"), nullptr);
  ASSERT_NE(document.first("Say"), nullptr);
  EXPECT_NE(document.first("Hangup"), nullptr);
}

TEST_F(twilio_routes_test, wrong_or_missing_signature_is_403) {
  auto body = incoming_form().encode();
  expect_refusal(post(port(), "/voice", body, std::nullopt), 403, "forbidden");
  expect_refusal(post(port(), "/voice", body, ""), 403, "forbidden");
  expect_refusal(post(port(), "/voice", body, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), 403, "forbidden");
  // Signed with another account's token.
  expect_refusal(post_signed(port(), "/voice", incoming_form(), "12345"), 403, "forbidden");
}

TEST_F(twilio_routes_test, a_parameter_changed_after_signing_is_403) {
  auto form = incoming_form();
  auto signature = sign(auth_token, std::string(public_base) + "/voice", form.fields());
  form.add("Digits", "1");
  expect_refusal(post(port(), "/voice", form.encode(), signature), 403, "forbidden");
}

TEST_F(twilio_routes_test, the_local_url_is_not_what_twilio_signed) {
  // Behind a proxy the socket says http://127.0.0.1:port; only PUBLIC_BASE_URL counts.
  auto form = incoming_form();
  auto local = "http://127.0.0.1:" + std::to_string(port()) + "/voice";
  expect_refusal(post(port(), "/voice", form.encode(), sign(auth_token, local, form.fields())), 403,
                 "forbidden");
}

TEST_F(twilio_routes_test, default_port_variants_are_accepted) {
  auto form = incoming_form();
  auto with_port = sign(auth_token, "https://salon.example.com:443/voice", form.fields());
  expect_twiml(post(port(), "/voice", form.encode(), with_port));
  auto other_port = sign(auth_token, "https://salon.example.com:8443/voice", form.fields());
  expect_refusal(post(port(), "/voice", form.encode(), other_port), 403, "forbidden");
}

TEST_F(twilio_routes_test, the_query_string_is_signed_too) {
  auto form = incoming_form();
  auto signature =
      sign(auth_token, std::string(public_base) + "/voice?shop=curl%20%26%20co", form.fields());
  expect_twiml(post(port(), "/voice?shop=curl%20%26%20co", form.encode(), signature));
  expect_refusal(post(port(), "/voice?shop=other", form.encode(), signature), 403, "forbidden");
}

TEST_F(twilio_routes_test, malformed_forms_are_400) {
  for (const std::string& body :
       {std::string("CallSid=CA1&From=%zz"), std::string("CallSid=CA1&From=%00"),
        std::string("CallSid=CA1&From=%ff%fe"), std::string("CallSid=CA\xff")}) {
    expect_refusal(post(port(), "/voice", body, "irrelevant"), 400, "bad_request");
  }
  form_data no_sid;
  no_sid.add("From", "+15555550100");
  expect_refusal(post_signed(port(), "/voice", no_sid), 400, "bad_request");
  form_data bad_sid;
  bad_sid.add("CallSid", "CA 1; drop table calls");
  expect_refusal(post_signed(port(), "/voice", bad_sid), 400, "bad_request");
  expect_refusal(post(port(), "/voice", R"({"CallSid":"CA1"})", "x", "application/json"), 400,
                 "bad_request");
  // Still serving.
  expect_twiml(post_signed(port(), "/voice", incoming_form()));
}

TEST_F(twilio_routes_test, the_form_content_type_is_matched_loosely) {
  auto form = incoming_form();
  auto signature = sign(auth_token, std::string(public_base) + "/voice", form.fields());
  for (const char* type :
       {"application/x-www-form-urlencoded; charset=utf-8", "Application/X-WWW-Form-URLEncoded"}) {
    expect_twiml(post(port(), "/voice", form.encode(), signature, type));
  }
  expect_refusal(post(port(), "/voice", form.encode(), signature, "text/plain"), 400,
                 "bad_request");
}

TEST_F(twilio_routes_test, body_over_the_limit_is_413) {
  auto response = post(port(), "/voice", "CallSid=" + std::string(200 * 1024, 'a'), "x");
  EXPECT_EQ(response.result_int(), 413u);
}

// ---- POST /voice/status ----

form_data status_form(const std::string& status, int sequence) {
  form_data form;
  form.add("CallSid", call_sid);
  form.add("CallStatus", status);
  form.add("SequenceNumber", std::to_string(sequence));
  form.add("CallDuration", "42");
  form.add("Timestamp", "Tue, 10 Jun 2025 18:42:07 +0000");
  return form;
}

TEST_F(twilio_routes_test, status_callback_is_204_and_checked) {
  auto accepted = post_signed(port(), "/voice/status", status_form("completed", 3));
  EXPECT_EQ(accepted.result_int(), 204u) << accepted.body();
  EXPECT_TRUE(accepted.body().empty());
  expect_refusal(post(port(), "/voice/status", status_form("completed", 3).encode(), "nope"), 403,
                 "forbidden");
  expect_refusal(post_signed(port(), "/voice/status", status_form("exploded", 3)), 400,
                 "bad_request");
  form_data no_status;
  no_status.add("CallSid", call_sid);
  expect_refusal(post_signed(port(), "/voice/status", no_status), 400, "bad_request");
  expect_refusal(post(port(), "/voice/status", "CallSid=%", "x"), 400, "bad_request");
}

// ---- POST /voice/action ----

form_data action_form(const std::string& session_status) {
  form_data form;
  form.add("CallSid", call_sid);
  form.add("To", "+18084826296");
  form.add("SessionId", "VX0123456789abcdef0123456789abcdef");
  form.add("SessionStatus", session_status);
  form.add("SessionDuration", "61");
  return form;
}

TEST_F(twilio_routes_test, action_after_a_normal_end_hangs_up) {
  auto document = expect_twiml(post_signed(port(), "/voice/action", action_form("completed")));
  EXPECT_NE(document.first("Hangup"), nullptr);
  EXPECT_EQ(document.first("Dial"), nullptr);
}

TEST_F(twilio_routes_test, action_after_a_failure_still_answers_twiml) {
  auto form = action_form("failed");
  form.add("ErrorCode", "39001");
  form.add("ErrorMessage", "Network connection to WebSocket server failed");
  auto document = expect_twiml(post_signed(port(), "/voice/action", form));
  EXPECT_TRUE(document.first("Hangup") != nullptr || document.first("Dial") != nullptr);

  auto hand_off = action_form("ended");
  hand_off.add("HandoffData", R"({"reason":"caller asked for a person","handoff":true})");
  document = expect_twiml(post_signed(port(), "/voice/action", hand_off));
  EXPECT_NE(document.first("Say"), nullptr);
}

TEST_F(twilio_routes_test, action_is_checked_like_the_others) {
  expect_refusal(post(port(), "/voice/action", action_form("completed").encode(), std::nullopt),
                 403, "forbidden");
  form_data no_sid;
  no_sid.add("SessionStatus", "completed");
  expect_refusal(post_signed(port(), "/voice/action", no_sid), 400, "bad_request");
}

// ---- WS /relay ----

TEST_F(twilio_routes_test, relay_upgrade_needs_the_signature_of_the_wss_url) {
  relay_client unsigned_client;
  EXPECT_EQ(unsigned_client.connect(port(), "/relay", std::nullopt),
            websocket::error::upgrade_declined);
  EXPECT_EQ(unsigned_client.refusal.result_int(), 403u);

  relay_client https_signed;
  EXPECT_EQ(
      https_signed.connect(port(), "/relay", sign(auth_token, "https://salon.example.com/relay")),
      websocket::error::upgrade_declined);
  EXPECT_EQ(https_signed.refusal.result_int(), 403u);

  relay_client signed_client;
  EXPECT_FALSE(
      signed_client.connect(port(), "/relay", sign(auth_token, "wss://salon.example.com/relay")));

  relay_client with_query;
  EXPECT_FALSE(with_query.connect(port(), "/relay?shop=1",
                                  sign(auth_token, "wss://salon.example.com/relay?shop=1")));
  relay_client other_query;
  EXPECT_EQ(other_query.connect(port(), "/relay?shop=2",
                                sign(auth_token, "wss://salon.example.com/relay?shop=1")),
            websocket::error::upgrade_declined);
}

TEST_F(twilio_routes_test, relay_without_setup_is_closed_with_1008) {
  relay_client client;
  ASSERT_FALSE(client.connect(port(), "/relay", sign(auth_token, "wss://salon.example.com/relay")));
  EXPECT_EQ(client.wait_for_close(), 1008);
}

TEST_F(twilio_routes_test, relay_garbage_closes_with_1007) {
  relay_client client;
  ASSERT_FALSE(client.connect(port(), "/relay", sign(auth_token, "wss://salon.example.com/relay")));
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(client.write("garbage " + std::to_string(i)));
  EXPECT_EQ(client.wait_for_close(), 1007);
}

TEST_F(twilio_routes_test, relay_oversized_frame_closes_with_1009) {
  relay_client client;
  ASSERT_FALSE(client.connect(port(), "/relay", sign(auth_token, "wss://salon.example.com/relay")));
  ASSERT_FALSE(client.write(std::string(8192, ' ')));
  EXPECT_EQ(client.wait_for_close(), 1009);
}

// ---- actors too slow for Twilio ----

TEST(twilio_routes_deadline, an_answer_always_comes_in_time_and_only_once) {
  // A deadline of zero fires before the actors can answer: the caller hears the apology (or,
  // should the actors win the race, the normal answer), never an HTTP error.
  twilio_server server{auth_token, 10s, 0ms};
  for (int i = 0; i < 20; ++i) {
    auto document = expect_twiml(post_signed(server.port(), "/voice", incoming_form()));
    EXPECT_TRUE(document.first("Say") != nullptr || document.first("ConversationRelay") != nullptr);
    auto after = expect_twiml(post_signed(server.port(), "/voice/action", action_form("ended")));
    EXPECT_TRUE(after.first("Say") != nullptr || after.first("Hangup") != nullptr);
  }
}

// ---- no token configured ----

TEST(twilio_routes_without_token, unsigned_requests_are_accepted) {
  twilio_server server{"", 10s};
  auto form = incoming_form();
  auto answer = post(server.port(), "/voice", form.encode(), std::nullopt);
  EXPECT_EQ(answer.result_int(), 200u) << answer.body();
  EXPECT_TRUE(twiml_document::parse(answer.body()).has_value());
  relay_client client;
  EXPECT_FALSE(client.connect(server.port(), "/relay", std::nullopt));
}

}  // namespace
}  // namespace salon::net
