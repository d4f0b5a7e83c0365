#include "net/twiml.hpp"

#include <cstdint>
#include <unordered_set>

#include "config/utf8.hpp"

namespace salon::net::twiml {
namespace {

constexpr std::size_t max_hints = 500;
constexpr std::size_t max_hint_characters = 100;
constexpr std::size_t max_hints_bytes = 8 * 1024;

bool is_whitespace_control(char32_t c) noexcept {
  return c == '\t' || c == '\n' || c == '\r';
}

// XML 1.0 forbids most C0 controls and U+FFFE/U+FFFF; DEL and C1 controls are legal but mean
// nothing to a speech engine, so they go too.
bool is_dropped(char32_t c) noexcept {
  return (c < 0x20 && !is_whitespace_control(c)) || (c >= 0x7F && c <= 0x9F) || c == 0xFFFE ||
         c == 0xFFFF;
}

// Well-formed UTF-8 that XML can carry: the rest is dropped, tabs and line breaks become spaces
// (an attribute parser would turn them into spaces anyway).
std::string sanitize(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const config::utf8::code_point c = config::utf8::decode(text, pos);
    if (c.length == 0) {
      ++pos;
      continue;
    }
    if (is_whitespace_control(c.value)) {
      clean.push_back(' ');
    } else if (!is_dropped(c.value)) {
      clean += text.substr(pos, c.length);
    }
    pos += c.length;
  }
  return clean;
}

void append_attribute(std::string& xml, std::string_view name, std::string_view value) {
  const std::string escaped = escape_xml(value);
  if (escaped.empty()) return;
  xml.push_back(' ');
  xml += name;
  xml += "=\"";
  xml += escaped;
  xml.push_back('"');
}

void append_say(std::string& xml, const speech& message) {
  const std::string text = escape_xml(message.text);
  if (text.empty()) return;
  xml += "<Say";
  append_attribute(xml, "language", message.language);
  append_attribute(xml, "voice", message.voice);
  xml.push_back('>');
  xml += text;
  xml += "</Say>";
}

void append_dial(std::string& xml, const dial_target& target) {
  xml += "<Dial";
  append_attribute(xml, "callerId", target.caller_id);
  if (target.timeout_seconds > 0) {
    append_attribute(xml, "timeout", std::to_string(target.timeout_seconds));
  }
  xml.push_back('>');
  xml += escape_xml(target.number);
  xml += "</Dial>";
}

std::string response(std::string_view verbs) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>)";
  if (verbs.empty()) return xml + "<Response/>";
  xml += "<Response>";
  xml += verbs;
  xml += "</Response>";
  return xml;
}

char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// One hint: commas and runs of spaces become single spaces, ends trimmed.
std::string clean_hint(std::string_view name) {
  std::string cleaned;
  bool pending_space = false;
  for (const char c : name) {
    if (c == ',' || c == ' ') {
      pending_space = !cleaned.empty();
      continue;
    }
    if (pending_space) cleaned.push_back(' ');
    pending_space = false;
    cleaned.push_back(c);
  }
  return cleaned;
}

std::size_t count_characters(std::string_view text) noexcept {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<std::uint8_t>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace

std::string escape_xml(std::string_view text) {
  const std::string clean = sanitize(text);
  std::string escaped;
  escaped.reserve(clean.size() + clean.size() / 8);
  // Bytes of multi-byte UTF-8 sequences are all >= 0x80, so testing single bytes is safe.
  for (const char c : clean) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        escaped.push_back(c);
    }
  }
  return escaped;
}

std::string join_hints(std::span<const std::string> names) {
  std::string joined;
  std::unordered_set<std::string> seen;
  for (const auto& name : names) {
    if (seen.size() == max_hints) break;
    // Limits apply to the text Twilio will read, after unusable characters are gone.
    std::string hint = clean_hint(sanitize(name));
    if (hint.empty() || count_characters(hint) > max_hint_characters) continue;
    std::string key = hint;
    for (char& c : key) c = ascii_lower(c);
    if (seen.contains(key)) continue;
    const std::size_t added = hint.size() + (joined.empty() ? 0 : 1);
    if (joined.size() + added > max_hints_bytes) break;
    if (!joined.empty()) joined.push_back(',');
    joined += hint;
    seen.insert(std::move(key));
  }
  return joined;
}

std::string connect_conversation_relay(const conversation_relay_answer& answer) {
  std::string verbs = "<Connect";
  append_attribute(verbs, "action", answer.action_url);
  append_attribute(verbs, "method", answer.action_method);
  verbs += "><ConversationRelay";
  append_attribute(verbs, "url", answer.relay_url);
  append_attribute(verbs, "welcomeGreeting", answer.welcome_greeting);
  append_attribute(verbs, "welcomeGreetingInterruptible", answer.welcome_greeting_interruptible);
  append_attribute(verbs, "language", answer.language);
  append_attribute(verbs, "ttsProvider", answer.tts_provider);
  append_attribute(verbs, "voice", answer.voice);
  append_attribute(verbs, "transcriptionProvider", answer.transcription_provider);
  append_attribute(verbs, "speechModel", answer.speech_model);
  append_attribute(verbs, "interruptible", answer.interruptible);
  append_attribute(verbs, "dtmfDetection", answer.dtmf_detection ? "true" : "false");
  append_attribute(verbs, "hints", join_hints(answer.hints));
  if (answer.parameters.empty()) {
    verbs += "/>";
  } else {
    verbs.push_back('>');
    for (const auto& parameter : answer.parameters) {
      verbs += "<Parameter";
      append_attribute(verbs, "name", parameter.name);
      append_attribute(verbs, "value", parameter.value);
      verbs += "/>";
    }
    verbs += "</ConversationRelay>";
  }
  verbs += "</Connect>";
  return response(verbs);
}

std::string busy_answer(const speech& message, std::string_view forwarding_number) {
  if (forwarding_number.empty()) return goodbye(message);
  return hand_off(message, dial_target{std::string{forwarding_number}, {}, 0});
}

std::string hand_off(const speech& message, const dial_target& target) {
  if (escape_xml(target.number).empty()) return goodbye(message);
  std::string verbs;
  append_say(verbs, message);
  append_dial(verbs, target);
  return response(verbs);
}

std::string goodbye(const speech& message) {
  std::string verbs;
  append_say(verbs, message);
  verbs += "<Hangup/>";
  return response(verbs);
}

std::string hangup() {
  return response("<Hangup/>");
}

std::string empty_response() {
  return response({});
}

}  // namespace salon::net::twiml
