// The pure side of the Twilio webhooks: reading the forms, the URLs we sign and answer with,
// and the TwiML answers (read back with twiml_document, the simulated Twilio's reader).

#include "net/twilio_webhooks.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <variant>

#include "net/twiml_reader.hpp"

namespace salon::net {
namespace {

using namespace std::chrono;

form_data form(std::initializer_list<std::pair<const char*, const char*>> fields) {
  form_data result;
  for (const auto& [name, value] : fields) result.add(name, value);
  return result;
}

http_request request_with_host(std::string host, std::string path, std::string query = {}) {
  http_request request;
  request.method = "POST";
  request.path = std::move(path);
  request.query = std::move(query);
  request.headers.push_back({"Host", std::move(host)});
  return request;
}

twiml_document parse_twiml(const std::string& xml) {
  auto document = twiml_document::parse(xml);
  EXPECT_TRUE(document.has_value()) << "not TwiML: " << xml;
  return document.value_or(twiml_document{});
}

const db::time_point fixed_now = sys_days{2025y / June / 10} + 12h;

// ---- URLs ----

TEST(twilio_urls, public_base_url_wins_over_the_host_header) {
  auto request = request_with_host("127.0.0.1:8080", "/voice");
  EXPECT_EQ(public_origin("https://salon.example.com", request), "https://salon.example.com");
  EXPECT_EQ(public_origin("", request), "http://127.0.0.1:8080");
  EXPECT_EQ(public_origin("", http_request{}), "http://localhost");
}

TEST(twilio_urls, websocket_origin_maps_the_scheme) {
  EXPECT_EQ(websocket_origin("https://salon.example.com"), "wss://salon.example.com");
  EXPECT_EQ(websocket_origin("http://127.0.0.1:8080"), "ws://127.0.0.1:8080");
  EXPECT_EQ(websocket_origin("HTTPS://Salon.example.com:8443"), "wss://Salon.example.com:8443");
}

TEST(twilio_urls, requested_url_keeps_path_and_query_raw) {
  auto request = request_with_host("h", "/voice/action", "a=1&b=%20x");
  EXPECT_EQ(requested_url("https://s.example", request),
            "https://s.example/voice/action?a=1&b=%20x");
  EXPECT_EQ(requested_url("https://s.example", request_with_host("h", "/voice")),
            "https://s.example/voice");
}

// ---- forms ----

TEST(twilio_forms, incoming_call) {
  auto read = read_incoming_call(form({{"CallSid", "CA0123456789abcdef0123456789abcdef"},
                                       {"From", "anonymous"},
                                       {"To", "+18084826296"},
                                       {"CallStatus", "ringing"},
                                       {"SomethingNew", "kept"}}));
  auto* call = std::get_if<actors::incoming_call>(&read);
  ASSERT_NE(call, nullptr) << std::get<std::string>(read);
  EXPECT_EQ(call->call_sid, "CA0123456789abcdef0123456789abcdef");
  EXPECT_EQ(call->from, "anonymous");
  EXPECT_EQ(call->to, "+18084826296");
  EXPECT_EQ(call->call_status, "ringing");
}

TEST(twilio_forms, missing_values_read_as_empty) {
  auto read = read_incoming_call(form({{"CallSid", "CA1"}}));
  auto* call = std::get_if<actors::incoming_call>(&read);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->from, "");
  EXPECT_EQ(call->to, "");
}

TEST(twilio_forms, call_sid_is_required_and_checked) {
  EXPECT_TRUE(std::holds_alternative<std::string>(read_incoming_call(form({{"From", "+1"}}))));
  EXPECT_TRUE(std::holds_alternative<std::string>(read_incoming_call(form({{"CallSid", ""}}))));
  for (const char* bad : {"C", "CA 1", "CA-1", "CA1'; drop table calls;--", "CAé"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(read_incoming_call(form({{"CallSid", bad}}))))
        << bad;
  }
  EXPECT_TRUE(std::holds_alternative<std::string>(
      read_incoming_call(form({{"CallSid", std::string(65, 'a').c_str()}}))));
  EXPECT_TRUE(is_call_sid(std::string(64, 'a')));
}

TEST(twilio_forms, status_callback) {
  auto read = read_status_callback(form({{"CallSid", "CA1"},
                                         {"CallStatus", "completed"},
                                         {"SequenceNumber", "3"},
                                         {"CallDuration", "42"},
                                         {"Timestamp", "Tue, 10 Jun 2025 18:42:07 +0000"},
                                         {"From", "+15555550100"},
                                         {"To", ""}}),
                                   fixed_now);
  auto* update = std::get_if<db::call_status_update>(&read);
  ASSERT_NE(update, nullptr) << std::get<std::string>(read);
  EXPECT_EQ(update->call_sid, "CA1");
  EXPECT_EQ(update->status, db::call_status::completed);
  EXPECT_EQ(update->sequence_number, 3);
  EXPECT_EQ(update->duration_seconds, 42);
  EXPECT_EQ(update->at, sys_days{2025y / June / 10} + 18h + 42min + 7s);
  EXPECT_EQ(update->from_number, "+15555550100");
  EXPECT_FALSE(update->to_number.has_value());
}

TEST(twilio_forms, status_callback_spellings) {
  for (auto [text, status] : {std::pair{"in-progress", db::call_status::in_progress},
                              std::pair{"no-answer", db::call_status::no_answer},
                              std::pair{"busy", db::call_status::busy},
                              std::pair{"canceled", db::call_status::canceled}}) {
    auto read = read_status_callback(form({{"CallSid", "CA1"}, {"CallStatus", text}}), fixed_now);
    ASSERT_TRUE(std::holds_alternative<db::call_status_update>(read)) << text;
    EXPECT_EQ(std::get<db::call_status_update>(read).status, status);
  }
}

TEST(twilio_forms, status_callback_needs_sid_and_a_known_status) {
  EXPECT_TRUE(std::holds_alternative<std::string>(
      read_status_callback(form({{"CallStatus", "completed"}}), fixed_now)));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      read_status_callback(form({{"CallSid", "CA1"}}), fixed_now)));
  auto unknown =
      read_status_callback(form({{"CallSid", "CA1"}, {"CallStatus", "exploded"}}), fixed_now);
  ASSERT_TRUE(std::holds_alternative<std::string>(unknown));
  EXPECT_NE(std::get<std::string>(unknown).find("exploded"), std::string::npos);
}

