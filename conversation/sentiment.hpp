#pragma once

#include <string_view>
#include <vector>

#include "conversation/token.hpp"

namespace salon::conversation {

// Lexicon score of one utterance in [-1, 1]: word weights, flipped by a negation up to three
// words before ("not happy"), scaled by intensifiers ("really", "so") and softeners ("a bit").
double sentiment_score(const std::vector<token>& tokens) noexcept;

// True for words the lexicon scores ("terrible", "great").
bool is_sentiment_word(std::string_view word) noexcept;

// "positive", "negative" or "neutral".
std::string_view sentiment_label(double score) noexcept;

}  // namespace salon::conversation
