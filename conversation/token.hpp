#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace salon::conversation {

// One word of a caller's utterance after normalization: lower case ASCII, punctuation and
// fillers gone, number words turned into values.
struct token {
  std::string text;
  // Value of a number ("3", "three", "3rd", "third"); -1 when the token is not a number.
  int number = -1;
  bool ordinal = false;
  // The number was spoken as a word ("three"), not digits.
  bool spelled = false;

  bool is(std::string_view word) const noexcept { return text == word; }
};

// Utterances longer than this are cut: nobody says 2000 characters in one breath, and the cap
// keeps a garbage prompt from costing more than a normal turn.
inline constexpr std::size_t max_utterance_bytes = 2000;

std::vector<token> tokenize(std::string_view utterance);

}  // namespace salon::conversation
