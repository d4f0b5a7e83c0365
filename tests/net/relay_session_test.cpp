// The relay session's state machine, in process: a fake channel stands for the WebSocket and a
// fake live_call for the call actor, so every frame's effect is visible.

#include "net/relay_session.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace salon::net {
namespace {

class fake_channel : public websocket_channel {
 public:
  send_result send_text(std::shared_ptr<const std::string> payload) override {
    std::lock_guard lock{mutex_};
    if (close_code_) return send_result::closed;
    sent_.push_back(*payload);
    return send_result::queued;
  }
  send_result send_droppable(std::shared_ptr<const std::string> payload) override {
    {
      std::lock_guard lock{mutex_};
      droppable_.push_back(*payload);
    }
    return send_text(std::move(payload));
  }
  void discard_unsent() override {
    std::lock_guard lock{mutex_};
    if (journal) journal->push_back("discard unsent");
  }
  void close(std::uint16_t code, std::string reason) override {
    std::lock_guard lock{mutex_};
    if (!close_code_) {
      close_code_ = code;
      close_reason_ = std::move(reason);
    }
  }
  std::vector<std::string> sent() const {
    std::lock_guard lock{mutex_};
    return sent_;
  }
  std::optional<std::uint16_t> close_code() const {
    std::lock_guard lock{mutex_};
    return close_code_;
  }
  // What went out as droppable (a subset of sent()).
  std::vector<std::string> droppable() const {
    std::lock_guard lock{mutex_};
    return droppable_;
  }

  std::vector<std::string>* journal = nullptr;  // where discards are noted, when set

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> sent_;
  std::vector<std::string> droppable_;
  std::optional<std::uint16_t> close_code_;
  std::string close_reason_;
};

// Records what the session fed into the call, one line per call.
class fake_call : public actors::live_call {
 public:
  void prompt(std::string text, bool last) override {
    events.push_back("prompt[" + text + "]" + (last ? " last" : ""));
  }
  void dtmf(std::string digit) override { events.push_back("dtmf " + digit); }
  void interrupt(std::string heard) override { events.push_back("interrupt[" + heard + "]"); }
  void relay_error(std::string description) override { events.push_back("error " + description); }
  void hang_up(std::string reason) override { events.push_back("hang_up " + reason); }

  std::vector<std::string> events;
};

constexpr const char* setup_json =
    R"({"type":"setup","sessionId":"VX1","callSid":"CA123","accountSid":"AC1",)"
    R"("from":"+15555550100","to":"+18084826296","callStatus":"RINGING",)"
    R"("customParameters":{"locationId":"1"}})";

class relay_session_test : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open(bool start_succeeds = true, relay_session_options options = {}) {
    channel_ = std::make_shared<fake_channel>();
    call_ = std::make_shared<fake_call>();
    session_ = std::make_shared<relay_session>(
        [this, start_succeeds](actors::relay_setup setup, std::shared_ptr<actors::call_line> line)
            -> std::shared_ptr<actors::live_call> {
          setups_.push_back(std::move(setup));
          line_ = std::move(line);
          return start_succeeds ? call_ : nullptr;
        },
        [this](std::chrono::milliseconds delay, std::function<void()> action) {
          delays_.push_back(delay);
          deadline_ = std::move(action);
        },
        options);
    session_->on_open(websocket_sender{channel_});
  }

  void send(const std::string& frame) { session_->on_text(frame); }
  void send_garbage(int count) {
    for (int i = 0; i < count; ++i) send("{not json " + std::to_string(i));
  }
  void close(websocket_close_cause cause, std::uint16_t code = 1000) {
    session_->on_close({cause, code, ""});
  }
  std::vector<std::string>& events() { return call_->events; }

  std::shared_ptr<fake_channel> channel_;
  std::shared_ptr<fake_call> call_;
  std::shared_ptr<relay_session> session_;
  std::vector<actors::relay_setup> setups_;
  std::shared_ptr<actors::call_line> line_;
  std::vector<std::chrono::milliseconds> delays_;
  std::function<void()> deadline_;
};

TEST_F(relay_session_test, setup_starts_the_call_with_its_parameters) {
  send(setup_json);
  ASSERT_EQ(setups_.size(), 1u);
  EXPECT_EQ(setups_[0].call_sid, "CA123");
  EXPECT_EQ(setups_[0].session_id, "VX1");
  EXPECT_EQ(setups_[0].from, "+15555550100");
  EXPECT_EQ(setups_[0].to, "+18084826296");
  EXPECT_EQ(setups_[0].custom_parameters.at("locationId"), "1");
  EXPECT_EQ(line_.get(), session_.get()) << "the session is the call's line";
  EXPECT_FALSE(channel_->close_code());
}

