#include "conversation/token.hpp"

#include <array>
#include <unordered_map>
#include <utility>

namespace salon::conversation {

namespace {

struct number_word {
  std::string_view word;
  int value;
  bool ordinal;
};

constexpr number_word number_words[] = {
    {"zero", 0, false},       {"one", 1, false},        {"two", 2, false},
    {"three", 3, false},      {"four", 4, false},       {"five", 5, false},
    {"six", 6, false},        {"seven", 7, false},      {"eight", 8, false},
    {"nine", 9, false},       {"ten", 10, false},       {"eleven", 11, false},
    {"twelve", 12, false},    {"thirteen", 13, false},  {"fourteen", 14, false},
    {"fifteen", 15, false},   {"sixteen", 16, false},   {"seventeen", 17, false},
    {"eighteen", 18, false},  {"nineteen", 19, false},  {"twenty", 20, false},
    {"thirty", 30, false},    {"forty", 40, false},     {"fourty", 40, false},
    {"fifty", 50, false},     {"first", 1, true},       {"second", 2, true},
    {"third", 3, true},       {"fourth", 4, true},      {"fifth", 5, true},
    {"sixth", 6, true},       {"seventh", 7, true},     {"eighth", 8, true},
    {"ninth", 9, true},       {"tenth", 10, true},      {"eleventh", 11, true},
    {"twelfth", 12, true},    {"thirteenth", 13, true}, {"fourteenth", 14, true},
    {"fifteenth", 15, true},  {"sixteenth", 16, true},  {"seventeenth", 17, true},
    {"eighteenth", 18, true}, {"nineteenth", 19, true}, {"twentieth", 20, true},
    {"thirtieth", 30, true},  {"1st", 1, true},         {"2nd", 2, true},
    {"3rd", 3, true},         {"twelveth", 12, true},   {"forth", 4, true},
    {"fitfh", 5, true},       {"ninteen", 19, false},   {"ninety", 90, false},
    {"sixty", 60, false},     {"seventy", 70, false},   {"eighty", 80, false},
};

const number_word* find_number_word(std::string_view w) {
  static const auto map = [] {
    std::unordered_map<std::string_view, const number_word*> out;
    for (const auto& n : number_words) out.emplace(n.word, &n);
    return out;
  }();
  const auto it = map.find(w);
  return it == map.end() ? nullptr : it->second;
}

bool is_filler(std::string_view w) {
  static constexpr std::string_view fillers[] = {"um",  "umm", "uh",  "uhh", "uhm", "er",
                                                 "erm", "hmm", "hm",  "mm",  "ah",  "eh",
                                                 "ehm", "mmm", "huh", "uhmm"};
  for (auto f : fillers) {
    if (f == w) return true;
  }
  return false;
}

// "like" is a filler unless it follows a word that makes it a verb ("i would like").
bool like_is_verb(std::string_view previous) {
  static constexpr std::string_view before_verb[] = {"would", "id",   "i",     "you", "we",
                                                     "they",  "dont", "didnt", "do",  "really",
                                                     "wed",   "youd", "also",  "she"};
  for (auto b : before_verb) {
    if (b == previous) return true;
  }
  return false;
}

// Common speech-to-text spellings folded into one form.
std::string_view canonical_spelling(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> spellings{{
      {"tomorow", "tomorrow"},
      {"tmrw", "tomorrow"},
      {"tmr", "tomorrow"},
      {"2morrow", "tomorrow"},
      {"tommorow", "tomorrow"},
      {"tommorrow", "tomorrow"},
      {"okay", "ok"},
      {"k", "ok"},
      {"yea", "yeah"},
      {"ya", "yeah"},
      {"thx", "thanks"},
      {"colour", "color"},
      {"colours", "colors"},
      {"coloured", "colored"},
      {"colouring", "coloring"},
      {"oclock", "oclock"},
  }};
  for (const auto& [from, to] : spellings) {
    if (from == w) return to;
  }
  return w;
}

bool is_s_contraction(std::string_view w) {
  static constexpr std::string_view words[] = {"it's",   "that's",  "what's", "there's",
                                               "let's",  "he's",    "she's",  "who's",
                                               "here's", "where's", "how's",  "when's"};
  for (auto x : words) {
    if (x == w) return true;
  }
  return false;
}

bool is_ordinal_suffix(std::string_view s) {
  return s == "st" || s == "nd" || s == "rd" || s == "th";
}

// Lower-cases ASCII, turns everything that is not a letter, digit or a few meaningful marks into
// spaces, and maps typographic apostrophes to plain ones.
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string clean_bytes(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(in[i + 2]) == 0x98 ||
         static_cast<unsigned char>(in[i + 2]) == 0x99)) {
      out.push_back('\'');
      i += 2;
    } else if (c >= 0x80 || c < 0x20 || c == 0x7F) {
      out.push_back(' ');
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (is_alpha(static_cast<char>(c)) || is_digit(static_cast<char>(c))) {
      out.push_back(static_cast<char>(c));
    } else if (c == '\'' || c == ':' || c == '/' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else if (c == '&' || c == '+') {
      out += " and ";
    } else {
      out.push_back(' ');
    }
  }
  return out;
}

// Cleans one whitespace-separated word and splits it into pieces ("3pm" -> "3", "pm").
void split_word(std::string_view word, std::vector<std::string>& pieces) {
  // "p.m." and "a.m." lose their dots; "3.30" becomes "3:30"; other dots end a sentence.
  std::string w;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if (c == '.') {
      const bool digits_around =
          i > 0 && i + 1 < word.size() && is_digit(word[i - 1]) && is_digit(word[i + 1]);
      if (digits_around) w.push_back(':');
      continue;
    }
    w.push_back(c);
  }
  // Possessives and contractions: "women's" -> "women", "kids'" -> "kids", "don't" -> "dont",
  // but "that's" -> "thats" and "it's" -> "its", which read as their own words.
  if (w.size() > 2 && w.ends_with("'s") && !is_s_contraction(w)) w.resize(w.size() - 2);
  std::erase(w, '\'');
  while (!w.empty() && (w.back() == ':' || w.back() == '/')) w.pop_back();
  while (!w.empty() && (w.front() == ':' || w.front() == '/')) w.erase(w.begin());
  if (w.empty()) return;

