#include "scraping/text_cleaning.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <utility>

#include "config/utf8.hpp"

namespace salon::scraping {
namespace {

namespace utf8 = config::utf8;

bool is_space_code_point(char32_t c) {
  return c == U'\t' || c == U'\n' || c == U'\v' || c == U'\f' || c == U'\r' || c == U' ' ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_invisible_code_point(char32_t c) {
  return c == 0xAD || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF;
}

bool is_line_break(char32_t c) {
  return c == U'\n' || c == U'\r' || c == 0x2028 || c == 0x2029;
}

// ASCII spellings of U+00C0..U+00FF, for folding accents in keys ("Tomás" == "tomas").
constexpr std::array<const char*, 64> latin1_folds = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "y"};

// windows-1252 code points for bytes 0x80..0x9F (browsers read ISO-8859-1 pages this way).
constexpr std::array<char32_t, 32> cp1252_high = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

struct named_entity {
  std::string_view name;
  char32_t code_point;
};

constexpr std::array<named_entity, 49> common_entities = {{
    {"amp", U'&'},      {"lt", U'<'},      {"gt", U'>'},      {"quot", U'"'},     {"apos", U'\''},
    {"nbsp", 0xA0},     {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},  {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026}, {"bull", 0x2022},
    {"middot", 0xB7},   {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122},  {"laquo", 0xAB},
    {"raquo", 0xBB},    {"deg", 0xB0},     {"times", 0xD7},   {"euro", 0x20AC},   {"pound", 0xA3},
    {"cent", 0xA2},     {"frac12", 0xBD},  {"frac14", 0xBC},  {"frac34", 0xBE},   {"szlig", 0xDF},
    {"thinsp", 0x2009}, {"ensp", 0x2002},  {"emsp", 0x2003},  {"shy", 0xAD},      {"zwj", 0x200D},
    {"zwnj", 0x200C},   {"iexcl", 0xA1},   {"iquest", 0xBF},  {"sect", 0xA7},     {"para", 0xB6},
    {"plusmn", 0xB1},   {"divide", 0xF7},  {"ordf", 0xAA},    {"ordm", 0xBA},     {"acute", 0xB4},
    {"cedil", 0xB8},    {"uml", 0xA8},     {"macr", 0xAF},    {"curren", 0xA4},
}};

// Accented Latin-1 letters by base letter and accent ("aacute", "Ntilde", ...).
struct accent_family {
  std::string_view accent;
  std::string_view letters;  // base letters, upper case
  std::array<char32_t, 6> upper_code_points;
};

constexpr std::array<accent_family, 7> accent_families = {{
    {"grave", "AEIOU", {0xC0, 0xC8, 0xCC, 0xD2, 0xD9, 0}},
    {"acute", "AEIOUY", {0xC1, 0xC9, 0xCD, 0xD3, 0xDA, 0xDD}},
    {"circ", "AEIOU", {0xC2, 0xCA, 0xCE, 0xD4, 0xDB, 0}},
    {"tilde", "ANO", {0xC3, 0xD1, 0xD5, 0, 0, 0}},
    {"uml", "AEIOU", {0xC4, 0xCB, 0xCF, 0xD6, 0xDC, 0}},
    {"ring", "A", {0xC5, 0, 0, 0, 0, 0}},
    {"cedil", "C", {0xC7, 0, 0, 0, 0, 0}},
}};

std::optional<char32_t> lookup_named_entity(std::string_view name) {
  for (const auto& entity : common_entities) {
    if (entity.name == name) return entity.code_point;
  }
  if (name == "yuml") return char32_t{0xFF};
  if (name == "AElig") return char32_t{0xC6};
  if (name == "aelig") return char32_t{0xE6};
  if (name == "Oslash") return char32_t{0xD8};
  if (name == "oslash") return char32_t{0xF8};
  if (name.size() < 4) return std::nullopt;
  const char letter = name.front();
  const bool lower = letter >= 'a' && letter <= 'z';
  const char upper_letter = lower ? static_cast<char>(letter - 'a' + 'A') : letter;
  const std::string_view accent = name.substr(1);
  for (const auto& family : accent_families) {
    if (family.accent != accent) continue;
    const auto at = family.letters.find(upper_letter);
    if (at == std::string_view::npos || family.upper_code_points[at] == 0) return std::nullopt;
    return family.upper_code_points[at] + (lower ? 0x20 : 0);
  }
  return std::nullopt;
}

std::string_view trim_view(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

bool is_ascii_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Characters that decorate a name but are not part of it: bullets, dot leaders, separators.
bool is_name_decoration(char32_t c, bool leading) {
  switch (c) {
    case U'.':
    case U':':
    case U'|':
    case U',':
    case U';':
    case U'_':
    case U'=':
    case U'/':
    case 0x2026:  // …
      return !leading || c == U'.' || c == U'|';
    case U'-':
    case U'*':
    case U'>':
    case U'~':
    case 0xB7:    // ·
    case 0x2013:  // –
    case 0x2014:  // —
    case 0x2022:  // •
    case 0x2023:
    case 0x2043:
    case 0x25AA:  // ▪
    case 0x25B8:
    case 0x25BA:  // ►
    case 0x25E6:  // ◦
    case 0x2713:  // ✓
    case 0x2714:
    case 0xBB:  // »
    case U' ':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string collapse_spaces(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  bool pending_newline = false;
  std::size_t at = 0;
  while (at < text.size()) {
    const char32_t c = utf8::next(text, at);
    if (is_invisible_code_point(c)) continue;
    if (is_space_code_point(c)) {
      if (keep_newlines && is_line_break(c)) {
        pending_newline = true;
      } else {
        pending_space = true;
      }
      continue;
    }
    if (!out.empty()) {
      if (pending_newline) {
        out.push_back('\n');
      } else if (pending_space) {
        out.push_back(' ');
      }
    }
    pending_space = pending_newline = false;
    utf8::append(out, c);
  }
  return out;
}

std::string clean_name(std::string_view text) {
  const std::string collapsed = collapse_spaces(text);
  std::string straight;
  straight.reserve(collapsed.size());
  std::size_t at = 0;
  while (at < collapsed.size()) {
    char32_t c = utf8::next(collapsed, at);
    if (c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0x2032 || c == U'`') c = U'\'';
    if (c == 0x201C || c == 0x201D || c == 0x2033) c = U'"';
    utf8::append(straight, c);
  }
  // Leading decorations.
  std::size_t begin = 0;
  while (begin < straight.size()) {
    std::size_t next = begin;
    if (!is_name_decoration(utf8::next(straight, next), true)) break;
    begin = next;
  }
  std::string_view rest = std::string_view(straight).substr(begin);
  // Trailing decorations, but keep the period of an abbreviation such as "Co." or "Jr.".
  while (!rest.empty()) {
    std::size_t last = rest.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(rest[last]) & 0xC0) == 0x80) --last;
    std::size_t probe = last;
    const char32_t c = utf8::next(rest, probe);
    if (!is_name_decoration(c, false)) break;
    if (c == U'.' && (last == 0 || rest[last - 1] != '.')) {
      const auto word_start = rest.find_last_of(' ', last);
      const std::string_view word =
          rest.substr(word_start == std::string_view::npos ? 0 : word_start + 1);
      static constexpr std::array<std::string_view, 11> abbreviations = {
          "Co.", "Inc.", "Jr.", "Sr.", "St.", "Dr.", "Ltd.", "LLC.", "Mr.", "Mrs.", "Ms."};
      const bool abbreviation =
          std::find(abbreviations.begin(), abbreviations.end(), word) != abbreviations.end();
      if (abbreviation) break;
    }
    rest.remove_suffix(rest.size() - last);
  }
  return std::string(trim_view(rest));
}

std::string name_key(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  const auto emit = [&](std::string_view piece) {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(piece);
  };
  std::size_t at = 0;
  while (at < text.size()) {
    const char32_t c = utf8::next(text, at);
    if (c == U'\'' || c == 0x2018 || c == 0x2019 || c == 0x02BC || is_invisible_code_point(c)) {
      continue;
    }
    if (c < 0x80) {
      const char ascii = static_cast<char>(c);
      if (is_ascii_alnum(ascii)) {
        const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(ascii)));
        emit(std::string_view(&lower, 1));
      } else if (ascii == '&') {
        pending_space = true;
        emit("and");
        pending_space = true;
      } else {
        pending_space = true;
      }
    } else if (c >= 0xC0 && c <= 0xFF) {
      const std::string_view fold = latin1_folds[c - 0xC0];
      if (fold == " ") {
        pending_space = true;
      } else {
        emit(fold);
      }
    } else if (c < 0xC0 || (c >= 0x2000 && c <= 0x2BFF) || c == 0xFFFD) {
      pending_space = true;  // punctuation, symbols, dashes, bullets
    } else {
      std::string piece;
      utf8::append(piece, c);
      emit(piece);
    }
  }
  return out;
}

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c != '&') {
      out.push_back(c);
      ++at;
      continue;
    }
    const auto semicolon = text.find(';', at + 1);
    if (semicolon == std::string_view::npos || semicolon - at > 12) {
      out.push_back(c);
      ++at;
      continue;
    }
    const std::string_view body = text.substr(at + 1, semicolon - at - 1);
    std::optional<char32_t> decoded;
    if (body.size() >= 2 && body.front() == '#') {
      const bool hex = body[1] == 'x' || body[1] == 'X';
      const std::string_view digits = body.substr(hex ? 2 : 1);
      std::uint32_t value = 0;
      bool ok = !digits.empty() && digits.size() <= 7;
      for (const char d : digits) {
        if (!ok) break;
        if (hex && std::isxdigit(static_cast<unsigned char>(d))) {
          value = value * 16 + static_cast<std::uint32_t>(
                                   std::isdigit(static_cast<unsigned char>(d))
                                       ? d - '0'
                                       : std::tolower(static_cast<unsigned char>(d)) - 'a' + 10);
        } else if (!hex && std::isdigit(static_cast<unsigned char>(d))) {
          value = value * 10 + static_cast<std::uint32_t>(d - '0');
        } else {
          ok = false;
        }
      }
      if (ok) {
        if (value >= 0x80 && value <= 0x9F) {
          decoded = cp1252_high[value - 0x80];
        } else if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
          decoded = char32_t{0xFFFD};
        } else {
          decoded = static_cast<char32_t>(value);
        }
      }
    } else {
      decoded = lookup_named_entity(body);
    }
    if (decoded) {
      utf8::append(out, *decoded);
      at = semicolon + 1;
    } else {
      out.push_back(c);
      ++at;
    }
  }
  return out;
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  const std::string name = lower_ascii(charset);
  const bool single_byte = name == "iso-8859-1" || name == "latin1" || name == "latin-1" ||
                           name == "windows-1252" || name == "cp1252" || name == "us-ascii" ||
                           name == "ascii" || name == "iso8859-1" || name == "l1";
  std::string out;
  out.reserve(bytes.size());
  if (single_byte) {
    for (const char byte : bytes) {
      const auto value = static_cast<unsigned char>(byte);
      if (value < 0x80) {
        out.push_back(byte);
      } else if (value < 0xA0) {
        utf8::append(out, cp1252_high[value - 0x80]);
      } else {
        utf8::append(out, value);
      }
    }
    return out;
  }
  if (!name.empty() && name != "utf-8" && name != "utf8") return std::string(bytes);
  std::size_t at = 0;
  while (at < bytes.size()) utf8::append(out, utf8::next(bytes, at));
  return out;
}

