// Live calls end to end: the real salon-phone binary on the real PostgreSQL (migrated, demo
// salon seeded), called by the simulated Twilio (net::twilio_caller) over loopback, behind a
// pretend proxy: PUBLIC_BASE_URL is https://salon.example.com, as in production.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "net/form_data.hpp"
#include "net/twilio_caller.hpp"
#include "net/twilio_signature.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/live_call_support.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/e2e/test_database.hpp"

namespace salon::testing {
namespace {

using namespace std::chrono_literals;

class live_call : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new test_database();
    migrate_and_seed_demo(*database_);
    spool_ = new scratch_folder();
    server_ = new server_process(server_env(database_->url(), spool_->path()));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete spool_;
    delete database_;
  }

  static net::twilio_target target(const std::string& token = auth_token) {
    return target_of(server_->port(), token);
  }

  // One signed form POST to the server, as Twilio sends it.
  static net::webhook_answer post(const std::string& path, const net::form_data& form) {
    net::webhook_answer answer;
    auto url = server_->base_url() + path;
    auto signature = net::sign(auth_token, std::string(public_base) + path, form.fields());
    auto result = http_call(
        "POST", url,
        {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: " + signature},
        form.encode());
    answer.status = static_cast<unsigned>(result.status);
    answer.body = result.body;
    return answer;
  }

  static test_database* database_;
  static scratch_folder* spool_;
  static server_process* server_;
};
test_database* live_call::database_ = nullptr;
scratch_folder* live_call::spool_ = nullptr;
server_process* live_call::server_ = nullptr;

TEST_F(live_call, a_whole_call_is_answered_spoken_and_recorded) {
  auto report =
      net::run_call(target(), plan({net::caller_action::say("Hi, what are your hours?"),
                                    net::caller_action::say("How much is a women's haircut?")}));
  ASSERT_TRUE(report.ok()) << problems_of(report) << server_->log();
  // The greeting TwiML.
  EXPECT_EQ(report.voice_status, 200u);
  EXPECT_NE(report.greeting.find("Studio Nine Hair & Color"), std::string::npos)
      << report.voice_twiml;
  EXPECT_EQ(report.relay_url, "wss://salon.example.com/relay");
  EXPECT_EQ(report.action_url, "https://salon.example.com/voice/action");
  EXPECT_EQ(report.relay_parameters["locationId"], "1");
  EXPECT_NE(report.voice_twiml.find("hints=\""), std::string::npos);
  // Replies to each prompt, each turn closed with `last: true`.
  ASSERT_EQ(report.turns.size(), 2u);
  for (const auto& turn : report.turns) {
    EXPECT_TRUE(turn.answered) << turn.action.text;
    EXPECT_FALSE(turn.reply.empty()) << turn.action.text;
  }
  EXPECT_NE(report.turns[1].reply.find('$'), std::string::npos) << report.turns[1].reply;
  EXPECT_EQ(report.session_status, "completed");
  EXPECT_EQ(report.action_status, 200u);
  EXPECT_EQ(report.status_callback_status, 204u);

  // One settled row, completed by the status callback.
  auto settled = wait_for_value(*database_, call_column("outcome", report.call_sid),
                                [](const std::string& v) { return !v.empty(); });
  EXPECT_EQ(settled, "inquiry");
  EXPECT_EQ(wait_for_value(*database_, call_column("status", report.call_sid),
                           [](const std::string& v) { return v == "completed"; }),
            "completed");
  EXPECT_EQ(database_->query_value(call_column("caller_spoke", report.call_sid)), "t");
  EXPECT_EQ(database_->query_value(call_column("turns", report.call_sid)), "2");
  EXPECT_EQ(database_->query_value(call_column("to_number", report.call_sid)), salon_number);
  EXPECT_EQ(database_->query_value("select count(*) from calls where call_sid = '" +
                                   report.call_sid + "'"),
            "1");
  auto transcript =
      database_->query_value(call_column("jsonb_array_length(transcript)", report.call_sid));
  EXPECT_GE(std::stoi(transcript.empty() ? "0" : transcript), 4) << "two prompts, two replies";
}

TEST_F(live_call, asking_for_a_person_ends_the_session_and_hands_off) {
  auto report =
      net::run_call(target(), plan({net::caller_action::say("Can I talk to a real person?")}));
  ASSERT_TRUE(report.ok()) << problems_of(report);
  EXPECT_TRUE(report.ended_by_server);
  EXPECT_NE(report.handoff_data.find("reason"), std::string::npos) << report.handoff_data;
  EXPECT_EQ(report.session_status, "ended");
  EXPECT_EQ(report.action_status, 200u);
  // The <Connect action> answer: <Dial> the salon, or a polite goodbye without a number.
  EXPECT_TRUE(report.dialled.has_value() || report.action_twiml.find("<Say>") != std::string::npos)
      << report.action_twiml;
  EXPECT_EQ(wait_for_value(*database_, call_column("outcome", report.call_sid),
                           [](const std::string& v) { return !v.empty(); }),
            "transferred");
  EXPECT_FALSE(database_->query_value(call_column("handoff_reason", report.call_sid)).empty());
}

TEST_F(live_call, a_caller_who_never_speaks_is_a_missed_call) {
  auto report = net::run_call(target(), plan({}));
  ASSERT_TRUE(report.ok()) << problems_of(report);
  EXPECT_TRUE(report.relay_connected);
  EXPECT_EQ(wait_for_value(*database_, call_column("outcome", report.call_sid),
                           [](const std::string& v) { return !v.empty(); }),
            "missed");
  EXPECT_EQ(database_->query_value(call_column("caller_spoke", report.call_sid)), "f");
}

TEST_F(live_call, key_presses_reach_the_call) {
  auto report = net::run_call(target(), plan({net::caller_action::press("1"),
                                              net::caller_action::say("What are your hours?")}));
  ASSERT_TRUE(report.ok()) << problems_of(report);
  ASSERT_FALSE(report.turns.empty());
  EXPECT_TRUE(report.turns.back().answered);
}

TEST_F(live_call, a_forged_signature_is_refused_on_the_webhook) {
  auto report = net::run_call(target("not-the-token"), plan({net::caller_action::say("hi")}));
  EXPECT_EQ(report.voice_status, 403u);
  EXPECT_FALSE(report.relay_connected);
  EXPECT_EQ(database_->query_value("select count(*) from calls where call_sid = '" +
                                   report.call_sid + "'"),
            "0");
  EXPECT_NE(server_->log().find("refused"), std::string::npos);
}

TEST_F(live_call, a_forged_signature_is_refused_on_the_relay_upgrade) {
  std::vector<std::string> upgrade = {"Connection: Upgrade", "Upgrade: websocket",
                                      "Sec-WebSocket-Version: 13",
                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="};
  auto relay = server_->base_url() + "/relay";
  auto missing = http_call("GET", relay, upgrade);
  EXPECT_EQ(missing.status, 403) << missing.body;
  auto forged = upgrade;
  forged.push_back("X-Twilio-Signature: " +
                   net::sign("not-the-token", "wss://salon.example.com/relay"));
  EXPECT_EQ(http_call("GET", relay, forged).status, 403);
  // Signed over the https URL instead of the wss one Twilio signs: refused too.
  auto wrong_scheme = upgrade;
  wrong_scheme.push_back("X-Twilio-Signature: " +
                         net::sign(auth_token, "https://salon.example.com/relay"));
  EXPECT_EQ(http_call("GET", relay, wrong_scheme).status, 403);
  // The server is still there for real calls.
  auto report = net::run_call(target(), plan({net::caller_action::say("hello")}));
  EXPECT_TRUE(report.ok()) << problems_of(report);
}

TEST_F(live_call, status_callbacks_duplicated_and_out_of_order_never_go_backwards) {
  auto p = plan({net::caller_action::say("What are your hours?")});
  p.status_sequence_number = 3;
  auto report = net::run_call(target(), p);
  ASSERT_TRUE(report.ok()) << problems_of(report);
  auto sid = report.call_sid;
  ASSERT_EQ(wait_for_value(*database_, call_column("status_sequence", sid),
                           [](const std::string& v) { return v == "3"; }),
            "3");
  auto duration = database_->query_value(call_column("duration_seconds", sid));
  ASSERT_FALSE(duration.empty());

  auto callback = [&](const std::string& status, int sequence, const std::string& call_duration) {
    net::form_data form;
    form.add("CallSid", sid);
    form.add("AccountSid", "AC00000000000000000000000000000000");
    form.add("From", "+15555550100");
    form.add("To", salon_number);
    form.add("CallStatus", status);
    form.add("SequenceNumber", std::to_string(sequence));
    form.add("CallDuration", call_duration);
    form.add("Timestamp", net::rfc2822_time(std::chrono::system_clock::now()));
    return post("/voice/status", form).status;
  };
  // The same final callback again, then earlier ones arriving late.
  EXPECT_EQ(callback("completed", 3, duration), 204u);
  EXPECT_EQ(callback("in-progress", 2, ""), 204u);
  EXPECT_EQ(callback("ringing", 1, ""), 204u);
  EXPECT_EQ(callback("initiated", 0, ""), 400u) << "not a status we know";
  std::this_thread::sleep_for(300ms);  // past a few call-log flushes
  EXPECT_EQ(database_->query_value(call_column("status", sid)), "completed");
  EXPECT_EQ(database_->query_value(call_column("status_sequence", sid)), "3");
  EXPECT_EQ(database_->query_value(call_column("duration_seconds", sid)), duration);
  EXPECT_EQ(database_->query_value(call_column("outcome", sid)), "inquiry");
  EXPECT_EQ(database_->query_value("select count(*) from calls where call_sid = '" + sid + "'"),
            "1");
}

TEST_F(live_call, the_same_webhook_twice_records_one_call) {
  net::form_data form;
  auto sid = net::random_sid("CA");
  form.add("CallSid", sid);
  form.add("From", "+15555550100");
  form.add("To", salon_number);
  form.add("CallStatus", "ringing");
  auto first = post("/voice", form);
  auto second = post("/voice", form);
  EXPECT_EQ(first.status, 200u);
  EXPECT_EQ(second.status, 200u);
  EXPECT_EQ(first.body, second.body);
  EXPECT_EQ(wait_for_value(*database_, "select count(*) from calls where call_sid = '" + sid + "'",
                           [](const std::string& v) { return v == "1"; }),
            "1");
}

TEST_F(live_call, an_unknown_number_hears_an_apology) {
  auto p = plan({net::caller_action::say("hello")});
  p.to = "+19995550000";
  auto report = net::run_call(target(), p);
  EXPECT_EQ(report.voice_status, 200u);
  EXPECT_FALSE(report.relay_connected);
  EXPECT_FALSE(report.greeting.empty()) << report.voice_twiml;
  EXPECT_EQ(report.status_callback_status, 204u);
}

TEST_F(live_call, malformed_webhooks_are_400_and_the_server_stays_up) {
  auto url = server_->base_url() + "/voice";
  EXPECT_EQ(
      http_call("POST", url, {"Content-Type: application/x-www-form-urlencoded"}, "CallSid=%zz")
          .status,
      400);
  EXPECT_EQ(http_call("POST", url, {"Content-Type: application/x-www-form-urlencoded"},
                      std::string(200 * 1024, 'a'))
                .status,
            413);
  auto report = net::run_call(target(), plan({net::caller_action::say("hello")}));
  EXPECT_TRUE(report.ok()) << problems_of(report);
}

TEST(live_call_capacity, a_full_node_still_serves_the_caller) {
  test_database database;
  migrate_and_seed_demo(database);
  scratch_folder spool;
  auto env = server_env(database.url(), spool.path());
  env["MAX_CONCURRENT_CALLS"] = "1";
  server_process server(env);
  auto t = target_of(server.port());

  // The first call stays on the line (after one exchange, so its actor surely runs) while a
  // second one comes in.
  net::call_report second;
  int asked = 0;
  auto first_plan = plan({});
  first_plan.next_action = [&](std::function<void(std::optional<net::caller_action>)> answer) {
    ++asked;
    if (asked == 1) return answer(net::caller_action::say("What are your hours?"));
    second = net::run_call(t, plan({net::caller_action::say("hello")}));
    answer(std::nullopt);
  };
  auto first = net::run_call(t, first_plan);
  EXPECT_TRUE(first.ok()) << problems_of(first);
  EXPECT_TRUE(first.relay_connected);
  EXPECT_EQ(second.voice_status, 200u);
  EXPECT_FALSE(second.relay_connected) << second.voice_twiml;
  EXPECT_NE(second.greeting.find("busy"), std::string::npos) << second.voice_twiml;
}

// A signed form POST to `server`, as Twilio sends it.
http_result signed_post(const server_process& server, const std::string& path,
                        const net::form_data& form) {
  auto signature = net::sign(auth_token, std::string(public_base) + path, form.fields());
  return http_call(
      "POST", server.base_url() + path,
      {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: " + signature},
      form.encode());
}

TEST(live_call_capacity, calls_whose_relays_have_not_connected_yet_count_too) {
  test_database database;
  migrate_and_seed_demo(database);
  scratch_folder spool;
  auto env = server_env(database.url(), spool.path());
  env["MAX_CONCURRENT_CALLS"] = "2";
  server_process server(env);

  // Five calls ring at once; none has opened its relay yet when the next webhook comes.
  int relays = 0;
  int busy = 0;
  std::string first_sid;
  for (int i = 0; i < 5; ++i) {
    net::form_data form;
    auto sid = net::random_sid("CA");
    if (i == 0) first_sid = sid;
    form.add("CallSid", sid);
    form.add("From", "+1555555010" + std::to_string(i));
    form.add("To", salon_number);
    form.add("CallStatus", "ringing");
    auto answer = signed_post(server, "/voice", form);
    ASSERT_EQ(answer.status, 200) << answer.body;
    if (answer.body.find("<ConversationRelay") != std::string::npos) ++relays;
    if (answer.body.find("busy") != std::string::npos) ++busy;
  }
  EXPECT_EQ(relays, 2);
  EXPECT_EQ(busy, 3) << "the callers past the limit still hear why";

  // Twilio repeating the webhook of an admitted call gets the same answer, not a busy one.
  net::form_data again;
  again.add("CallSid", first_sid);
  again.add("From", "+15555550100");
  again.add("To", salon_number);
  again.add("CallStatus", "ringing");
  auto repeated = signed_post(server, "/voice", again);
  EXPECT_NE(repeated.body.find("<ConversationRelay"), std::string::npos) << repeated.body;
}

TEST(live_call_capacity, serve_raises_its_open_files_limit_to_the_hard_limit) {
  rlimit ours{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &ours), 0);
  test_database database;
  migrate_and_seed_demo(database);
  scratch_folder spool;
  // The server inherits a low soft limit, as from a default shell.
  rlimit low = ours;
  low.rlim_cur = std::min<rlim_t>(ours.rlim_max, 512);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::string log;
  {
    server_process server(server_env(database.url(), spool.path()));
    log = server.log();
  }
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &ours), 0);
  const auto hard = std::to_string(ours.rlim_max);
  EXPECT_NE(log.find("open files limit: soft " + hard + " (was " + std::to_string(low.rlim_cur) +
                     "), hard " + hard),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace salon::testing