TEST(twilio_forms, unreadable_numbers_and_times_are_left_out) {
  auto read = read_status_callback(form({{"CallSid", "CA1"},
                                         {"CallStatus", "completed"},
                                         {"SequenceNumber", "-1"},
                                         {"CallDuration", "12s"},
                                         {"Timestamp", "yesterday"}}),
                                   fixed_now);
  auto& update = std::get<db::call_status_update>(read);
  EXPECT_FALSE(update.sequence_number.has_value());
  EXPECT_FALSE(update.duration_seconds.has_value());
  EXPECT_EQ(update.at, fixed_now);
}

TEST(twilio_forms, relay_session_end) {
  auto read = read_relay_session_end(form({{"CallSid", "CA1"},
                                           {"SessionStatus", "failed"},
                                           {"HandoffData", R"({"reason":"x"})"},
                                           {"ErrorCode", "39001"},
                                           {"ErrorMessage", "Network connection failed"}}));
  auto& end = std::get<actors::relay_session_end>(read);
  EXPECT_EQ(end.session_status, "failed");
  EXPECT_EQ(end.handoff_data, R"({"reason":"x"})");
  EXPECT_EQ(end.error_code, "39001");
  EXPECT_EQ(end.error_message, "Network connection failed");
  auto plain = read_relay_session_end(form({{"CallSid", "CA1"}, {"SessionStatus", "completed"}}));
  EXPECT_FALSE(std::get<actors::relay_session_end>(plain).error_code.has_value());
}

// ---- RFC 2822 ----

