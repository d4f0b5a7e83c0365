#include "scraping/price_parser.hpp"

#include <array>
#include <cctype>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

struct amount {
  std::int64_t cents = 0;
  std::size_t end = 0;
};

// Digits with optional thousands commas and up to two decimals: "1,200", "49.99", "65".
std::optional<amount> read_amount(std::string_view text, std::size_t at) {
  if (at >= text.size() || !is_digit(text[at])) return std::nullopt;
  std::int64_t whole = 0;
  int digits = 0;
  std::size_t i = at;
  const auto digit_at = [&](std::size_t j) { return j < text.size() && is_digit(text[j]); };
  while (i < text.size()) {
    if (is_digit(text[i])) {
      if (++digits > 9) return std::nullopt;
      whole = whole * 10 + (text[i] - '0');
      ++i;
    } else if (text[i] == ',' && digit_at(i + 1) && digit_at(i + 2) && digit_at(i + 3) &&
               !digit_at(i + 4)) {
      ++i;  // thousands separator
    } else {
      break;
    }
  }
  std::int64_t cents = whole * 100;
  if (i + 1 < text.size() && (text[i] == '.' || text[i] == ',') && is_digit(text[i + 1])) {
    const bool two = digit_at(i + 2);
    if (!digit_at(i + (two ? 3 : 2))) {
      cents += (text[i + 1] - '0') * 10 + (two ? text[i + 2] - '0' : 0);
      i += two ? 3 : 2;
    }
  }
  return amount{cents, i};
}

struct currency_symbol {
  std::string_view text;
  std::string_view code;
};

// Longer spellings first so "US$" wins over "$".
constexpr std::array<currency_symbol, 11> prefix_symbols = {{
    {"US$", "USD"},
    {"CA$", "CAD"},
    {"AU$", "AUD"},
    {"NZ$", "NZD"},
    {"C$", "CAD"},
    {"A$", "AUD"},
    {"$", "USD"},
    {"\xC2\xA3", "GBP"},
    {"\xE2\x82\xAC", "EUR"},
    {"USD", "USD"},
    {"EUR", "EUR"},
}};

constexpr std::array<currency_symbol, 9> suffix_words = {{
    {"dollars", "USD"},
    {"dollar", "USD"},
    {"usd", "USD"},
    {"bucks", "USD"},
    {"\xE2\x82\xAC", "EUR"},
    {"euros", "EUR"},
    {"eur", "EUR"},
    {"\xC2\xA3", "GBP"},
    {"gbp", "GBP"},
}};

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    if (text[at] == ' ' || text[at] == '\t' || text[at] == '\n') {
      ++at;
    } else if (text.substr(at, 2) == "\xC2\xA0") {
      at += 2;
    } else {
      break;
    }
  }
  return at;
}

// A currency symbol starting at `at`: its code and where the amount may start.
std::optional<std::pair<std::string_view, std::size_t>> read_prefix_symbol(std::string_view text,
                                                                           std::size_t at) {
  for (const auto& symbol : prefix_symbols) {
    if (text.substr(at, symbol.text.size()) != symbol.text) continue;
    const bool letters = std::isalpha(static_cast<unsigned char>(symbol.text.front())) != 0;
    if (letters && at > 0 && is_alnum(text[at - 1])) continue;
    const std::size_t after = skip_spaces(text, at + symbol.text.size());
    if (after < text.size() && is_digit(text[after])) return std::pair{symbol.code, after};
  }
  return std::nullopt;
}

std::optional<std::string_view> read_suffix_word(std::string_view text, std::size_t at,
                                                 std::size_t& end) {
  const std::size_t start = skip_spaces(text, at);
  const std::string lower = lower_ascii(text.substr(start, 8));
  for (const auto& word : suffix_words) {
    if (lower.substr(0, word.text.size()) != word.text) continue;
    const std::size_t after = start + word.text.size();
    const bool letters = std::isalpha(static_cast<unsigned char>(word.text.front())) != 0;
    if (letters && after < text.size() && is_alnum(text[after])) continue;
    end = after;
    return word.code;
  }
  return std::nullopt;
}

