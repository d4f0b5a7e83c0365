#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// ConversationRelay's WebSocket messages (JSON text frames): typed inbound frames parsed from
// Twilio, and the outbound frames we send back.
namespace salon::net {

// First frame of every session.
struct setup_frame {
  std::string session_id{};
  std::string call_sid{};  // required: the call's key everywhere
  std::string account_sid{};
  std::string from{};
  std::string to{};
  std::string forwarded_from{};
  std::string call_type{};
  std::string caller_name{};
  std::string direction{};
  std::string call_status{};  // lower-cased ("ringing"): Twilio sends "RINGING"
  std::string parent_call_sid{};
  std::map<std::string, std::string> custom_parameters{};  // our TwiML <Parameter>s
};

// What the caller said.
struct prompt_frame {
  std::string voice_prompt{};
  std::string lang{};
  bool last = true;  // false only with partial prompts: merge until last
};

// The caller spoke over us; they heard only `utterance_until_interrupt`.
struct interrupt_frame {
  std::string utterance_until_interrupt{};
  // Absent when Twilio left it out or sent something that is not a whole number of
  // milliseconds in range: the interrupt itself still counts.
  std::optional<std::chrono::milliseconds> duration_until_interrupt{};
};

struct dtmf_frame {
  std::string digit{};
};

struct info_frame {
  std::string name{};
  std::string value{};
};

// Twilio reporting a problem with something we sent.
struct error_frame {
  std::string description{};
};

enum class bad_frame_kind {
  not_json,  // also: not UTF-8
  not_an_object,
  missing_type,
  unknown_type,   // a type we do not handle: log and ignore, it is not garbage
  missing_field,  // a required field is absent (or null)
  wrong_field_type,
};

struct bad_frame {
  bad_frame_kind kind;
  std::string detail{};  // the field or type concerned, or the JSON parser's message
};

std::string_view to_string(bad_frame_kind kind) noexcept;

using inbound_frame = std::variant<setup_frame, prompt_frame, interrupt_frame, dtmf_frame,
                                   info_frame, error_frame, bad_frame>;

// Never throws on bad input: anything that is not a frame we handle is a `bad_frame`. Unknown
// fields are ignored; optional fields may be missing, null or empty.
inbound_frame parse_inbound_frame(std::string_view text);

struct text_options {
  std::string lang{};                   // omitted when empty
  std::optional<bool> interruptible{};  // omitted when unset
  std::optional<bool> preemptible{};
};

// One spoken token. Sent exactly as given (never trimmed: spaces join the tokens); a turn ends
// with `last`. Invalid UTF-8 is replaced, never an exception.
std::string text_frame(std::string_view token, bool last, const text_options& options = {});

// Ends the session. `handoff_data` becomes a JSON object serialized into the `handoffData`
// string, which Twilio returns verbatim as `HandoffData` on the action callback (omitted when
// empty).
std::string end_frame(const std::map<std::string, std::string>& handoff_data = {});

// Reads `HandoffData` back: the string members of the object `end_frame` wrote. Empty when it is
// not a JSON object.
std::map<std::string, std::string> parse_handoff_data(std::string_view handoff_data);

std::string play_frame(std::string_view source, int loop = 1,
                       std::optional<bool> interruptible = {},
                       std::optional<bool> preemptible = {});

// Digits to press: 0-9, `*`, `#`, `w` (half a second's pause). Anything else, or nothing: no
// frame, since Twilio answers an invalid message with an error and counts it against us.
std::optional<std::string> send_digits_frame(std::string_view digits);

// Switches languages mid-call; an empty language is left as it is.
std::string language_frame(std::string_view tts_language, std::string_view transcription_language);

}  // namespace salon::net
