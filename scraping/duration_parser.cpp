#include "scraping/duration_parser.hpp"

#include <array>
#include <cctype>
#include <string>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

constexpr int max_minutes = 24 * 60;

// A number in tenths, so "2.5" hours reads exactly: "2.5" → 25.
struct number {
  int tenths = 0;
  std::size_t end = 0;
};

std::optional<number> read_number(std::string_view text, std::size_t at) {
  if (at >= text.size() || !is_digit(text[at])) return std::nullopt;
  int whole = 0;
  std::size_t i = at;
  while (i < text.size() && is_digit(text[i])) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > 10000) return std::nullopt;
    ++i;
  }
  int tenths = whole * 10;
  if (i + 1 < text.size() && (text[i] == '.' || text[i] == ',') && is_digit(text[i + 1])) {
    tenths += text[i + 1] - '0';
    i += 2;
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  return number{tenths, i};
}

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n')) ++at;
  if (text.substr(at, 2) == "\xC2\xA0") return skip_spaces(text, at + 2);
  return at;
}

enum class unit { hours, minutes };

struct unit_word {
  std::string_view text;
  unit kind;
  bool needs_attachment;  // "h" and "m" count only right after the number ("1h30", "90m")
};

constexpr std::array<unit_word, 12> unit_words = {{
    {"minutes", unit::minutes, false},
    {"minute", unit::minutes, false},
    {"mins", unit::minutes, false},
    {"min", unit::minutes, false},
    {"mn", unit::minutes, true},
    {"m", unit::minutes, true},
    {"hours", unit::hours, false},
    {"hour", unit::hours, false},
    {"hrs", unit::hours, false},
    {"hr", unit::hours, false},
    {"hs", unit::hours, true},
    {"h", unit::hours, true},
}};

struct unit_read {
  unit kind;
  std::size_t end;
};

std::optional<unit_read> read_unit(std::string_view text, std::size_t number_end) {
  const std::size_t at = skip_spaces(text, number_end);
  const bool attached = at == number_end;
  const std::string lower = lower_ascii(text.substr(at, 8));
  for (const auto& word : unit_words) {
    if (word.needs_attachment && !attached) continue;
    if (lower.substr(0, word.text.size()) != word.text) continue;
    std::size_t end = at + word.text.size();
    // "1h30" continues with a digit; any other letter means another word ("12 months").
    if (end < text.size() && is_alpha(text[end])) continue;
    if (end < text.size() && text[end] == '.') ++end;  // "min."
    return unit_read{word.kind, end};
  }
  return std::nullopt;
}

int to_minutes(int tenths, unit kind) {
  return kind == unit::hours ? tenths * 6 : (tenths + 5) / 10;
}

std::optional<std::size_t> read_range_separator(std::string_view text, std::size_t at) {
  const std::size_t i = skip_spaces(text, at);
  for (const std::string_view separator :
       {"-", "\xE2\x80\x93", "\xE2\x80\x94", "to ", "or ", "~", "/"}) {
    if (text.substr(i, separator.size()) == separator) {
      return skip_spaces(text, i + separator.size());
    }
  }
  return std::nullopt;
}

std::optional<duration_match> duration_at(std::string_view text, std::size_t at) {
  if (at > 0 && (is_alnum(text[at - 1]) || text[at - 1] == '.' || text[at - 1] == '$' ||
                 text[at - 1] == ',')) {
    return std::nullopt;
  }
  const auto first = read_number(text, at);
  if (!first) return std::nullopt;
  // "45-60 min", "1-2 hours": the unit follows the second number.
  if (const auto second_at = read_range_separator(text, first->end)) {
    if (const auto second = read_number(text, *second_at)) {
      if (const auto kind = read_unit(text, second->end); kind && second->tenths > first->tenths) {
        const int minutes = to_minutes(second->tenths, kind->kind);
        if (minutes <= 0 || minutes > max_minutes) return std::nullopt;
        return duration_match{at, kind->end, minutes};
      }
    }
  }
  const auto first_unit = read_unit(text, first->end);
  if (!first_unit) return std::nullopt;
  int minutes = to_minutes(first->tenths, first_unit->kind);
  std::size_t end = first_unit->end;
  if (first_unit->kind == unit::hours) {
    // "1 hr 30 min", "1h30", "1 hour and 15 minutes".
    std::size_t next = skip_spaces(text, end);
    if (lower_ascii(text.substr(next, 4)) == "and ") next = skip_spaces(text, next + 4);
    if (lower_ascii(text.substr(next, 2)) == "& ") next = skip_spaces(text, next + 2);
    if (const auto rest = read_number(text, next); rest && rest->tenths % 10 == 0) {
      const auto rest_unit = read_unit(text, rest->end);
      const bool bare_after_h = !rest_unit && next == end && rest->tenths < 600;
      if ((rest_unit && rest_unit->kind == unit::minutes) || bare_after_h) {
        minutes += rest->tenths / 10;
        end = rest_unit ? rest_unit->end : rest->end;
      }
    }
  }
  if (minutes <= 0 || minutes > max_minutes) return std::nullopt;
  return duration_match{at, end, minutes};
}

}  // namespace

std::optional<duration_match> find_duration(std::string_view text, std::size_t from) {
  for (std::size_t at = from; at < text.size(); ++at) {
    if (!is_digit(text[at])) continue;
    if (auto match = duration_at(text, at)) return match;
    while (at + 1 < text.size() && is_digit(text[at + 1])) ++at;
  }
  return std::nullopt;
}

std::optional<int> parse_iso8601_duration(std::string_view text) {
  const std::string upper = [&] {
    std::string s(text);
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }();
  if (upper.empty() || upper.front() != 'P') return std::nullopt;
  bool in_time = false;
  long total_seconds = 0;
  long value = 0;
  bool have_digits = false;
  bool any_part = false;
  for (std::size_t i = 1; i < upper.size(); ++i) {
    const char c = upper[i];
    if (is_digit(c)) {
      value = value * 10 + (c - '0');
      if (value > 100000) return std::nullopt;
      have_digits = true;
      continue;
    }
    if (c == 'T') {
      in_time = true;
      continue;
    }
    if (!have_digits) return std::nullopt;
    if (c == 'D' && !in_time) {
      total_seconds += value * 86400;
    } else if (c == 'H' && in_time) {
      total_seconds += value * 3600;
    } else if (c == 'M' && in_time) {
      total_seconds += value * 60;
    } else if (c == 'S' && in_time) {
      total_seconds += value;
    } else {
      return std::nullopt;
    }
    any_part = true;
    value = 0;
    have_digits = false;
  }
  if (!any_part || have_digits) return std::nullopt;
  const long minutes = (total_seconds + 59) / 60;
  if (minutes <= 0 || minutes > max_minutes) return std::nullopt;
  return static_cast<int>(minutes);
}

}  // namespace salon::scraping
