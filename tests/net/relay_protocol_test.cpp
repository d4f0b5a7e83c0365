#include "net/relay_protocol.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace salon::net {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

template <typename frame>
frame parsed_as(std::string_view text) {
  const inbound_frame result = parse_inbound_frame(text);
  if (const auto* bad = std::get_if<bad_frame>(&result)) {
    ADD_FAILURE() << text << " -> " << to_string(bad->kind) << " " << bad->detail;
    return {};
  }
  if (!std::holds_alternative<frame>(result)) {
    ADD_FAILURE() << text << " parsed as another frame type (" << result.index() << ")";
    return {};
  }
  return std::get<frame>(result);
}

bad_frame rejected(std::string_view text) {
  const inbound_frame result = parse_inbound_frame(text);
  if (const auto* bad = std::get_if<bad_frame>(&result)) return *bad;
  ADD_FAILURE() << text << " was accepted";
  return {bad_frame_kind::not_json, {}};
}

TEST(relay_protocol, setup_with_every_field) {
  const auto setup = parsed_as<setup_frame>(
      R"({"type":"setup","sessionId":"VX1","callSid":"CA1","accountSid":"AC1",)"
      R"("from":"+18005550100","to":"+18005550101","forwardedFrom":"+18005550102",)"
      R"("callType":"PSTN","callerName":"Jane","direction":"inbound","callStatus":"RINGING",)"
      R"("parentCallSid":"CA0","customParameters":{"locationId":"1","shop":"Curl & Co"}})");
  EXPECT_EQ(setup.session_id, "VX1");
  EXPECT_EQ(setup.call_sid, "CA1");
  EXPECT_EQ(setup.account_sid, "AC1");
  EXPECT_EQ(setup.from, "+18005550100");
  EXPECT_EQ(setup.to, "+18005550101");
  EXPECT_EQ(setup.forwarded_from, "+18005550102");
  EXPECT_EQ(setup.call_type, "PSTN");
  EXPECT_EQ(setup.caller_name, "Jane");
  EXPECT_EQ(setup.direction, "inbound");
  EXPECT_EQ(setup.call_status, "ringing");
  EXPECT_EQ(setup.parent_call_sid, "CA0");
  EXPECT_EQ(setup.custom_parameters,
            (std::map<std::string, std::string>{{"locationId", "1"}, {"shop", "Curl & Co"}}));
}

TEST(relay_protocol, setup_with_only_a_call_sid_and_odd_extras) {
  const auto setup = parsed_as<setup_frame>(
      R"({"type":"setup","callSid":"CA2","from":null,"callStatus":"In-Progress","newField":[1],)"
      R"("customParameters":{"n":42,"b":true,"nested":{"x":1},"nothing":null}})");
  EXPECT_EQ(setup.call_sid, "CA2");
  EXPECT_EQ(setup.from, "");
  EXPECT_EQ(setup.call_status, "in-progress");
  EXPECT_EQ(setup.custom_parameters,
            (std::map<std::string, std::string>{{"n", "42"}, {"b", "true"}}));
}

TEST(relay_protocol, setup_without_call_sid_or_with_bad_types) {
  const auto missing = rejected(R"({"type":"setup","sessionId":"VX1"})");
  EXPECT_EQ(missing.kind, bad_frame_kind::missing_field);
  EXPECT_EQ(missing.detail, "callSid");
  const auto wrong = rejected(R"({"type":"setup","callSid":12})");
  EXPECT_EQ(wrong.kind, bad_frame_kind::wrong_field_type);
  EXPECT_EQ(wrong.detail, "callSid");
  EXPECT_EQ(rejected(R"({"type":"setup","callSid":"CA","customParameters":"x"})").detail,
            "customParameters");
}

