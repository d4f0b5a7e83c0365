// The simulated Twilio against a scripted salon on a real loopback server: what it sends (and
// signs), how it reads replies, `end`, silence and refusals.

#include "net/twilio_caller.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "net/form_data.hpp"
#include "net/http_server.hpp"
#include "net/relay_protocol.hpp"
#include "net/router.hpp"
#include "net/twilio_signature.hpp"
#include "net/twilio_webhooks.hpp"
#include "tests/net/server_test_support.hpp"

namespace salon::net {
namespace {

using namespace std::chrono_literals;

constexpr const char* token = "caller-test-token";
constexpr const char* public_base = "https://salon.example.com";

// What the scripted salon saw.
struct salon_log {
  std::mutex mutex;
  std::map<std::string, std::vector<form_data>> forms;  // by path
  std::vector<std::string> frames;                      // relay frames received
  std::vector<signature_check> checks;                  // of every request
  std::string relay_signature_check;
};

// Answers prompts by script: "bye" -> goodbye then `end`; "silence" -> nothing; "stream" ->
// several tokens; anything else -> "You said: <text>" in two tokens.
class scripted_relay : public websocket_handler {
 public:
  explicit scripted_relay(salon_log& log) : log_{log} {}
  void on_open(websocket_sender sender) override { sender_ = sender; }
  void on_text(std::string message) override {
    {
      std::lock_guard lock{log_.mutex};
      log_.frames.push_back(message);
    }
    auto frame = parse_inbound_frame(message);
    if (auto* dtmf = std::get_if<dtmf_frame>(&frame)) {
      sender_.send_text(text_frame("You pressed " + dtmf->digit + ".", true));
      return;
    }
    auto* prompt = std::get_if<prompt_frame>(&frame);
    if (!prompt) return;
    const auto& text = prompt->voice_prompt;
    if (text == "silence") return;
    if (text == "bye") {
      sender_.send_text(text_frame("Goodbye!", true));
      sender_.send_text(end_frame({{"reason", "caller said goodbye"}}));
      return;
    }
    if (text == "end early") {
      sender_.send_text(text_frame("Let me ", false));
      sender_.send_text(end_frame({{"reason", "oops"}}));
      return;
    }
    if (text == "garbage") {
      sender_.send_text(R"({"type":"text","token":null,"last":true})");
      sender_.send_text(text_frame("ok", true));
      return;
    }
    if (text == "hang up on me") {
      sender_.close(1011, "going away");
      return;
    }
    if (text == "stream") {
      for (const char* token_text : {"Sure, ", " we ", "have ", "Friday.", ""}) {
        sender_.send_text(text_frame(token_text, std::string_view{token_text}.empty()));
      }
      return;
    }
    sender_.send_text(text_frame("You said: ", false));
    sender_.send_text(text_frame(text, true));
  }
  void on_close(const websocket_close&) override {}

 private:
  salon_log& log_;
  websocket_sender sender_;
};

class twilio_caller_test : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.emplace(testing::loopback_options());
    auto& routes = server_->routes();
    auto record = [this](std::string path) {
      return [this, path](http_request request, responder respond) {
        auto form = std::get<form_data>(form_data::parse(request.body));
        auto url = requested_url(public_base, request);
        {
          std::lock_guard lock{log_.mutex};
          log_.checks.push_back(check_form_request(
              token, url, form.fields(), request.header("X-Twilio-Signature").value_or("")));
          log_.forms[path].push_back(form);
        }
        if (path == "/voice") {
          actors::call_answer answer;
          answer.location_id = 3;
          answer.greeting = "Hello & welcome";
          respond.send({200,
                        "text/xml",
                        voice_answer_ ? *voice_answer_ : relay_answer(answer, public_base),
                        {}});
        } else if (path == "/voice/action") {
          respond.send(
              {200, "text/xml", after_relay_answer({true, "+18085550100", "Hold on"}), {}});
        } else {
          respond.send({204, "", "", {}});
        }
      };
    };
    routes.add("POST", "/voice", "voice", record("/voice"));
    routes.add("POST", "/voice/action", "action", record("/voice/action"));
    routes.add("POST", "/voice/status", "status", record("/voice/status"));
    routes.add_websocket(
        "/relay", "relay", [this](const http_request& request) -> websocket_upgrade {
          auto check =
              check_websocket_upgrade(token, requested_url("wss://salon.example.com", request),
                                      request.header("X-Twilio-Signature").value_or(""));
          {
            std::lock_guard lock{log_.mutex};
            log_.relay_signature_check = std::string(to_string(check));
          }
          if (refuse_relay_ || check != signature_check::valid) {
            return http_response{403, "text/plain", "no", {}};
          }
          return std::make_shared<scripted_relay>(log_);
        });
    ASSERT_FALSE(server_->start());
  }
  void TearDown() override { server_->stop(); }

  twilio_target target() const {
    twilio_target t;
    t.port = server_->port();
    t.public_base_url = public_base;
    t.auth_token = token;
    t.reply_timeout = 500ms;
    t.dtmf_reply_wait = 300ms;
    return t;
  }

