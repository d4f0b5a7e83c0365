#include "net/relay_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

namespace salon::net {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// Reads one field of a frame object into the frame being built; a failure is kept as the
// frame's `bad_frame`.
class field_reader {
 public:
  explicit field_reader(const json& object) : object_(object) {}

  // Missing and null read as absent: Twilio leaves optional fields out or empty.
  const json* find(const char* name) const {
    const auto it = object_.find(name);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }

  void string(const char* name, std::string& into, bool required = false) {
    const json* value = find(name);
    if (value == nullptr) {
      if (required) fail(bad_frame_kind::missing_field, name);
      return;
    }
    if (!value->is_string()) return fail(bad_frame_kind::wrong_field_type, name);
    into = value->get_ref<const std::string&>();
  }

  void boolean(const char* name, bool& into) {
    const json* value = find(name);
    if (value == nullptr) return;
    if (!value->is_boolean()) return fail(bad_frame_kind::wrong_field_type, name);
    into = value->get<bool>();
  }

  const std::optional<bad_frame>& failure() const { return failure_; }

 private:
  void fail(bad_frame_kind kind, const char* name) {
    if (!failure_) failure_ = bad_frame{kind, name};
  }

  const json& object_;
  std::optional<bad_frame> failure_;
};

template <typename frame>
inbound_frame finish(frame parsed, const field_reader& reader) {
  if (reader.failure()) return *reader.failure();
  return parsed;
}

std::string ascii_lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return text;
}

// A scalar as the text Twilio would have put in a string; objects and arrays have none.
std::optional<std::string> scalar_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return std::nullopt;
}

// Twilio has sent durationUntilInterruptMs both as a number and as a string of digits.
std::optional<std::chrono::milliseconds> duration_ms(const json* value) {
  if (value == nullptr) return std::nullopt;
  using rep = std::chrono::milliseconds::rep;
  if (value->is_number_unsigned() || value->is_number_integer()) {
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<rep>::max())) {
      return std::nullopt;
    }
    const rep ms = value->get<rep>();
    if (ms < 0) return std::nullopt;
    return std::chrono::milliseconds{ms};
  }
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    rep ms = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (error != std::errc{} || end != text.data() + text.size() || ms < 0) return std::nullopt;
    return std::chrono::milliseconds{ms};
  }
  if (value->is_number_float()) {
    const double ms = value->get<double>();
    // 2^62 stays exactly convertible and is beyond any real call.
    if (!std::isfinite(ms) || ms < 0 || ms > 4.6e18) return std::nullopt;
    return std::chrono::milliseconds{static_cast<rep>(ms)};
  }
  return std::nullopt;
}

inbound_frame parse_setup(const json& object) {
  field_reader reader{object};
  setup_frame setup;
  reader.string("sessionId", setup.session_id);
  reader.string("callSid", setup.call_sid, true);
  reader.string("accountSid", setup.account_sid);
  reader.string("from", setup.from);
  reader.string("to", setup.to);
  reader.string("forwardedFrom", setup.forwarded_from);
  reader.string("callType", setup.call_type);
  reader.string("callerName", setup.caller_name);
  reader.string("direction", setup.direction);
  reader.string("callStatus", setup.call_status);
  setup.call_status = ascii_lower(std::move(setup.call_status));
  reader.string("parentCallSid", setup.parent_call_sid);
  if (const json* parameters = reader.find("customParameters")) {
    if (!parameters->is_object())
      return bad_frame{bad_frame_kind::wrong_field_type, "customParameters"};
    for (const auto& [name, value] : parameters->items()) {
      if (auto text = scalar_text(value)) setup.custom_parameters.emplace(name, std::move(*text));
    }
  }
  return finish(std::move(setup), reader);
}

inbound_frame parse_prompt(const json& object) {
  field_reader reader{object};
  prompt_frame prompt;
  reader.string("voicePrompt", prompt.voice_prompt, true);
  reader.string("lang", prompt.lang);
  reader.boolean("last", prompt.last);
  return finish(std::move(prompt), reader);
}

inbound_frame parse_interrupt(const json& object) {
  field_reader reader{object};
  interrupt_frame interrupt;
  reader.string("utteranceUntilInterrupt", interrupt.utterance_until_interrupt);
  interrupt.duration_until_interrupt = duration_ms(reader.find("durationUntilInterruptMs"));
  return finish(std::move(interrupt), reader);
}

inbound_frame parse_dtmf(const json& object) {
  field_reader reader{object};
  dtmf_frame dtmf;
  reader.string("digit", dtmf.digit, true);
  return finish(std::move(dtmf), reader);
}

inbound_frame parse_info(const json& object) {
  field_reader reader{object};
  info_frame info;
  reader.string("name", info.name, true);
  if (const json* value = reader.find("value")) info.value = scalar_text(*value).value_or("");
  return finish(std::move(info), reader);
}