TEST(relay_protocol, prompt_with_and_without_last) {
  const auto prompt = parsed_as<prompt_frame>(
      R"({"type":"prompt","voicePrompt":"Can I book a haircut Friday?","lang":"en-US","last":true})");
  EXPECT_EQ(prompt.voice_prompt, "Can I book a haircut Friday?");
  EXPECT_EQ(prompt.lang, "en-US");
  EXPECT_TRUE(prompt.last);
  EXPECT_TRUE(parsed_as<prompt_frame>(R"({"type":"prompt","voicePrompt":"hi"})").last);
  const auto partial =
      parsed_as<prompt_frame>(R"({"type":"prompt","voicePrompt":"I'd like to book","last":false})");
  EXPECT_FALSE(partial.last);
  EXPECT_EQ(parsed_as<prompt_frame>(R"({"type":"prompt","voicePrompt":""})").voice_prompt, "");
}

TEST(relay_protocol, prompt_field_errors) {
  EXPECT_EQ(rejected(R"({"type":"prompt"})").kind, bad_frame_kind::missing_field);
  EXPECT_EQ(rejected(R"({"type":"prompt","voicePrompt":null})").kind,
            bad_frame_kind::missing_field);
  EXPECT_EQ(rejected(R"({"type":"prompt","voicePrompt":7})").kind,
            bad_frame_kind::wrong_field_type);
  const auto bad_last = rejected(R"({"type":"prompt","voicePrompt":"x","last":"true"})");
  EXPECT_EQ(bad_last.kind, bad_frame_kind::wrong_field_type);
  EXPECT_EQ(bad_last.detail, "last");
}

TEST(relay_protocol, interrupt_duration_as_number_or_string) {
  const auto number = parsed_as<interrupt_frame>(
      R"({"type":"interrupt","utteranceUntilInterrupt":"We have openings on","durationUntilInterruptMs":460})");
  EXPECT_EQ(number.utterance_until_interrupt, "We have openings on");
  EXPECT_EQ(number.duration_until_interrupt, 460ms);
  const auto text = parsed_as<interrupt_frame>(
      R"({"type":"interrupt","utteranceUntilInterrupt":"We","durationUntilInterruptMs":"460"})");
  EXPECT_EQ(text.duration_until_interrupt, 460ms);
  EXPECT_EQ(parsed_as<interrupt_frame>(R"({"type":"interrupt","durationUntilInterruptMs":12.9})")
                .duration_until_interrupt,
            12ms);
  const auto bare = parsed_as<interrupt_frame>(R"({"type":"interrupt"})");
  EXPECT_EQ(bare.utterance_until_interrupt, "");
  EXPECT_EQ(bare.duration_until_interrupt, std::nullopt);
}

TEST(relay_protocol, interrupt_with_unusable_or_huge_durations_is_still_an_interrupt) {
  for (const char* duration :
       {R"("abc")", R"("")", R"("46 0")", R"("460ms")", R"(-5)", R"("-5")", R"(true)", R"({})",
        R"(1e300)", R"(-1e300)", R"(18446744073709551615)", R"("99999999999999999999999")",
        R"(99999999999999999999999999999)"}) {
    const auto interrupt = parsed_as<interrupt_frame>(
        std::string{
            R"({"type":"interrupt","utteranceUntilInterrupt":"Sure","durationUntilInterruptMs":)"} +
        duration + "}");
    EXPECT_EQ(interrupt.utterance_until_interrupt, "Sure") << duration;
    EXPECT_EQ(interrupt.duration_until_interrupt, std::nullopt) << duration;
  }
  EXPECT_EQ(parsed_as<interrupt_frame>(
                R"({"type":"interrupt","durationUntilInterruptMs":9223372036854775807})")
                .duration_until_interrupt,
            std::chrono::milliseconds{9223372036854775807});
  EXPECT_EQ(rejected(R"({"type":"interrupt","utteranceUntilInterrupt":5})").kind,
            bad_frame_kind::wrong_field_type);
}

TEST(relay_protocol, dtmf_info_and_error) {
  EXPECT_EQ(parsed_as<dtmf_frame>(R"({"type":"dtmf","digit":"1"})").digit, "1");
  EXPECT_EQ(rejected(R"({"type":"dtmf"})").detail, "digit");
  EXPECT_EQ(rejected(R"({"type":"dtmf","digit":1})").kind, bad_frame_kind::wrong_field_type);

  const auto info = parsed_as<info_frame>(R"({"type":"info","name":"agentSpeaking","value":"on"})");
  EXPECT_EQ(info.name, "agentSpeaking");
  EXPECT_EQ(info.value, "on");
  EXPECT_EQ(parsed_as<info_frame>(R"({"type":"info","name":"tokensPlayed","value":3})").value, "3");
  EXPECT_EQ(parsed_as<info_frame>(R"({"type":"info","name":"x"})").value, "");
  EXPECT_EQ(rejected(R"({"type":"info","value":"on"})").kind, bad_frame_kind::missing_field);

  EXPECT_EQ(
      parsed_as<error_frame>(R"({"type":"error","description":"Invalid message received: ..."})")
          .description,
      "Invalid message received: ...");
  EXPECT_EQ(parsed_as<error_frame>(R"({"type":"error"})").description, "");
}

TEST(relay_protocol, unknown_types_are_named_and_not_garbage) {
  const auto unknown = rejected(R"({"type":"setupV2","callSid":"CA1"})");
  EXPECT_EQ(unknown.kind, bad_frame_kind::unknown_type);
  EXPECT_EQ(unknown.detail, "setupV2");
  EXPECT_EQ(rejected(R"({"type":"Prompt","voicePrompt":"x"})").kind, bad_frame_kind::unknown_type);
  EXPECT_EQ(rejected(R"({"callSid":"CA1"})").kind, bad_frame_kind::missing_type);
  EXPECT_EQ(rejected(R"({"type":null})").kind, bad_frame_kind::missing_type);
  EXPECT_EQ(rejected(R"({"type":3})").kind, bad_frame_kind::wrong_field_type);
}

TEST(relay_protocol, garbage_is_not_json_or_not_an_object) {
  for (const char* garbage : {"", " ", "{", "}", "{\"type\":\"prompt\"", "nul", "{'type':'x'}",
                              "{\"type\":\"prompt\",}", "\xEF\xBB\xBF{\"type\":\"dtmf\"}x"}) {
    EXPECT_EQ(rejected(garbage).kind, bad_frame_kind::not_json) << garbage;
  }
  for (const char* not_object :
       {"[]", "42", "\"prompt\"", "null", "true", "[{\"type\":\"dtmf\"}]"}) {
    EXPECT_EQ(rejected(not_object).kind, bad_frame_kind::not_an_object) << not_object;
  }
}

TEST(relay_protocol, non_utf8_bytes_are_rejected_not_crashed_on) {
  EXPECT_EQ(rejected("{\"type\":\"prompt\",\"voicePrompt\":\"caf\xE9\"}").kind,
            bad_frame_kind::not_json);
  EXPECT_EQ(rejected("{\"type\":\"prompt\",\"voicePrompt\":\"\xC0\xAF\"}").kind,
            bad_frame_kind::not_json);
  EXPECT_EQ(rejected(std::string_view{"{\"type\":\"dtmf\",\"digit\":\"\0\"}", 25}).kind,
            bad_frame_kind::not_json);
  // Escaped code points are fine, NUL included: JSON allows them.
  EXPECT_EQ(parsed_as<prompt_frame>(R"({"type":"prompt","voicePrompt":"caf\u00e9 \ud83d\udc87"})")
                .voice_prompt,
            "café 💇");
}

TEST(relay_protocol, deep_nesting_and_big_frames_do_not_crash) {
  const std::string deep = R"({"type":"prompt","voicePrompt":"x","extra":)" +
                           std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(parsed_as<prompt_frame>(deep).voice_prompt, "x");
  const std::string long_prompt(1 << 20, 'a');
  EXPECT_EQ(parsed_as<prompt_frame>(R"({"type":"prompt","voicePrompt":")" + long_prompt + "\"}")
                .voice_prompt.size(),
            long_prompt.size());
}