std::string detect_charset(std::string_view content_type, std::string_view body) {
  const auto charset_after = [](const std::string& lower, std::size_t from) -> std::string {
    auto at = lower.find("charset", from);
    if (at == std::string::npos) return {};
    at += 7;
    while (at < lower.size() &&
           (lower[at] == ' ' || lower[at] == '=' || lower[at] == '"' || lower[at] == '\'')) {
      ++at;
    }
    std::string name;
    while (at < lower.size() && (is_ascii_alnum(lower[at]) || lower[at] == '-' ||
                                 lower[at] == '_' || lower[at] == ':' || lower[at] == '.')) {
      name.push_back(lower[at++]);
    }
    return name;
  };
  std::string from_header = charset_after(lower_ascii(content_type), 0);
  if (!from_header.empty()) return from_header;
  const std::string head = lower_ascii(body.substr(0, 4096));
  for (auto meta = head.find("<meta"); meta != std::string::npos;
       meta = head.find("<meta", meta + 5)) {
    const auto end = head.find('>', meta);
    const std::string tag = head.substr(meta, end == std::string::npos ? 200 : end - meta);
    std::string name = charset_after(tag, 0);
    if (!name.empty()) return name;
  }
  return {};
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains_word(std::string_view lower_text, std::string_view word) {
  if (word.empty()) return false;
  for (auto at = lower_text.find(word); at != std::string_view::npos;
       at = lower_text.find(word, at + 1)) {
    const bool left_ok = at == 0 || !is_ascii_alnum(lower_text[at - 1]);
    const auto end = at + word.size();
    const bool right_ok = end >= lower_text.size() || !is_ascii_alnum(lower_text[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

std::vector<std::string> split_sentences(std::string_view text) {
  std::vector<std::string> sentences;
  std::size_t start = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (c != '.' && c != '!' && c != '?' && c != '\n') continue;
    const bool at_end = at + 1 >= text.size();
    bool boundary = c == '\n' || at_end;
    if (!boundary && text[at + 1] == ' ' && at + 2 < text.size()) {
      const auto next = static_cast<unsigned char>(text[at + 2]);
      boundary = std::isupper(next) != 0 || std::isdigit(next) != 0 || next == '"' || next == '(' ||
                 next >= 0x80;
    }
    if (!boundary) continue;
    const std::string_view piece = trim_view(text.substr(start, at + 1 - start));
    if (!piece.empty() && piece != "\n") {
      std::string sentence(piece);
      if (!sentence.empty() && sentence.back() == '\n') sentence.pop_back();
      if (!sentence.empty()) sentences.push_back(std::move(sentence));
    }
    start = at + 1;
  }
  const std::string_view tail = trim_view(text.substr(std::min(start, text.size())));
  if (!tail.empty()) sentences.emplace_back(tail);
  return sentences;
}

std::vector<std::string> split_any(std::string_view text,
                                   const std::vector<std::string_view>& separators) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t matched = 0;
    for (const auto separator : separators) {
      if (!separator.empty() && text.substr(at, separator.size()) == separator) {
        matched = separator.size();
        break;
      }
    }
    if (matched == 0) {
      ++at;
      continue;
    }
    const std::string_view part = trim_view(text.substr(start, at - start));
    if (!part.empty()) parts.emplace_back(part);
    at += matched;
    start = at;
  }
  const std::string_view part = trim_view(text.substr(std::min(start, text.size())));
  if (!part.empty()) parts.emplace_back(part);
  return parts;
}

}  // namespace salon::scraping
