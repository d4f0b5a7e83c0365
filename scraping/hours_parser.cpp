#include "scraping/hours_parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

constexpr int minutes_per_day = 24 * 60;

struct day_name {
  std::string_view text;
  int day;
  bool two_letter;
};

constexpr std::array<day_name, 25> day_names = {{
    {"sunday", 0, false}, {"sun", 0, false}, {"su", 0, true},         {"monday", 1, false},
    {"mon", 1, false},    {"mo", 1, true},   {"tuesday", 2, false},   {"tues", 2, false},
    {"tue", 2, false},    {"tu", 2, true},   {"wednesday", 3, false}, {"weds", 3, false},
    {"wed", 3, false},    {"we", 3, true},   {"thursday", 4, false},  {"thurs", 4, false},
    {"thur", 4, false},   {"thu", 4, false}, {"th", 4, true},         {"friday", 5, false},
    {"fri", 5, false},    {"fr", 5, true},   {"saturday", 6, false},  {"sat", 6, false},
    {"sa", 6, true},
}};

constexpr std::uint8_t every_day = 0x7F;
constexpr std::uint8_t monday_to_friday = 0x3E;
constexpr std::uint8_t weekend = 0x41;

enum class token_kind { day, day_group, time, dash, separator, closed, word };

struct token {
  token_kind kind = token_kind::word;
  int day = 0;                // day
  std::uint8_t group = 0;     // day_group, bit 0 = Sunday: "daily", "weekdays", "weekends"
  int minute = 0;             // time
  bool has_meridiem = false;  // time: "am"/"pm" written
  bool is_midnight = false;   // time: "midnight" or "12am"
};

std::optional<int> day_from_word(std::string_view lower_word, bool two_letter) {
  std::string_view word = lower_word;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& name : day_names) {
      if (name.two_letter && !two_letter) continue;
      if (name.text == word) return name.day;
    }
    // Plurals: "Sundays", "Mondays".
    if (word.size() > 6 && word.back() == 's') {
      word.remove_suffix(1);
    } else {
      break;
    }
  }
  return std::nullopt;
}