TEST(rfc2822, twilio_format_and_variants) {
  auto expected = sys_days{2025y / June / 10} + 18h + 42min + 7s;
  EXPECT_EQ(parse_rfc2822("Tue, 10 Jun 2025 18:42:07 +0000"), expected);
  EXPECT_EQ(parse_rfc2822("10 Jun 2025 18:42:07 GMT"), expected);
  EXPECT_EQ(parse_rfc2822("Tue, 10 jun 2025 08:42:07 -1000"), expected);
  EXPECT_EQ(parse_rfc2822("Tue, 10 Jun 2025 20:12:07 +0130"), expected);
  EXPECT_EQ(parse_rfc2822("Tue, 10 Jun 2025 18:42 UT"), sys_days{2025y / June / 10} + 18h + 42min);
  EXPECT_EQ(parse_rfc2822("Sun, 1 Jan 2023 00:00:00 +0000"), sys_days{2023y / January / 1});
}

TEST(rfc2822, rejects_what_it_cannot_read) {
  for (const char* bad : {"", "Tue,", "2025-06-10T18:42:07Z", "Tue, 31 Feb 2025 18:42:07 +0000",
                          "Tue, 10 Jun 2025 25:42:07 +0000", "Tue, 10 Foo 2025 18:42:07 +0000",
                          "Tue, 10 Jun 2025 18:42:07 +00", "Tue, 10 Jun 2025 18:42:07 +0000 x",
                          "Tue, 10 Jun 2025 18:42:07 PST\xff"}) {
    EXPECT_FALSE(parse_rfc2822(bad).has_value()) << bad;
  }
}

// ---- TwiML answers ----

actors::call_answer curl_and_co() {
  actors::call_answer answer;
  answer.location_id = 7;
  answer.shop_id = "3f1d2c4e-0000-4000-8000-000000000007";
  answer.business_name = "Curl & Co";
  answer.greeting = "Thanks for calling Curl & Co, \"the\" <curl> place. How can I help?";
  answer.hints = {"Balayage", "Cut & Style", "Ana, the colorist"};
  answer.forward_phone = "+18085550100";
  return answer;
}

TEST(twiml_answers, relay_answer_for_curl_and_co) {
  auto document = parse_twiml(relay_answer(curl_and_co(), "https://salon.example.com"));
  const auto* connect = document.first("Connect");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->attribute("action"), "https://salon.example.com/voice/action");
  EXPECT_EQ(connect->attribute("method"), "POST");
  const auto* relay = document.first("ConversationRelay");
  ASSERT_NE(relay, nullptr);
  EXPECT_EQ(relay->depth, 2);
  EXPECT_EQ(relay->attribute("url"), "wss://salon.example.com/relay");
  EXPECT_EQ(relay->attribute("welcomeGreeting"),
            "Thanks for calling Curl & Co, \"the\" <curl> place. How can I help?");
  // A comma inside a name would split it: it becomes a space.
  EXPECT_EQ(relay->attribute("hints"), "Balayage,Cut & Style,Ana the colorist");
  EXPECT_EQ(relay->attribute("dtmfDetection"), "true");
  auto parameters = document.all("Parameter");
  ASSERT_EQ(parameters.size(), 1u);
  EXPECT_EQ(parameters[0]->attribute("name"), "locationId");
  EXPECT_EQ(parameters[0]->attribute("value"), "7");
}

TEST(twiml_answers, relay_answer_over_plain_http_uses_ws) {
  auto document = parse_twiml(relay_answer(curl_and_co(), "http://127.0.0.1:8080"));
  EXPECT_EQ(document.first("ConversationRelay")->attribute("url"), "ws://127.0.0.1:8080/relay");
  EXPECT_EQ(document.first("Connect")->attribute("action"), "http://127.0.0.1:8080/voice/action");
}

TEST(twiml_answers, relay_answer_without_greeting_names_the_shop) {
  auto answer = curl_and_co();
  answer.greeting.clear();
  auto document = parse_twiml(relay_answer(answer, "https://s.example"));
  EXPECT_EQ(document.first("ConversationRelay")->attribute("welcomeGreeting"),
            "Thanks for calling Curl & Co. How can I help you today?");
  answer.business_name.clear();
  document = parse_twiml(relay_answer(answer, "https://s.example"));
  EXPECT_EQ(document.first("ConversationRelay")->attribute("welcomeGreeting"),
            "Thanks for calling. How can I help you today?");
}

