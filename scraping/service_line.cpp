#include "scraping/service_line.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "scraping/duration_parser.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr std::size_t max_name_bytes = 90;
constexpr int max_name_words = 10;

// Words a service name does not end with: a name cut off in the middle of a sentence.
constexpr std::array<std::string_view, 26> dangling_words = {
    "is",   "are",  "a",    "an",   "the", "of",   "at",    "for", "to",
    "with", "and",  "or",   "by",   "on",  "in",   "from",  "be",  "per",
    "our",  "your", "only", "just", "was", "will", "costs", "cost"};

// Wording of policies and promotions, not services.
constexpr std::array<std::string_view, 24> policy_words = {"cancel",        "cancellation",
                                                           "cancellations", "no-show",
                                                           "no show",       "no-shows",
                                                           "deposit",       "fee",
                                                           "fees",          "charge",
                                                           "charged",       "gift card",
                                                           "gift cards",    "gift certificate",
                                                           "refund",        "parking",
                                                           "tax",           "gratuity",
                                                           "tip",           "tips",
                                                           "off",           "save",
                                                           "discount",      "late"};

constexpr std::array<std::string_view, 17> sentence_openers = {
    "we",   "our",   "you", "your", "please", "call", "all", "prices", "price",
    "each", "every", "it",  "this", "that",   "they", "if",  "when"};

bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

std::string_view first_word(std::string_view lower) {
  const auto end = lower.find_first_of(" -'");
  return lower.substr(0, end);
}

std::string_view last_word(std::string_view lower) {
  const auto space = lower.find_last_of(' ');
  return space == std::string_view::npos ? lower : lower.substr(space + 1);
}

// Strips separators that join the parts of a line: "— ", ". ", "| ", "(", ")".
std::string_view strip_joiners(std::string_view text) {
  const auto is_joiner_at = [&](std::size_t at) -> std::size_t {
    const char c = text[at];
    if (c == ' ' || c == '.' || c == '-' || c == '|' || c == ':' || c == ',' || c == ';' ||
        c == '(' || c == ')' || c == '/' || c == '*' || c == '\n') {
      return 1;
    }
    const std::string_view three = text.substr(at, 3);
    if (three == "\xE2\x80\x93" || three == "\xE2\x80\x94" || three == "\xE2\x80\xA2" ||
        three == "\xE2\x80\xA6") {
      return 3;
    }
    if (text.substr(at, 2) == "\xC2\xB7" || text.substr(at, 2) == "\xC2\xA0") return 2;
    return 0;
  };
  while (!text.empty()) {
    const std::size_t length = is_joiner_at(0);
    if (length == 0) break;
    text.remove_prefix(length);
  }
  while (!text.empty()) {
    bool stripped = false;
    for (std::size_t length = 1; length <= 3 && length <= text.size(); ++length) {
      if (is_joiner_at(text.size() - length) == length) {
        const char c = text[text.size() - length];
        if (c == '.' || c == ')') break;  // keep a sentence's period and a closing parenthesis
        text.remove_suffix(length);
        stripped = true;
        break;
      }
    }
    if (!stripped) break;
  }
  return text;
}

// "free" or "complimentary" in the place of a price.
std::optional<price_match> find_free_price(std::string_view text) {
  const std::string lower = lower_ascii(text);
  for (const std::string_view word : {"complimentary", "free"}) {
    for (auto at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
      const std::size_t end = at + word.size();
      if (at > 0 && is_alpha(lower[at - 1])) continue;
      if (end < lower.size() && is_alpha(lower[end])) continue;
      const std::string_view after = strip_joiners(std::string_view(text).substr(end));
      const bool ends_line = after.empty() || find_duration(after).has_value();
      if (at == 0 || !ends_line) continue;
      price_match match;
      match.begin = at;
      match.end = end;
      return match;
    }
  }
  return std::nullopt;
}

std::optional<duration_match> duration_outside(std::string_view text, const price_match& price) {
  auto duration = find_duration(text);
  if (duration && duration->begin < price.end && duration->end > price.begin) {
    duration = find_duration(text, price.end);
  }
  return duration;
}