// Dashes and words that join the two ends of a range; returns where the second end may start.
std::optional<std::size_t> read_range_separator(std::string_view text, std::size_t at) {
  std::size_t i = skip_spaces(text, at);
  constexpr std::array<std::string_view, 8> separators = {
      "-", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x91", "\xE2\x80\x90", "~", "to ", "TO "};
  for (const auto separator : separators) {
    if (text.substr(i, separator.size()) == separator) {
      return skip_spaces(text, i + separator.size());
    }
  }
  return std::nullopt;
}

bool followed_by_duration_unit(std::string_view text, std::size_t at) {
  const std::size_t start = skip_spaces(text, at);
  const std::string lower = lower_ascii(text.substr(start, 6));
  for (const std::string_view unit : {"min", "hr", "hour", "h ", "m "}) {
    if (lower.substr(0, unit.size()) == unit) return true;
  }
  return lower == "h" || lower == "m";
}

// "from", "starting at", ... right before the price; returns where that wording starts.
std::optional<std::size_t> from_wording_before(std::string_view text, std::size_t begin) {
  std::size_t end = begin;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == ':')) --end;
  const std::size_t window_start = end > 24 ? end - 24 : 0;
  const std::string window = lower_ascii(text.substr(window_start, end - window_start));
  constexpr std::array<std::string_view, 8> wordings = {"starting from", "starting at", "starts at",
                                                        "start at",      "as low as",   "from only",
                                                        "from",          "starting"};
  for (const auto wording : wordings) {
    if (window.size() < wording.size()) continue;
    if (window.compare(window.size() - wording.size(), wording.size(), wording) != 0) continue;
    const std::size_t at = window_start + window.size() - wording.size();
    if (at > 0 && is_alnum(text[at - 1])) continue;
    return at;
  }
  return std::nullopt;
}

// "+", "and up", "& up", "or more" right after the price; returns the end of that wording.
std::optional<std::size_t> open_ended_wording_after(std::string_view text, std::size_t end) {
  const std::size_t at = skip_spaces(text, end);
  if (at < text.size() && text[at] == '+') {
    const std::size_t after = skip_spaces(text, at + 1);
    if (lower_ascii(text.substr(after, 2)) == "up") return after + 2;
    return at + 1;
  }
  const std::string lower = lower_ascii(text.substr(at, 10));
  for (const std::string_view wording : {"and up", "& up", "or more", "and over", "& over"}) {
    if (lower.substr(0, wording.size()) == wording &&
        (at + wording.size() >= text.size() || !is_alnum(text[at + wording.size()]))) {
      return at + wording.size();
    }
  }
  return std::nullopt;
}

std::optional<price_match> price_at(std::string_view text, std::size_t at) {
  price_match match;
  match.begin = at;
  std::optional<amount> low;
  bool had_symbol = false;
  if (const auto symbol = read_prefix_symbol(text, at)) {
    match.currency = std::string(symbol->first);
    low = read_amount(text, symbol->second);
    had_symbol = true;
  } else if (is_digit(text[at]) &&
             (at == 0 || (!is_alnum(text[at - 1]) && text[at - 1] != '.' && text[at - 1] != ','))) {
    low = read_amount(text, at);
    if (!low) return std::nullopt;
    std::size_t word_end = 0;
    const auto code = read_suffix_word(text, low->end, word_end);
    if (!code) return std::nullopt;
    match.currency = std::string(*code);
    low->end = word_end;
  }
  if (!low) return std::nullopt;
  match.cents = low->cents;
  match.end = low->end;

  if (const auto open_end = open_ended_wording_after(text, match.end)) {
    match.is_from = true;
    match.end = *open_end;
  } else if (const auto second = read_range_separator(text, match.end)) {
    std::size_t amount_at = *second;
    bool second_symbol = false;
    if (const auto symbol = read_prefix_symbol(text, amount_at)) {
      amount_at = symbol->second;
      second_symbol = true;
    }
    const auto high = read_amount(text, amount_at);
    const bool plausible = high && high->cents > match.cents &&
                           (second_symbol || !followed_by_duration_unit(text, high->end)) &&
                           (second_symbol || had_symbol);
    if (plausible) {
      match.max_cents = high->cents;
      match.end = high->end;
      std::size_t word_end = 0;
      if (!second_symbol && read_suffix_word(text, match.end, word_end)) match.end = word_end;
      if (const auto open_end = open_ended_wording_after(text, match.end)) {
        match.is_from = true;
        match.end = *open_end;
      }
    }
  }
  if (const auto wording = from_wording_before(text, match.begin)) {
    match.is_from = true;
    match.begin = *wording;
  }
  return match;
}

}  // namespace

std::optional<price_match> find_price(std::string_view text, std::size_t from) {
  for (std::size_t at = from; at < text.size(); ++at) {
    const char c = text[at];
    // Only digits and the first bytes of currency symbols can start a price.
    const bool may_start = is_digit(c) || c == '$' || c == 'U' || c == 'C' || c == 'A' ||
                           c == 'N' || c == 'E' || c == '\xC2' || c == '\xE2';
    if (!may_start) continue;
    if (auto match = price_at(text, at)) return match;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_amount_cents(std::string_view text) {
  std::size_t at = skip_spaces(text, 0);
  if (const auto symbol = read_prefix_symbol(text, at)) at = symbol->second;
  const auto value = read_amount(text, at);
  if (!value) return std::nullopt;
  std::size_t end = skip_spaces(text, value->end);
  std::size_t word_end = 0;
  if (end < text.size() && read_suffix_word(text, end, word_end)) end = skip_spaces(text, word_end);
  if (end != text.size()) return std::nullopt;
  return value->cents;
}

}  // namespace salon::scraping