TEST(relay_protocol, text_frames_keep_tokens_exactly) {
  EXPECT_EQ(text_frame("Sure, ", false), R"({"type":"text","token":"Sure, ","last":false})");
  EXPECT_EQ(text_frame("", true), R"({"type":"text","token":"","last":true})");
  EXPECT_EQ(text_frame("  what time works for you?\n", true,
                       {.lang = "en-US", .interruptible = false, .preemptible = true}),
            R"({"type":"text","token":"  what time works for you?\n","last":true,)"
            R"("lang":"en-US","interruptible":false,"preemptible":true})");
  const json quoted = json::parse(text_frame("He said \"Curl & Co\" \\ é\t", true));
  EXPECT_EQ(quoted.at("token"), "He said \"Curl & Co\" \\ é\t");
  const json bad_utf8 = json::parse(text_frame("caf\xE9", false));
  EXPECT_EQ(bad_utf8.at("token"), "caf\xEF\xBF\xBD");
}

TEST(relay_protocol, end_frame_carries_handoff_data_as_a_string_of_json) {
  EXPECT_EQ(end_frame(), R"({"type":"end"})");
  const std::string frame = end_frame({{"reason", "caller asked for a person"}});
  EXPECT_EQ(frame, R"({"type":"end","handoffData":"{\"reason\":\"caller asked for a person\"}"})");
  const json parsed = json::parse(frame);
  ASSERT_TRUE(parsed.at("handoffData").is_string());
  const std::map<std::string, std::string> tricky{
      {"reason", "said \"get me a human\" & hung up\\"}, {"callSid", "CA1"}, {"note", "é\n"}};
  const std::string handoff = json::parse(end_frame(tricky)).at("handoffData");
  EXPECT_EQ(parse_handoff_data(handoff), tricky);
}

