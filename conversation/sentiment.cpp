#include "conversation/sentiment.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace salon::conversation {

namespace {

constexpr std::pair<std::string_view, double> lexicon[] = {
    {"great", 0.6},         {"good", 0.4},          {"love", 0.8},
    {"awesome", 0.8},       {"amazing", 0.8},       {"perfect", 0.7},
    {"thanks", 0.4},        {"thank", 0.4},         {"wonderful", 0.8},
    {"excellent", 0.8},     {"nice", 0.5},          {"happy", 0.6},
    {"glad", 0.5},          {"appreciate", 0.6},    {"helpful", 0.6},
    {"best", 0.6},          {"fantastic", 0.8},     {"lovely", 0.6},
    {"pleased", 0.6},       {"excited", 0.5},       {"cool", 0.3},
    {"beautiful", 0.6},     {"sweet", 0.4},         {"brilliant", 0.7},
    {"recommend", 0.4},     {"friendly", 0.5},      {"easy", 0.3},
    {"bad", -0.5},          {"terrible", -0.8},     {"awful", -0.8},
    {"horrible", -0.8},     {"hate", -0.8},         {"angry", -0.7},
    {"upset", -0.6},        {"annoyed", -0.6},      {"annoying", -0.6},
    {"frustrated", -0.7},   {"frustrating", -0.7},  {"ridiculous", -0.7},
    {"unacceptable", -0.8}, {"disappointed", -0.7}, {"disappointing", -0.7},
    {"worst", -0.9},        {"rude", -0.7},         {"useless", -0.8},
    {"stupid", -0.7},       {"sucks", -0.7},        {"problem", -0.3},
    {"wrong", -0.4},        {"mad", -0.6},          {"sad", -0.5},
    {"unhappy", -0.6},      {"waste", -0.5},        {"confusing", -0.4},
    {"confused", -0.4},     {"ugh", -0.4},          {"damn", -0.5},
    {"wtf", -0.7},          {"crap", -0.6},         {"poor", -0.5},
    {"ruined", -0.8},       {"furious", -0.9},      {"complaint", -0.5},
    {"complain", -0.5},     {"messed", -0.6},       {"hated", -0.8},
    {"worse", -0.6},        {"ridiculously", -0.5}, {"unprofessional", -0.8},
    {"late", -0.2},         {"expensive", -0.3},    {"pathetic", -0.8},
    {"nightmare", -0.8},    {"disaster", -0.8},     {"garbage", -0.7},
    {"incompetent", -0.8},
};

constexpr std::string_view negators[] = {"not",     "no",      "never",  "dont", "doesnt", "didnt",
                                         "isnt",    "wasnt",   "arent",  "cant", "wont",   "hardly",
                                         "nothing", "without", "werent", "aint"};

constexpr std::pair<std::string_view, double> intensifiers[] = {
    {"very", 1.5},   {"really", 1.4},   {"so", 1.3},         {"extremely", 1.7},
    {"super", 1.5},  {"totally", 1.4},  {"absolutely", 1.5}, {"incredibly", 1.6},
    {"quite", 1.2},  {"too", 1.3},      {"completely", 1.5}, {"bit", 0.6},
    {"little", 0.7}, {"slightly", 0.6}, {"somewhat", 0.6},   {"kinda", 0.6},
    {"sort", 0.7},   {"kind", 0.7},     {"most", 1.3},       {"pretty", 1.2},
};

double weight_of(std::string_view w) {
  static const std::unordered_map<std::string_view, double> map(std::begin(lexicon),
                                                                std::end(lexicon));
  const auto it = map.find(w);
  return it == map.end() ? 0.0 : it->second;
}

bool is_negator(std::string_view w) {
  static const std::unordered_set<std::string_view> set(std::begin(negators), std::end(negators));
  return set.contains(w);
}

double intensity_of(std::string_view w) {
  static const std::unordered_map<std::string_view, double> map(std::begin(intensifiers),
                                                                std::end(intensifiers));
  const auto it = map.find(w);
  return it == map.end() ? 1.0 : it->second;
}

}  // namespace

double sentiment_score(const std::vector<token>& tokens) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    double w = weight_of(tokens[i].text);
    if (w == 0.0) continue;
    // "no problem", "not bad": a negator close before flips and weakens the word.
    for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
      if (is_negator(tokens[i - back].text)) {
        w = -0.7 * w;
        break;
      }
    }
    for (std::size_t back = 1; back <= 2 && back <= i; ++back) {
      const double f = intensity_of(tokens[i - back].text);
      if (f != 1.0) {
        w *= f;
        break;
      }
    }
    sum += w;
  }
  if (sum == 0.0) return 0.0;
  const double score = sum / std::sqrt(sum * sum + 1.0);
  return std::clamp(score, -1.0, 1.0);
}

bool is_sentiment_word(std::string_view word) noexcept {
  return weight_of(word) != 0.0;
}

std::string_view sentiment_label(double score) noexcept {
  if (score >= 0.2) return "positive";
  if (score <= -0.2) return "negative";
  return "neutral";
}

}  // namespace salon::conversation