// "Curly Cut (dry cut, diffuse & style)" → name "Curly Cut", note "dry cut, diffuse & style".
void split_parenthetical(service_line& line) {
  if (line.name.size() < 3 || line.name.back() != ')') return;
  const auto open = line.name.rfind('(');
  if (open == std::string::npos || open == 0) return;
  std::string note = line.name.substr(open + 1, line.name.size() - open - 2);
  std::string name = clean_name(line.name.substr(0, open));
  if (name.empty() || note.empty()) return;
  line.name = std::move(name);
  line.description = line.description.empty() ? note : note + ". " + line.description;
}

}  // namespace

bool plausible_service_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_bytes) return false;
  if (std::none_of(name.begin(), name.end(), [](char c) { return is_alpha(c); })) return false;
  const int words = 1 + static_cast<int>(std::count(name.begin(), name.end(), ' '));
  if (words > max_name_words) return false;
  const std::string lower = lower_ascii(name);
  const std::string_view last = last_word(lower);
  for (const auto word : dangling_words) {
    if (last == word) return false;
  }
  for (const auto word : policy_words) {
    if (contains_word(lower, word)) return false;
  }
  const std::string_view first = first_word(lower);
  for (const auto word : sentence_openers) {
    if (first == word) return false;
  }
  return true;
}

std::optional<service_line> parse_service_line(std::string_view line) {
  auto price = find_price(line);
  if (!price) price = find_free_price(line);
  if (!price) return std::nullopt;
  const auto duration = duration_outside(line, *price);

  std::size_t first = price->begin;
  std::size_t last = price->end;
  if (duration) {
    first = std::min(first, duration->begin);
    last = std::max(last, duration->end);
  }
  service_line result;
  result.price = price;
  result.price_text = collapse_spaces(line.substr(price->begin, price->end - price->begin));
  if (duration) result.duration_minutes = duration->minutes;
  result.name = clean_name(line.substr(0, first));
  result.description = collapse_spaces(strip_joiners(line.substr(last)));
  if (result.name.empty()) {
    // The name after the price: "$40 — Men's Haircut — 30 min".
    std::string_view after = line.substr(price->end);
    if (duration && duration->begin > price->end) {
      after = line.substr(price->end, duration->begin - price->end);
    }
    result.name = clean_name(strip_joiners(after));
    if (duration && duration->begin > price->end) {
      result.description = collapse_spaces(strip_joiners(line.substr(duration->end)));
    } else {
      result.description.clear();
    }
  }
  split_parenthetical(result);
  if (!plausible_service_name(result.name)) return std::nullopt;
  return result;
}

std::optional<service_line> parse_price_and_duration(std::string_view text) {
  const auto price = find_price(text);
  std::optional<duration_match> duration =
      price ? duration_outside(text, *price) : find_duration(text);
  if (!price && !duration) return std::nullopt;
  // Everything else must be filler: separators and words such as "Price:" or "Duration".
  std::string rest;
  std::size_t at = 0;
  const auto skip_span = [&](std::size_t begin, std::size_t end) {
    if (at < begin) rest.append(text.substr(at, begin - at));
    rest.push_back(' ');
    at = std::max(at, end);
  };
  if (price && duration && duration->begin < price->begin) {
    skip_span(duration->begin, duration->end);
    skip_span(price->begin, price->end);
  } else {
    if (price) skip_span(price->begin, price->end);
    if (duration) skip_span(duration->begin, duration->end);
  }
  if (at < text.size()) rest.append(text.substr(at));
  const std::string lower = lower_ascii(rest);
  std::string leftover;
  for (const auto& word :
       split_any(lower, {" ", ":", "|", "-", "/", "(", ")", ",", ".", "\xC2\xB7", "\xE2\x80\x93",
                         "\xE2\x80\x94", "\xE2\x80\xA2", "\n"})) {
    static constexpr std::array<std::string_view, 13> filler = {
        "price", "prices",   "cost", "duration", "time",    "approx", "approximately",
        "about", "starting", "at",   "per",      "session", "service"};
    if (std::find(filler.begin(), filler.end(), word) == filler.end()) leftover += word;
  }
  if (!leftover.empty()) return std::nullopt;
  service_line result;
  if (price) {
    result.price = price;
    result.price_text = collapse_spaces(text.substr(price->begin, price->end - price->begin));
  }
  if (duration) result.duration_minutes = duration->minutes;
  return result;
}

}  // namespace salon::scraping