  static call_plan plan(std::vector<caller_action> actions) {
    call_plan p;
    p.to = "+18084826296";
    p.actions = std::move(actions);
    p.hang_up_delay = 0ms;
    return p;
  }

  const form_data& only_form(const std::string& path) {
    EXPECT_EQ(log_.forms[path].size(), 1u) << path;
    return log_.forms[path].at(0);
  }

  std::optional<http_server> server_;
  salon_log log_;
  std::optional<std::string> voice_answer_;
  bool refuse_relay_ = false;
};

TEST_F(twilio_caller_test, a_whole_call_signed_at_every_step) {
  auto report =
      run_call(target(), plan({caller_action::say("  hello there "), caller_action::say("stream"),
                               caller_action::press("42")}));
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_EQ(report.voice_status, 200u);
  EXPECT_EQ(report.greeting, "Hello & welcome");
  EXPECT_EQ(report.relay_url, "wss://salon.example.com/relay");
  EXPECT_EQ(report.action_url, "https://salon.example.com/voice/action");
  EXPECT_EQ(report.relay_parameters.at("locationId"), "3");
  EXPECT_TRUE(report.relay_connected);
  ASSERT_EQ(report.turns.size(), 3u);
  EXPECT_EQ(report.turns[0].reply, "You said:   hello there ") << "tokens are joined untrimmed";
  EXPECT_TRUE(report.turns[0].answered);
  EXPECT_LE(report.turns[0].first_token, report.turns[0].last_token);
  EXPECT_EQ(report.turns[1].reply, "Sure,  we have Friday.");
  // Two digits, two frames; the turn ends with the first answer, and the caller then hangs up.
  EXPECT_EQ(report.turns[2].reply, "You pressed 4.");
  EXPECT_EQ(report.session_status, "completed");
  EXPECT_FALSE(report.ended_by_server);
  EXPECT_EQ(report.action_status, 200u);
  EXPECT_EQ(report.dialled, "+18085550100");
  EXPECT_EQ(report.status_callback_status, 204u);

  std::lock_guard lock{log_.mutex};
  for (auto check : log_.checks) EXPECT_EQ(check, signature_check::valid);
  EXPECT_EQ(log_.relay_signature_check, "valid");
  const auto& voice = only_form("/voice");
  EXPECT_EQ(voice.first_or_empty("CallSid"), report.call_sid);
  EXPECT_EQ(voice.first_or_empty("To"), "+18084826296");
  EXPECT_EQ(voice.first_or_empty("CallStatus"), "ringing");
  ASSERT_GE(log_.frames.size(), 4u);
  auto setup = nlohmann::json::parse(log_.frames[0]);
  EXPECT_EQ(setup["type"], "setup");
  EXPECT_EQ(setup["callSid"], report.call_sid);
  EXPECT_EQ(setup["customParameters"]["locationId"], "3");
  EXPECT_EQ(nlohmann::json::parse(log_.frames[1])["voicePrompt"], "  hello there ");
  const auto& action = only_form("/voice/action");
  EXPECT_EQ(action.first_or_empty("SessionStatus"), "completed");
  EXPECT_FALSE(action.first("HandoffData").has_value());
  const auto& status = only_form("/voice/status");
  EXPECT_EQ(status.first_or_empty("CallStatus"), "completed");
  EXPECT_EQ(status.first_or_empty("SequenceNumber"), "0");
  EXPECT_FALSE(status.first_or_empty("CallDuration").empty());
  EXPECT_TRUE(parse_rfc2822(status.first_or_empty("Timestamp")).has_value());
}

TEST_F(twilio_caller_test, end_from_the_server_goes_back_as_handoff_data) {
  std::vector<call_event> events;
  auto p = plan({caller_action::say("bye"), caller_action::say("never sent")});
  p.think_time = 100ms;  // as long as Twilio speaks the reply, in which `end` arrives
  p.observe = [&events](const call_event& event) { events.push_back(event); };
  auto report = run_call(target(), p);
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_TRUE(report.ended_by_server);
  ASSERT_EQ(report.turns.size(), 1u);
  EXPECT_EQ(report.turns[0].reply, "Goodbye!");
  EXPECT_EQ(parse_handoff_data(report.handoff_data).at("reason"), "caller said goodbye");
  EXPECT_EQ(report.session_status, "ended");
  std::lock_guard lock{log_.mutex};
  const auto& action = only_form("/voice/action");
  EXPECT_EQ(action.first_or_empty("SessionStatus"), "ended");
  EXPECT_EQ(action.first_or_empty("HandoffData"), report.handoff_data);
  for (const auto& frame : log_.frames) {
    EXPECT_EQ(frame.find("never sent"), std::string::npos) << "nothing is said after `end`";
  }
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().kind, call_event_kind::answered);
  EXPECT_EQ(events.back().kind, call_event_kind::hung_up);
}

