#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

// TwiML answers for Twilio's voice webhooks. Every attribute value and every text is
// XML-escaped and stripped of characters XML cannot carry, so a salon called `Curl & Co` or a
// greeting with quotes never breaks the document (Twilio drops the call on invalid TwiML).
namespace salon::net::twiml {

// A `<Parameter>` of `<ConversationRelay>`; it comes back in `setup.customParameters`.
struct relay_parameter {
  std::string name{};
  std::string value{};
};

// The normal answer: `<Connect action method><ConversationRelay ...>`. Empty strings leave
// their attribute out, so Twilio's default applies.
struct conversation_relay_answer {
  std::string action_url{};  // where Twilio reports how the relay session ended
  std::string action_method = "POST";
  std::string relay_url{};  // `wss://` URL of our relay endpoint
  std::string welcome_greeting{};
  std::string welcome_greeting_interruptible{};  // none|dtmf|speech|any
  std::string language = "en-US";
  std::string tts_provider{};
  std::string voice{};
  std::string transcription_provider{};
  std::string speech_model{};
  std::string interruptible = "any";  // none|dtmf|speech|any
  bool dtmf_detection = true;
  std::vector<std::string> hints{};  // service and stylist names, cleaned by `join_hints`
  std::vector<relay_parameter> parameters{};
};

// A `<Say>`; an empty text says nothing.
struct speech {
  std::string text{};
  std::string language{};
  std::string voice{};
};

// A `<Dial>` to the salon's own phone.
struct dial_target {
  std::string number{};
  std::string caller_id{};  // empty: Twilio shows the caller's number to the salon
  int timeout_seconds = 0;  // ring time; 0 keeps Twilio's default (30 s)
};

std::string connect_conversation_relay(const conversation_relay_answer& answer);

// Node at capacity or shop unknown: say so, then forward to the salon when it has a number,
// otherwise hang up.
std::string busy_answer(const speech& message, std::string_view forwarding_number);

// Hand-off to a person: a polite line, then `<Dial>`. Without a number it is `goodbye`.
std::string hand_off(const speech& message, const dial_target& target);

// `<Say>` then `<Hangup/>`.
std::string goodbye(const speech& message);

std::string hangup();

// `<Response/>`: "nothing to do", e.g. the answer to a status callback.
std::string empty_response();

// Twilio accepts at most 500 hints of at most 100 characters each (warning 13330); past that
// the whole list may be ignored. Commas separate hints, so they become spaces inside a name;
// whitespace is collapsed, duplicates (ignoring ASCII case) and over-long names dropped, and the
// list stops at 8 KiB so the TwiML stays far below Twilio's 64 KB answer limit even if every
// character needs escaping.
std::string join_hints(std::span<const std::string> names);

// Escapes `& < > " '`, drops what XML 1.0 cannot carry (control characters, invalid UTF-8,
// U+FFFE/U+FFFF) and turns tabs and line breaks into spaces.
std::string escape_xml(std::string_view text);

}  // namespace salon::net::twiml