  // Split digit runs from letter runs, keeping "3rd" and "3:30" whole.
  std::size_t i = 0;
  while (i < w.size()) {
    std::size_t j = i;
    if (is_digit(w[i])) {
      while (j < w.size() && (is_digit(w[j]) || w[j] == ':' || w[j] == '/')) ++j;
      if (j + 2 <= w.size() && is_ordinal_suffix(std::string_view{w}.substr(j, 2)) &&
          (j + 2 == w.size() || !is_alpha(w[j + 2]))) {
        j += 2;
      }
    } else {
      while (j < w.size() && !is_digit(w[j])) ++j;
    }
    pieces.push_back(w.substr(i, j - i));
    i = j;
  }
}

int parse_int(std::string_view s) {
  if (s.empty() || s.size() > 6) return -1;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

token make_token(std::string_view piece) {
  token t;
  t.text = std::string{canonical_spelling(piece)};
  if (const int v = parse_int(t.text); v >= 0) {
    t.number = v;
  } else if (t.text.size() > 2 &&
             is_ordinal_suffix(std::string_view{t.text}.substr(t.text.size() - 2)) &&
             parse_int(std::string_view{t.text}.substr(0, t.text.size() - 2)) >= 0) {
    t.number = parse_int(std::string_view{t.text}.substr(0, t.text.size() - 2));
    t.ordinal = true;
  } else if (const auto* n = find_number_word(t.text); n != nullptr) {
    t.number = n->value;
    t.ordinal = n->ordinal;
    t.spelled = n->word.front() < '0' || n->word.front() > '9';
  }
  return t;
}

// "twenty five" -> 25, "thirty first" -> 31st. Leaves "three thirty" alone (a time).
void join_compound_numbers(std::vector<token>& tokens) {
  std::vector<token> out;
  out.reserve(tokens.size());
  for (auto& t : tokens) {
    if (!out.empty()) {
      auto& prev = out.back();
      const bool tens = prev.spelled && !prev.ordinal && prev.number >= 20 && prev.number <= 90 &&
                        prev.number % 10 == 0;
      if (tens && t.spelled && t.number >= 1 && t.number <= 9) {
        prev.number += t.number;
        prev.ordinal = t.ordinal;
        prev.text = std::to_string(prev.number);
        continue;
      }
    }
    out.push_back(std::move(t));
  }
  tokens = std::move(out);
}

}  // namespace

std::vector<token> tokenize(std::string_view utterance) {
  if (utterance.size() > max_utterance_bytes) utterance = utterance.substr(0, max_utterance_bytes);
  const std::string cleaned = clean_bytes(utterance);

  std::vector<std::string> pieces;
  std::size_t i = 0;
  while (i < cleaned.size()) {
    while (i < cleaned.size() && cleaned[i] == ' ') ++i;
    std::size_t j = i;
    while (j < cleaned.size() && cleaned[j] != ' ') ++j;
    if (j > i) split_word(std::string_view{cleaned}.substr(i, j - i), pieces);
    i = j;
  }

  std::vector<token> tokens;
  tokens.reserve(pieces.size());
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const auto& p = pieces[k];
    if (is_filler(p)) continue;
    if (p == "like" && (tokens.empty() || !like_is_verb(tokens.back().text))) continue;
    // "p m" and "a m" after a number are "pm" and "am"; "o clock" is "oclock".
    if ((p == "p" || p == "a") && k + 1 < pieces.size() && pieces[k + 1] == "m" &&
        !tokens.empty() && tokens.back().number >= 0) {
      tokens.push_back(make_token(p == "p" ? "pm" : "am"));
      ++k;
      continue;
    }
    if (p == "o" && k + 1 < pieces.size() && pieces[k + 1] == "clock") {
      tokens.push_back(make_token("oclock"));
      ++k;
      continue;
    }
    if (p == "re" && k + 1 < pieces.size() && pieces[k + 1] == "schedule") {
      tokens.push_back(make_token("reschedule"));
      ++k;
      continue;
    }
    tokens.push_back(make_token(p));
  }
  join_compound_numbers(tokens);
  return tokens;
}

}  // namespace salon::conversation