TEST(relay_protocol, handoff_data_that_is_not_ours_reads_as_empty_or_partial) {
  EXPECT_TRUE(parse_handoff_data("").empty());
  EXPECT_TRUE(parse_handoff_data("not json").empty());
  EXPECT_TRUE(parse_handoff_data(R"(["reason"])").empty());
  EXPECT_EQ(parse_handoff_data(R"({"reason":"x","n":1})"),
            (std::map<std::string, std::string>{{"reason", "x"}}));
}

TEST(relay_protocol, play_send_digits_and_language_frames) {
  EXPECT_EQ(play_frame("https://cdn.example/hold.mp3"),
            R"({"type":"play","source":"https://cdn.example/hold.mp3","loop":1})");
  EXPECT_EQ(play_frame("https://cdn.example/hold.mp3", 0, true, false),
            R"({"type":"play","source":"https://cdn.example/hold.mp3","loop":0,)"
            R"("interruptible":true,"preemptible":false})");
  EXPECT_EQ(send_digits_frame("9www1234"), R"({"type":"sendDigits","digits":"9www1234"})");
  EXPECT_EQ(send_digits_frame("*#0"), R"({"type":"sendDigits","digits":"*#0"})");
  EXPECT_EQ(send_digits_frame(""), std::nullopt);
  EXPECT_EQ(send_digits_frame("12a"), std::nullopt);
  EXPECT_EQ(send_digits_frame("1\"}"), std::nullopt);
  EXPECT_EQ(language_frame("es-US", "es-US"),
            R"({"type":"language","ttsLanguage":"es-US","transcriptionLanguage":"es-US"})");
  EXPECT_EQ(language_frame("", "fr-FR"), R"({"type":"language","transcriptionLanguage":"fr-FR"})");
}

TEST(relay_protocol, outbound_text_round_trips_through_a_json_parser) {
  std::string every_ascii;
  for (int c = 0; c < 0x80; ++c) every_ascii.push_back(static_cast<char>(c));
  const json frame = json::parse(text_frame(every_ascii, true));
  EXPECT_EQ(frame.at("token").get<std::string>(), every_ascii);
  EXPECT_EQ(frame.at("type"), "text");
  EXPECT_EQ(frame.at("last"), true);
}

}  // namespace
}  // namespace salon::net