TEST_F(relay_session_test, every_message_type_reaches_the_call) {
  send(setup_json);
  send(R"({"type":"prompt","voicePrompt":"  I'd like a haircut ","lang":"en-US","last":false})");
  send(R"({"type":"prompt","voicePrompt":"on Friday","last":true})");
  send(R"({"type":"interrupt","utteranceUntilInterrupt":"We have openings on",)"
       R"("durationUntilInterruptMs":"460"})");
  send(R"({"type":"dtmf","digit":"1"})");
  send(R"({"type":"info","name":"agentSpeaking","value":"on"})");
  send(R"({"type":"error","description":"Invalid message received"})");
  std::vector<std::string> expected = {"prompt[  I'd like a haircut ]", "prompt[on Friday] last",
                                       "interrupt[We have openings on]", "dtmf 1",
                                       "error Invalid message received"};
  EXPECT_EQ(events(), expected);
  EXPECT_FALSE(channel_->close_code());
}

TEST_F(relay_session_test, an_interrupt_discards_unsent_reply_tokens_before_the_call_hears_it) {
  send(setup_json);
  line_->say("We have openings on ", false);
  line_->say("Friday at ten.", true);
  line_->end_session(R"({"reason":"done","handoff":false})");
  // Reply tokens may be dropped while they wait for the socket; the `end` never is.
  auto sent = channel_->sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(channel_->droppable(), (std::vector<std::string>{sent[0], sent[1]}));

  channel_->journal = &events();
  send(
      R"({"type":"interrupt","utteranceUntilInterrupt":"We have","durationUntilInterruptMs":300})");
  // Discarded first: the reply the call gives to the interrupt must not be dropped with them.
  EXPECT_EQ(events(), (std::vector<std::string>{"discard unsent", "interrupt[We have]"}));
}

TEST_F(relay_session_test, frames_before_setup_are_ignored) {
  send(R"({"type":"prompt","voicePrompt":"hello"})");
  send(R"({"type":"dtmf","digit":"5"})");
  EXPECT_TRUE(setups_.empty());
  EXPECT_TRUE(events().empty());
  send(setup_json);
  send(R"({"type":"prompt","voicePrompt":"hello"})");
  EXPECT_EQ(events(), std::vector<std::string>{"prompt[hello] last"});
}

TEST_F(relay_session_test, ten_frames_before_setup_close_with_1007) {
  for (int i = 0; i < 10; ++i) send(R"({"type":"prompt","voicePrompt":"hello"})");
  EXPECT_EQ(channel_->close_code(), 1007);
  EXPECT_TRUE(setups_.empty());
  close(websocket_close_cause::handler_closed, 1007);
  EXPECT_TRUE(events().empty()) << "no call, nothing to hang up";
}

TEST_F(relay_session_test, ten_garbage_frames_in_a_row_close_with_1007_and_hang_up) {
  send(setup_json);
  send_garbage(9);
  EXPECT_FALSE(channel_->close_code());
  send(R"({"type":"prompt"})");  // no voicePrompt: malformed too
  EXPECT_EQ(channel_->close_code(), 1007);
  send(R"({"type":"prompt","voicePrompt":"too late"})");
  close(websocket_close_cause::handler_closed, 1007);
  EXPECT_EQ(events(), std::vector<std::string>{"hang_up too many malformed messages"});
}

TEST_F(relay_session_test, nine_garbage_frames_then_a_good_one_stay_open) {
  send(setup_json);
  for (int round = 0; round < 3; ++round) {
    send_garbage(9);
    send(R"({"type":"info","name":"agentSpeaking","value":"off"})");
  }
  send_garbage(9);
  send(R"({"type":"prompt","voicePrompt":"still here"})");
  EXPECT_FALSE(channel_->close_code());
  EXPECT_EQ(events(), std::vector<std::string>{"prompt[still here] last"});
}

TEST_F(relay_session_test, unknown_types_are_ignored_without_counting) {
  send(setup_json);
  for (int i = 0; i < 25; ++i) send(R"({"type":"somethingNew","x":1})");
  send_garbage(9);
  EXPECT_FALSE(channel_->close_code());
  send(R"({"type":"Prompt","voicePrompt":"wrong case"})");  // types are exact: unknown
  EXPECT_FALSE(channel_->close_code());
  EXPECT_TRUE(events().empty());
}

TEST_F(relay_session_test, a_second_setup_is_ignored) {
  send(setup_json);
  send(R"({"type":"setup","callSid":"CA999"})");
  EXPECT_EQ(setups_.size(), 1u);
  EXPECT_EQ(setups_[0].call_sid, "CA123");
}

TEST_F(relay_session_test, bad_input_of_every_shape_never_crashes) {
  send(setup_json);
  for (const std::string& frame :
       {std::string(), std::string("null"), std::string("[]"), std::string("\"text\""),
        std::string("{\"type\":1}"), std::string("{\"type\":\"dtmf\",\"digit\":[1]}"),
        std::string("\xff\xfe{}"), std::string(70'000, '{'),
        std::string("{\"type\":\"prompt\",\"voicePrompt\":\"caf\xc3\xa9\"}")}) {
    send(frame);
  }
  EXPECT_FALSE(channel_->close_code());
  EXPECT_EQ(events(), std::vector<std::string>{"prompt[caf\xc3\xa9] last"});
}

TEST_F(relay_session_test, replies_go_out_as_text_frames_untrimmed_then_end) {
  send(setup_json);
  line_->say("Sure, ", false);
  line_->say(" what time works for you? ", false);
  line_->say("", true);
  line_->end_session(R"({"reason":"caller asked for a person","handoff":true})");
  auto sent = channel_->sent();
  ASSERT_EQ(sent.size(), 4u);
  auto first = nlohmann::json::parse(sent[0]);
  EXPECT_EQ(first["type"], "text");
  EXPECT_EQ(first["token"], "Sure, ");
  EXPECT_EQ(first["last"], false);
  EXPECT_EQ(nlohmann::json::parse(sent[1])["token"], " what time works for you? ");
  auto closing = nlohmann::json::parse(sent[2]);
  EXPECT_EQ(closing["token"], "");
  EXPECT_EQ(closing["last"], true);
  EXPECT_EQ(sent[3].rfind(R"({"type":"end")", 0), 0u) << sent[3];
  auto end = nlohmann::json::parse(sent[3]);
  ASSERT_TRUE(end["handoffData"].is_string()) << "handoffData is a string holding JSON";
  auto data = nlohmann::json::parse(end["handoffData"].get<std::string>());
  EXPECT_EQ(data["reason"], "caller asked for a person");
  EXPECT_EQ(data["handoff"], true);
}

TEST_F(relay_session_test, the_line_is_silent_once_the_socket_is_gone) {
  send(setup_json);
  close(websocket_close_cause::peer_closed, 1000);
  channel_.reset();
  line_->say("anyone there?", true);
  line_->end_session("{}");
  EXPECT_EQ(events(), std::vector<std::string>{"hang_up peer_closed"});
}

TEST_F(relay_session_test, close_causes_become_the_hang_up_reason) {
  send(setup_json);
  close(websocket_close_cause::message_too_big, 1009);
  EXPECT_EQ(events(), std::vector<std::string>{"hang_up message_too_big"});
  close(websocket_close_cause::peer_closed);
  EXPECT_EQ(events().size(), 1u) << "one hang-up per call";
}

TEST_F(relay_session_test, no_setup_in_time_closes_with_1008) {
  ASSERT_TRUE(deadline_);
  ASSERT_EQ(delays_.size(), 1u);
  EXPECT_EQ(delays_[0], std::chrono::seconds(10));
  deadline_();
  EXPECT_EQ(channel_->close_code(), 1008);
  send(setup_json);
  EXPECT_TRUE(setups_.empty()) << "a setup after the deadline starts nothing";
}

TEST_F(relay_session_test, setup_in_time_disarms_the_deadline) {
  send(setup_json);
  deadline_();
  EXPECT_FALSE(channel_->close_code());
}

TEST_F(relay_session_test, the_deadline_outliving_the_session_does_nothing) {
  auto deadline = deadline_;
  session_.reset();
  deadline();
  EXPECT_FALSE(channel_->close_code());
}

TEST_F(relay_session_test, setup_timeout_and_garbage_limit_are_options) {
  relay_session_options options;
  options.setup_timeout = std::chrono::milliseconds(250);
  options.max_bad_frames_in_a_row = 3;
  open(true, options);
  EXPECT_EQ(delays_.back(), std::chrono::milliseconds(250));
  send(setup_json);
  send_garbage(3);
  EXPECT_EQ(channel_->close_code(), 1007);
}

TEST_F(relay_session_test, a_call_that_cannot_start_closes_the_socket) {
  open(false);
  send(setup_json);
  EXPECT_EQ(channel_->close_code(), 1011);
  send(R"({"type":"prompt","voicePrompt":"hello"})");
  close(websocket_close_cause::handler_closed, 1011);
  EXPECT_TRUE(events().empty());
}

TEST_F(relay_session_test, the_line_is_safe_from_many_threads) {
  send(setup_json);
  std::vector<std::thread> speakers;
  for (int t = 0; t < 4; ++t) {
    speakers.emplace_back([this] {
      for (int i = 0; i < 500; ++i) line_->say("word ", i == 499);
    });
  }
  for (auto& speaker : speakers) speaker.join();
  EXPECT_EQ(channel_->sent().size(), 2000u);
}

}  // namespace
}  // namespace salon::net
