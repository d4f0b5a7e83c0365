#include "conversation/sentiment.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace salon::conversation;

double score(std::string_view text) {
  return sentiment_score(tokenize(text));
}

TEST(sentiment, lexicon_words_set_the_sign) {
  EXPECT_GT(score("that's great"), 0.2);
  EXPECT_LT(score("that's terrible"), -0.2);
  EXPECT_EQ(score("i need a haircut on friday"), 0.0);
  EXPECT_EQ(score(""), 0.0);
}

TEST(sentiment, negation_flips_and_softens) {
  EXPECT_LT(score("not happy"), 0.0);
  EXPECT_GT(score("not bad"), 0.0);
  EXPECT_LT(std::abs(score("not bad")), std::abs(score("bad")));
  EXPECT_LT(score("i'm not very happy"), 0.0);
  EXPECT_GT(score("no problem"), 0.0);
}

TEST(sentiment, intensifiers_and_softeners_scale) {
  EXPECT_GT(score("really great"), score("great"));
  EXPECT_LT(score("extremely upset"), score("upset"));
  EXPECT_LT(std::abs(score("a bit annoyed")), std::abs(score("annoyed")));
}

TEST(sentiment, stays_within_bounds) {
  std::string gushing;
  std::string furious;
  for (int i = 0; i < 500; ++i) {
    gushing += "very amazing wonderful ";
    furious += "extremely terrible awful ";
  }
  const double up = score(gushing);
  const double down = score(furious);
  EXPECT_LE(up, 1.0);
  EXPECT_GT(up, 0.9);
  EXPECT_GE(down, -1.0);
  EXPECT_LT(down, -0.9);
}

TEST(sentiment, labels) {
  EXPECT_EQ(sentiment_label(0.5), "positive");
  EXPECT_EQ(sentiment_label(-0.5), "negative");
  EXPECT_EQ(sentiment_label(0.0), "neutral");
  EXPECT_EQ(sentiment_label(0.1), "neutral");
}

}  // namespace