// Reads "10am", "9:00 AM", "19:00", "7 p.m.", "10a" starting at a digit.
std::optional<token> read_time(std::string_view text, std::size_t& at) {
  std::size_t i = at;
  int hour = 0;
  int digits = 0;
  while (i < text.size() && is_digit(text[i])) {
    hour = hour * 10 + (text[i] - '0');
    ++digits;
    ++i;
  }
  if (digits > 2 || hour > 24) return std::nullopt;
  int minute = 0;
  if (i + 2 < text.size() && (text[i] == ':' || text[i] == '.') && is_digit(text[i + 1]) &&
      is_digit(text[i + 2])) {
    minute = (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
    if (minute >= 60) return std::nullopt;
    i += 3;
    if (i + 2 < text.size() && text[i] == ':' && is_digit(text[i + 1]) && is_digit(text[i + 2])) {
      i += 3;  // seconds, as in "09:00:00"
    }
  }
  if (i < text.size() && is_digit(text[i])) return std::nullopt;
  std::size_t after = i;
  while (after < text.size() && text[after] == ' ') ++after;
  const std::string lower = lower_ascii(text.substr(after, 4));
  token time;
  time.kind = token_kind::time;
  bool am = false;
  bool pm = false;
  std::size_t meridiem_length = 0;
  if (lower.rfind("a.m.", 0) == 0 || lower.rfind("p.m.", 0) == 0) {
    meridiem_length = 4;
  } else if (lower.rfind("am", 0) == 0 || lower.rfind("pm", 0) == 0) {
    meridiem_length = 2;
  } else if (after == i && (lower.rfind('a', 0) == 0 || lower.rfind('p', 0) == 0)) {
    meridiem_length = 1;
  }
  if (meridiem_length > 0) {
    const std::size_t end = after + meridiem_length;
    if (meridiem_length < 4 && end < text.size() && is_alpha(text[end])) {
      meridiem_length = 0;
    } else {
      am = lower.front() == 'a';
      pm = lower.front() == 'p';
      i = end;
    }
  }
  if ((am || pm) && (hour == 0 || hour > 12)) return std::nullopt;
  if (hour == 24 && minute != 0) return std::nullopt;
  time.has_meridiem = am || pm;
  if (pm && hour < 12) hour += 12;
  if (am && hour == 12) {
    hour = 0;
    time.is_midnight = minute == 0;
  }
  time.minute = hour * 60 + minute;
  at = i;
  return time;
}

std::vector<token> tokenize(std::string_view text, bool two_letter_days) {
  std::vector<token> tokens;
  const auto push = [&](token_kind kind) {
    // A run of separators means no more than one.
    if (kind == token_kind::separator && !tokens.empty() &&
        tokens.back().kind == token_kind::separator) {
      return;
    }
    token t;
    t.kind = kind;
    tokens.push_back(t);
  };
  std::size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++at;
    } else if (c == '\n') {
      push(token_kind::separator);
      ++at;
    } else if (is_digit(c)) {
      std::size_t next = at;
      if (auto time = read_time(text, next)) {
        tokens.push_back(*time);
        at = next;
      } else {
        while (at < text.size() && (is_digit(text[at]) || is_alpha(text[at]))) ++at;
        push(token_kind::word);
      }
    } else if (is_alpha(c)) {
      std::size_t end = at;
      while (end < text.size() && is_alpha(text[end])) ++end;
      const std::string word = lower_ascii(text.substr(at, end - at));
      if (end < text.size() && text[end] == '.' && day_from_word(word, two_letter_days)) {
        ++end;  // "Mon."
      }
      at = end;
      if (const auto day = day_from_word(word, two_letter_days)) {
        token t;
        t.kind = token_kind::day;
        t.day = *day;
        tokens.push_back(t);
      } else if (word == "daily" || word == "everyday") {
        token t;
        t.kind = token_kind::day_group;
        t.group = every_day;
        tokens.push_back(t);
      } else if (word == "weekdays") {
        token t;
        t.kind = token_kind::day_group;
        t.group = monday_to_friday;
        tokens.push_back(t);
      } else if (word == "weekends" || word == "weekend") {
        token t;
        t.kind = token_kind::day_group;
        t.group = weekend;
        tokens.push_back(t);
      } else if (word == "closed") {
        push(token_kind::closed);
      } else if (word == "noon") {
        token t;
        t.kind = token_kind::time;
        t.minute = 12 * 60;
        t.has_meridiem = true;
        tokens.push_back(t);
      } else if (word == "midnight") {
        token t;
        t.kind = token_kind::time;
        t.minute = 0;
        t.has_meridiem = true;
        t.is_midnight = true;
        tokens.push_back(t);
      } else if (word == "to" || word == "until" || word == "till" || word == "til" ||
                 word == "thru" || word == "through") {
        push(token_kind::dash);
      } else if (word == "and") {
        push(token_kind::separator);
      } else if ((word == "days" && !tokens.empty() && tokens.back().kind == token_kind::time &&
                  tokens.back().minute == 7 * 60 && !tokens.back().has_meridiem) ||
                 (word == "days" && !tokens.empty() && tokens.back().kind == token_kind::word &&
                  at >= 10 && lower_ascii(text.substr(at - 10, 10)) == "seven days")) {
        tokens.back().kind = token_kind::day_group;  // "7 days a week"
        tokens.back().group = every_day;
      } else if (word == "every" && !tokens.empty()) {
        push(token_kind::word);
      } else if (word == "day" && !tokens.empty() && tokens.back().kind == token_kind::word) {
        tokens.back().kind = token_kind::day_group;  // "every day"
        tokens.back().group = every_day;
      } else {
        push(token_kind::word);
      }
    } else if (c == '-' || c == '~') {
      push(token_kind::dash);
      ++at;
    } else if (c == ':') {
      ++at;  // "Tuesday - Saturday: 9:00 AM" — the colon only introduces the times
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      const std::string_view rest = text.substr(at, 3);
      // en dash, em dash, non-breaking hyphen, hyphen, minus
      if (rest == "\xE2\x80\x93" || rest == "\xE2\x80\x94" || rest == "\xE2\x80\x91" ||
          rest == "\xE2\x80\x90" || rest == "\xE2\x88\x92") {
        push(token_kind::dash);
        at += 3;
      } else {
        if (tokens.empty() || tokens.back().kind != token_kind::separator) {
          push(token_kind::separator);
        }
        ++at;
        while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
      }
    } else {
      push(token_kind::separator);  // , ; | / & . + ( ) and the rest
      ++at;
    }
  }
  return tokens;
}

// Fills in am/pm where people leave it out: "10–7" is 10:00–19:00, "1–5pm" is 13:00–17:00.
std::optional<std::pair<int, int>> resolve_span(const token& opens, const token& closes) {
  int open = opens.minute;
  int close = closes.is_midnight ? minutes_per_day : closes.minute;
  if (!opens.has_meridiem && closes.has_meridiem && open < 12 * 60 && !closes.is_midnight) {
    const int afternoon = open + 12 * 60;
    if (close >= 12 * 60 && afternoon < close) open = afternoon;
  }
  if (!closes.has_meridiem && close <= open && close < 12 * 60 && close + 12 * 60 > open) {
    close += 12 * 60;
  }
  if (close == 0) close = minutes_per_day;
  if (open >= close || close > minutes_per_day) return std::nullopt;
  return std::pair{open, close};
}