TEST(twiml_answers, busy_dials_the_salon_when_it_can) {
  auto document = parse_twiml(busy_answer("Curl & Co", "+18085550100"));
  ASSERT_NE(document.first("Say"), nullptr);
  EXPECT_NE(document.first("Say")->text.find("Curl & Co"), std::string::npos);
  EXPECT_NE(document.first("Say")->text.find("busy"), std::string::npos);
  ASSERT_NE(document.first("Dial"), nullptr);
  EXPECT_EQ(document.first("Dial")->text, "+18085550100");
  EXPECT_EQ(document.first("Hangup"), nullptr);

  auto no_number = parse_twiml(busy_answer("Curl & Co", std::nullopt));
  EXPECT_EQ(no_number.first("Dial"), nullptr);
  EXPECT_NE(no_number.first("Hangup"), nullptr);
  auto empty_number = parse_twiml(busy_answer("", std::string()));
  EXPECT_EQ(empty_number.first("Dial"), nullptr);
  EXPECT_EQ(empty_number.first("Say")->text.find("calling ."), std::string::npos);
}

TEST(twiml_answers, unknown_number_and_apology_say_something_then_hang_up) {
  for (const auto& xml : {unknown_number_answer(), apology_answer()}) {
    auto document = parse_twiml(xml);
    ASSERT_NE(document.first("Say"), nullptr) << xml;
    EXPECT_FALSE(document.first("Say")->text.empty());
    EXPECT_NE(document.first("Hangup"), nullptr) << xml;
    EXPECT_EQ(document.first("Connect"), nullptr);
  }
}

TEST(twiml_answers, after_relay) {
  auto transfer = parse_twiml(after_relay_answer({true, "+18085550100", "One moment & thanks."}));
  EXPECT_EQ(transfer.first("Say")->text, "One moment & thanks.");
  EXPECT_EQ(transfer.first("Dial")->text, "+18085550100");

  auto transfer_without_number = parse_twiml(after_relay_answer({true, std::nullopt, ""}));
  EXPECT_EQ(transfer_without_number.first("Dial"), nullptr);
  EXPECT_NE(transfer_without_number.first("Hangup"), nullptr);
  EXPECT_FALSE(transfer_without_number.first("Say")->text.empty());

  auto goodbye = parse_twiml(after_relay_answer({false, std::nullopt, "Thanks for calling!"}));
  EXPECT_EQ(goodbye.first("Say")->text, "Thanks for calling!");
  EXPECT_NE(goodbye.first("Hangup"), nullptr);

  auto hangup = parse_twiml(after_relay_answer({false, "+18085550100", ""}));
  EXPECT_EQ(hangup.first("Say"), nullptr);
  EXPECT_EQ(hangup.first("Dial"), nullptr) << "no transfer asked: never dial";
  EXPECT_NE(hangup.first("Hangup"), nullptr);
}

// ---- the reader itself ----

TEST(twiml_reader, reads_entities_and_nesting) {
  auto document = twiml_document::parse(
      R"(<?xml version="1.0" encoding="UTF-8"?><Response><Say voice='x'>A &amp; B &#233;&#x263A;</Say><Hangup/></Response>)");
  ASSERT_TRUE(document.has_value());
  ASSERT_EQ(document->elements().size(), 3u);
  EXPECT_EQ(document->first("Say")->text, "A & B \xC3\xA9\xE2\x98\xBA");
  EXPECT_EQ(document->first("Say")->attribute("voice"), "x");
  EXPECT_EQ(document->first("Hangup")->depth, 1);
}

TEST(twiml_reader, rejects_malformed_documents) {
  for (const char* bad :
       {"", "<Response>", "<Response></Say>", "<Say/>", "<Response><Say>a & b</Say></Response>",
        "<Response><Say a=\"1\" a=\"2\"/></Response>", "<Response><Say a=1/></Response>",
        "<Response/><Response/>", "text<Response/>", "<Response><Say>&bogus;</Say></Response>",
        "<Response><Say>&#0;</Say></Response>", "<Response x=\"<\"/>"}) {
    EXPECT_FALSE(twiml_document::parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace salon::net
