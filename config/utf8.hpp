#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// UTF-8 reading and writing, in one place for every library (config/ is the lowest layer).
// Well-formed means RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF.
namespace salon::config::utf8 {

inline constexpr char32_t replacement = 0xFFFD;

struct code_point {
  char32_t value = 0;
  std::size_t length = 0;  // bytes; 0: no well-formed sequence starts here
};

// The code point starting at byte `at` of `text` (which must be inside it).
inline code_point decode(std::string_view text, std::size_t at) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t value = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07;
  } else {
    return {};
  }
  if (at + length > text.size()) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return {};
    value = (value << 6) | (byte(at + i) & 0x3F);
  }
  const bool overlong = (length == 3 && value < 0x800) || (length == 4 && value < 0x10000);
  const bool surrogate = value >= 0xD800 && value <= 0xDFFF;
  if (overlong || surrogate || value > 0x10FFFF) return {};
  return {value, length};
}

// Decodes the code point at `at` and moves `at` past it; a malformed byte reads as U+FFFD and
// is skipped alone, so decoding always moves on.
inline char32_t next(std::string_view text, std::size_t& at) noexcept {
  const code_point c = decode(text, at);
  if (c.length == 0) {
    ++at;
    return replacement;
  }
  at += c.length;
  return c.value;
}

// Appends `c` (a Unicode scalar value) encoded.
inline void append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace salon::config::utf8