weekly_hours parse_tokens(const std::vector<token>& tokens) {
  weekly_hours hours;
  std::vector<int> days;  // the day set being described
  bool assigned = false;  // the day set already has its times
  bool closing = false;   // "closed" came before the day set ("closed Sundays and Mondays")
  int filler_words = 0;
  std::optional<int> range_from;  // a day followed by a dash

  const auto add_day = [&](int day) {
    for (const int known : days) {
      if (known == day) return;
    }
    days.push_back(day);
  };
  const auto start_day_set = [&] {
    if (assigned || filler_words > 0) {
      days.clear();
      assigned = false;
    }
    filler_words = 0;
  };
  const auto close_days = [&] {
    for (const int day : days) hours.days[static_cast<std::size_t>(day)] = day_hours{true, 0, 0};
  };

  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const token& t = tokens[i];
    switch (t.kind) {
      case token_kind::day: {
        if (range_from && !days.empty() && !assigned) {
          for (int day = *range_from; day != t.day; day = (day + 1) % 7) add_day(day);
          add_day(t.day);
          range_from.reset();
          break;
        }
        start_day_set();
        add_day(t.day);
        const bool dash_follows = i + 1 < tokens.size() && tokens[i + 1].kind == token_kind::dash;
        const bool day_after_dash = i + 2 < tokens.size() && tokens[i + 2].kind == token_kind::day;
        if (dash_follows && day_after_dash) {
          range_from = t.day;
          ++i;  // the dash
        }
        break;
      }
      case token_kind::day_group:
        start_day_set();
        for (int day = 0; day < 7; ++day) {
          if ((t.group >> day) & 1) add_day(day);
        }
        break;
      case token_kind::time: {
        const bool span = i + 2 < tokens.size() && tokens[i + 1].kind == token_kind::dash &&
                          tokens[i + 2].kind == token_kind::time;
        if (!span || days.empty()) {
          if (span) i += 2;
          break;
        }
        closing = false;  // "closed on holidays. Mon 9-5": the times belong to an open day
        const auto resolved = resolve_span(t, tokens[i + 2]);
        i += 2;
        if (!resolved) break;
        for (const int day : days) {
          auto& slot = hours.days[static_cast<std::size_t>(day)];
          if (assigned && slot && !slot->closed) {
            // A second span after a midday break ("9-12, 1-5"): read "1-5" as afternoon.
            int later_close = resolved->second;
            if (!t.has_meridiem && resolved->first < slot->closes_minute &&
                later_close + 12 * 60 <= minutes_per_day) {
              later_close += 12 * 60;
            }
            slot->closes_minute = std::max(slot->closes_minute, later_close);
          } else {
            slot = day_hours{false, resolved->first, resolved->second};
          }
        }
        assigned = true;
        filler_words = 0;
        break;
      }
      case token_kind::closed:
        if (!days.empty() && !assigned && filler_words == 0) {
          close_days();
          assigned = true;
        } else {
          days.clear();
          assigned = false;
          closing = true;
          filler_words = 0;
        }
        break;
      case token_kind::dash:
        break;
      case token_kind::separator:
        if (closing && !days.empty()) {
          // "closed Sundays and Mondays": keep collecting until the day set ends.
          const bool more_days =
              i + 1 < tokens.size() && (tokens[i + 1].kind == token_kind::day ||
                                        tokens[i + 1].kind == token_kind::separator);
          if (!more_days) {
            close_days();
            days.clear();
            closing = false;
          }
        }
        break;
      case token_kind::word:
        if (closing) {
          if (!days.empty()) {
            close_days();
            days.clear();
            closing = false;
          } else if (++filler_words > 2) {
            closing = false;
          }
          break;
        }
        if (++filler_words > 3 && !assigned) days.clear();
        break;
    }
  }
  if (closing && !days.empty()) close_days();
  return hours;
}

}  // namespace

weekly_hours parse_opening_hours_text(std::string_view text) {
  return parse_tokens(tokenize(text, false));
}

weekly_hours parse_schema_opening_hours(std::string_view text) {
  return parse_tokens(tokenize(text, true));
}

std::optional<int> weekday_from_name(std::string_view name, bool two_letter) {
  const auto slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '.')) name.remove_suffix(1);
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  return day_from_word(lower_ascii(name), two_letter);
}

std::optional<int> parse_clock(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size() && text[at] == ' ') ++at;
  if (at >= text.size() || !is_digit(text[at])) return std::nullopt;
  const auto time = read_time(text, at);
  while (at < text.size() && text[at] == ' ') ++at;
  if (!time || at != text.size()) return std::nullopt;
  return time->minute;
}

std::string clock_text(int minute_of_day) {
  const int hour = minute_of_day / 60;
  const int minute = minute_of_day % 60;
  std::string out;
  out.push_back(static_cast<char>('0' + hour / 10));
  out.push_back(static_cast<char>('0' + hour % 10));
  out.push_back(':');
  out.push_back(static_cast<char>('0' + minute / 10));
  out.push_back(static_cast<char>('0' + minute % 10));
  return out;
}

std::string_view weekday_key(int day) {
  static constexpr std::array<std::string_view, 7> keys = {"sun", "mon", "tue", "wed",
                                                           "thu", "fri", "sat"};
  return keys[static_cast<std::size_t>(((day % 7) + 7) % 7)];
}

std::string describe_hours(const weekly_hours& hours) {
  std::string out;
  for (int day = 0; day < 7; ++day) {
    const auto& slot = hours.days[static_cast<std::size_t>(day)];
    if (!slot) continue;
    if (!out.empty()) out += ", ";
    std::string name(weekday_key(day));
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    out += name;
    out += slot->closed
               ? " closed"
               : " " + clock_text(slot->opens_minute) + "-" + clock_text(slot->closes_minute);
  }
  return out;
}

}  // namespace salon::scraping