TEST_F(twilio_caller_test, silence_is_a_problem_and_the_caller_hangs_up) {
  auto report = run_call(target(), plan({caller_action::say("silence"), caller_action::say("x")}));
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].find("no reply"), std::string::npos);
  ASSERT_EQ(report.turns.size(), 1u);
  EXPECT_FALSE(report.turns[0].answered);
  EXPECT_EQ(report.session_status, "completed");
  EXPECT_EQ(report.status_callback_status, 204u);
}

TEST_F(twilio_caller_test, protocol_mistakes_of_the_server_are_reported) {
  auto early = run_call(target(), plan({caller_action::say("end early")}));
  EXPECT_FALSE(early.ok());
  EXPECT_TRUE(early.ended_by_server);

  auto garbage = run_call(target(), plan({caller_action::say("garbage")}));
  EXPECT_EQ(garbage.unreadable_frames, 1);
  ASSERT_EQ(garbage.turns.size(), 1u);
  EXPECT_EQ(garbage.turns[0].reply, "ok");

  auto dropped = run_call(target(), plan({caller_action::say("hang up on me")}));
  EXPECT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.relay_close_code, 1011);
  EXPECT_EQ(dropped.session_status, "failed");
  std::lock_guard lock{log_.mutex};
  EXPECT_EQ(log_.forms["/voice/action"].back().first_or_empty("SessionStatus"), "failed");
  EXPECT_FALSE(log_.forms["/voice/action"].back().first_or_empty("ErrorCode").empty());
}

TEST_F(twilio_caller_test, a_refused_relay_reports_a_failed_session) {
  refuse_relay_ = true;
  auto report = run_call(target(), plan({caller_action::say("hello")}));
  EXPECT_FALSE(report.relay_connected);
  EXPECT_EQ(report.relay_refusal_status, 403u);
  EXPECT_EQ(report.session_status, "failed");
  EXPECT_EQ(report.status_callback_status, 204u);
  std::lock_guard lock{log_.mutex};
  EXPECT_EQ(only_form("/voice/action").first_or_empty("ErrorCode"), "39001");
}

TEST_F(twilio_caller_test, a_busy_answer_is_said_without_a_relay) {
  voice_answer_ = busy_answer("Curl & Co", "+18085550100");
  auto report = run_call(target(), plan({caller_action::say("hello")}));
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  EXPECT_FALSE(report.relay_connected);
  EXPECT_NE(report.greeting.find("Curl & Co"), std::string::npos);
  EXPECT_EQ(report.dialled, "+18085550100");
  EXPECT_EQ(report.status_callback_status, 204u);
  std::lock_guard lock{log_.mutex};
  EXPECT_TRUE(log_.forms["/voice/action"].empty());
  EXPECT_TRUE(log_.frames.empty());
}

TEST_F(twilio_caller_test, a_wrong_token_is_visible_to_the_server) {
  auto t = target();
  t.auth_token = "another-token";
  run_call(t, plan({caller_action::say("hello")}));
  std::lock_guard lock{log_.mutex};
  ASSERT_FALSE(log_.checks.empty());
  EXPECT_EQ(log_.checks[0], signature_check::mismatch);
  EXPECT_EQ(log_.relay_signature_check, "signature mismatch");
}

TEST_F(twilio_caller_test, nothing_listening_is_a_problem_not_a_hang) {
  auto t = target();
  server_->stop();
  auto report = run_call(t, plan({caller_action::say("hello")}));
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.voice_status, 0u);
  auto unresolvable = target();
  unresolvable.host = "no-such-host.invalid";
  EXPECT_FALSE(run_call(unresolvable, plan({})).ok());
}

TEST_F(twilio_caller_test, interactive_callers_answer_from_another_thread) {
  auto p = plan({});
  int asked = 0;
  std::vector<std::thread> answerers;
  p.next_action = [&](std::function<void(std::optional<caller_action>)> answer) {
    ++asked;
    std::optional<caller_action> next;
    if (asked == 1) next = caller_action::say("first");
    if (asked == 2) next = caller_action::say("second");
    answerers.emplace_back([answer, next] { answer(next); });
  };
  auto report = run_call(target(), p);
  for (auto& thread : answerers) thread.join();
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.problems);
  ASSERT_EQ(report.turns.size(), 2u);
  EXPECT_EQ(report.turns[1].reply, "You said: second");
  EXPECT_EQ(asked, 3);
}

TEST(twilio_caller_helpers, sids_and_times) {
  auto sid = random_sid("CA");
  EXPECT_EQ(sid.size(), 34u);
  EXPECT_TRUE(is_call_sid(sid));
  EXPECT_NE(sid, random_sid("CA"));
  auto when = std::chrono::sys_days{std::chrono::year{2025} / 6 / 10} + std::chrono::hours{18} +
              std::chrono::minutes{42} + std::chrono::seconds{7};
  EXPECT_EQ(rfc2822_time(when), "Tue, 10 Jun 2025 18:42:07 +0000");
  EXPECT_EQ(parse_rfc2822(rfc2822_time(when)), when);
}

}  // namespace
}  // namespace salon::net
