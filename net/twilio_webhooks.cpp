#include "net/twilio_webhooks.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include "conversation/speech.hpp"
#include "net/twiml.hpp"

namespace salon::net {
namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> non_empty(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

// Whole, non-negative numbers only; Twilio sends them as decimal strings.
std::optional<int> whole_number(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < 0) return std::nullopt;
  return value;
}

std::optional<std::string> read_call_sid(const form_data& form, std::string& sid) {
  auto value = form.first("CallSid");
  if (!value || value->empty()) return "CallSid is missing";
  if (!is_call_sid(*value)) return "CallSid is not a call SID";
  sid = std::string(*value);
  return std::nullopt;
}

// A cursor over an RFC 2822 date.
class date_reader {
 public:
  explicit date_reader(std::string_view text) : text_{text} {}

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool done() {
    skip_spaces();
    return pos_ == text_.size();
  }
  bool literal(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::optional<int> number(std::size_t min_digits, std::size_t max_digits) {
    skip_spaces();
    std::size_t start = pos_;
    int value = 0;
    while (pos_ < text_.size() && pos_ - start < max_digits &&
           std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      value = value * 10 + (text_[pos_++] - '0');
    }
    if (pos_ - start < min_digits) return std::nullopt;
    return value;
  }
  std::string_view word() {
    skip_spaces();
    std::size_t start = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // Skips "Tue," when it is there.
  void skip_day_name() {
    skip_spaces();
    auto comma = text_.find(',', pos_);
    if (comma != std::string_view::npos) pos_ = comma + 1;
  }
  char peek() {
    skip_spaces();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<unsigned> month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> months = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() != 3) return std::nullopt;
  for (unsigned i = 0; i < months.size(); ++i) {
    if (starts_with_ci(name, months[i])) return i + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string public_origin(std::string_view public_base_url, const http_request& request) {
  if (!public_base_url.empty()) return std::string(public_base_url);
  auto host = request.header("Host");
  return "http://" + std::string(host && !host->empty() ? *host : "localhost");
}

std::string websocket_origin(std::string_view http_origin) {
  if (starts_with_ci(http_origin, "https://")) {
    return "wss://" + std::string(http_origin.substr(8));
  }
  if (starts_with_ci(http_origin, "http://")) return "ws://" + std::string(http_origin.substr(7));
  return std::string(http_origin);
}

std::string requested_url(std::string_view origin, const http_request& request) {
  std::string url{origin};
  url += request.path;
  if (!request.query.empty()) {
    url += '?';
    url += request.query;
  }
  return url;
}

bool is_call_sid(std::string_view text) noexcept {
  if (text.size() < 2 || text.size() > 64) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::variant<actors::incoming_call, std::string> read_incoming_call(const form_data& form) {
  actors::incoming_call call;
  if (auto error = read_call_sid(form, call.call_sid)) return *error;
  call.from = std::string(form.first_or_empty("From"));
  call.to = std::string(form.first_or_empty("To"));
  call.call_status = std::string(form.first_or_empty("CallStatus"));
  return call;
}

std::variant<db::call_status_update, std::string> read_status_callback(const form_data& form,
                                                                       db::time_point now) {
  db::call_status_update update;
  if (auto error = read_call_sid(form, update.call_sid)) return *error;
  auto status_text = form.first("CallStatus");
  if (!status_text || status_text->empty()) return std::string("CallStatus is missing");
  auto status = db::parse_call_status(*status_text);
  if (!status) return "CallStatus '" + std::string(*status_text) + "' is not a call status";
  update.status = *status;
  update.sequence_number = whole_number(form.first("SequenceNumber"));
  update.duration_seconds = whole_number(form.first("CallDuration"));
  update.at = parse_rfc2822(form.first_or_empty("Timestamp")).value_or(now);
  update.from_number = non_empty(form.first_or_empty("From"));
  update.to_number = non_empty(form.first_or_empty("To"));
  return update;
}

std::variant<actors::relay_session_end, std::string> read_relay_session_end(const form_data& form) {
  actors::relay_session_end end;
  if (auto error = read_call_sid(form, end.call_sid)) return *error;
  end.session_status = std::string(form.first_or_empty("SessionStatus"));
  end.handoff_data = std::string(form.first_or_empty("HandoffData"));
  end.error_code = non_empty(form.first_or_empty("ErrorCode"));
  end.error_message = non_empty(form.first_or_empty("ErrorMessage"));
  return end;
}

std::optional<db::time_point> parse_rfc2822(std::string_view text) {
  using namespace std::chrono;
  date_reader in{text};
  if (text.find(',') != std::string_view::npos) in.skip_day_name();
  auto day = in.number(1, 2);
  auto month = month_number(in.word());
  auto year = in.number(4, 4);
  if (!day || !month || !year) return std::nullopt;
  auto hour = in.number(2, 2);
  if (!hour || !in.literal(':')) return std::nullopt;
  auto minute = in.number(2, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  if (in.literal(':')) {
    auto s = in.number(2, 2);
    if (!s) return std::nullopt;
    second = *s;
  }
  int offset_minutes = 0;
  char sign = in.peek();
  if (sign == '+' || sign == '-') {
    in.literal(sign);
    auto zone = in.number(4, 4);
    if (!zone) return std::nullopt;
    offset_minutes = (*zone / 100) * 60 + *zone % 100;
    if (sign == '-') offset_minutes = -offset_minutes;
  } else {
    auto zone = in.word();
    if (zone != "GMT" && zone != "UT" && zone != "UTC" && zone != "Z") return std::nullopt;
  }
  if (!in.done()) return std::nullopt;
  year_month_day date{std::chrono::year{*year}, std::chrono::month{*month},
                      std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || *hour > 23 || *minute > 59 || second > 60) return std::nullopt;
  auto local = sys_days{date} + hours{*hour} + minutes{*minute} + seconds{second};
  return db::time_point{local - minutes{offset_minutes}};
}

std::string relay_answer(const actors::call_answer& answer, std::string_view origin) {
  twiml::conversation_relay_answer relay;
  relay.action_url = std::string(origin) + "/voice/action";
  relay.relay_url = websocket_origin(origin) + "/relay";
  relay.welcome_greeting = conversation::call_greeting(answer.greeting, answer.business_name);
  relay.hints = answer.hints;
  relay.parameters.push_back({"locationId", std::to_string(answer.location_id)});
  return twiml::connect_conversation_relay(relay);
}

std::string busy_answer(std::string_view business_name,
                        const std::optional<std::string>& forward_phone) {
  std::string text = business_name.empty()
                         ? std::string("Thanks for calling.")
                         : "Thanks for calling " + std::string(business_name) + ".";
  bool forwarding = forward_phone && !forward_phone->empty();
  text += forwarding ? " All of our lines are busy right now, so I'll put you through to the salon."
                     : " All of our lines are busy right now. Please call back in a few "
                       "minutes. Goodbye.";
  return twiml::busy_answer({text}, forwarding ? std::string_view{*forward_phone} : "");
}

std::string unknown_number_answer() {
  return twiml::busy_answer(
      {"Sorry, this number is not set up to take calls yet. Please try again later. Goodbye."}, "");
}

std::string apology_answer() {
  return twiml::goodbye(
      {"Sorry, we can't take your call right now. Please call back in a few minutes. Goodbye."});
}

std::string after_relay_answer(const actors::after_relay& next) {
  if (next.transfer && next.forward_phone && !next.forward_phone->empty()) {
    std::string text =
        next.message.empty() ? "Please hold while I put you through to the salon." : next.message;
    return twiml::hand_off({text}, {*next.forward_phone});
  }
  if (next.transfer) {
    return twiml::goodbye({next.message.empty() ? "Sorry, I can't put you through right now. "
                                                  "Please call the salon back later. Goodbye."
                                                : next.message});
  }
  if (!next.message.empty()) return twiml::goodbye({next.message});
  return twiml::hangup();
}

}  // namespace salon::net