inbound_frame parse_error(const json& object) {
  field_reader reader{object};
  error_frame error;
  reader.string("description", error.description);
  return finish(std::move(error), reader);
}

// Twilio rejects invalid UTF-8; replacing it keeps a frame valid whatever the text holds.
std::string serialize(const ordered_json& frame) {
  return frame.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Plain ASCII (most tokens) is copied as is; anything else goes through the JSON library.
void append_json_string(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7F && c != '"' && c != '\\';
  });
  if (!plain) {
    out += json(text).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  out.push_back('"');
  out += text;
  out.push_back('"');
}

}  // namespace

std::string_view to_string(bad_frame_kind kind) noexcept {
  switch (kind) {
    case bad_frame_kind::not_json:
      return "not JSON";
    case bad_frame_kind::not_an_object:
      return "not a JSON object";
    case bad_frame_kind::missing_type:
      return "missing type";
    case bad_frame_kind::unknown_type:
      return "unknown type";
    case bad_frame_kind::missing_field:
      return "missing field";
    case bad_frame_kind::wrong_field_type:
      return "wrong field type";
  }
  return "unknown";
}

inbound_frame parse_inbound_frame(std::string_view text) {
  try {
    const json object = json::parse(text.begin(), text.end(), nullptr, false);
    if (object.is_discarded()) return bad_frame{bad_frame_kind::not_json, {}};
    if (!object.is_object()) return bad_frame{bad_frame_kind::not_an_object, {}};
    const auto type_it = object.find("type");
    if (type_it == object.end() || type_it->is_null()) {
      return bad_frame{bad_frame_kind::missing_type, {}};
    }
    if (!type_it->is_string()) return bad_frame{bad_frame_kind::wrong_field_type, "type"};
    const std::string& type = type_it->get_ref<const std::string&>();
    if (type == "prompt") return parse_prompt(object);
    if (type == "interrupt") return parse_interrupt(object);
    if (type == "setup") return parse_setup(object);
    if (type == "dtmf") return parse_dtmf(object);
    if (type == "info") return parse_info(object);
    if (type == "error") return parse_error(object);
    return bad_frame{bad_frame_kind::unknown_type, type};
  } catch (const json::exception& error) {
    // Unreachable with the checks above; kept so no input can throw out of here.
    return bad_frame{bad_frame_kind::not_json, error.what()};
  }
}

std::string text_frame(std::string_view token, bool last, const text_options& options) {
  // The hot path of every reply, so written by hand rather than through a JSON object.
  std::string frame = R"({"type":"text","token":)";
  append_json_string(frame, token);
  frame += last ? R"(,"last":true)" : R"(,"last":false)";
  if (!options.lang.empty()) {
    frame += R"(,"lang":)";
    append_json_string(frame, options.lang);
  }
  if (options.interruptible) {
    frame += *options.interruptible ? R"(,"interruptible":true)" : R"(,"interruptible":false)";
  }
  if (options.preemptible) {
    frame += *options.preemptible ? R"(,"preemptible":true)" : R"(,"preemptible":false)";
  }
  frame.push_back('}');
  return frame;
}

std::string end_frame(const std::map<std::string, std::string>& handoff_data) {
  ordered_json frame{{"type", "end"}};
  if (!handoff_data.empty()) {
    frame["handoffData"] = serialize(ordered_json(handoff_data));
  }
  return serialize(frame);
}

std::map<std::string, std::string> parse_handoff_data(std::string_view handoff_data) {
  std::map<std::string, std::string> fields;
  const json object = json::parse(handoff_data.begin(), handoff_data.end(), nullptr, false);
  if (!object.is_object()) return fields;
  for (const auto& [name, value] : object.items()) {
    if (value.is_string()) fields.emplace(name, value.get<std::string>());
  }
  return fields;
}

std::string play_frame(std::string_view source, int loop, std::optional<bool> interruptible,
                       std::optional<bool> preemptible) {
  ordered_json frame{{"type", "play"}, {"source", source}, {"loop", loop}};
  if (interruptible) frame["interruptible"] = *interruptible;
  if (preemptible) frame["preemptible"] = *preemptible;
  return serialize(frame);
}

std::optional<std::string> send_digits_frame(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  for (const char c : digits) {
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#' || c == 'w')) return std::nullopt;
  }
  return serialize(ordered_json{{"type", "sendDigits"}, {"digits", digits}});
}

std::string language_frame(std::string_view tts_language, std::string_view transcription_language) {
  ordered_json frame{{"type", "language"}};
  if (!tts_language.empty()) frame["ttsLanguage"] = tts_language;
  if (!transcription_language.empty()) frame["transcriptionLanguage"] = transcription_language;
  return serialize(frame);
}

}  // namespace salon::net
