#include "conversation/catalog_index.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>
#include <utility>

#include "conversation/fuzzy.hpp"

namespace salon::conversation {

namespace {

struct word_pair {
  std::string_view first;
  std::string_view second;
  std::string_view joined;
};

// Two spoken words that name one thing.
constexpr std::array<word_pair, 8> compound_words{{
    {"hair", "cut", "haircut"},
    {"hair", "cuts", "haircut"},
    {"blow", "dry", "blowout"},
    {"blow", "out", "blowout"},
    {"blow", "dried", "blowout"},
    {"up", "do", "updo"},
    {"high", "lights", "highlights"},
    {"low", "lights", "lowlights"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 28> synonyms{{
    {"haircuts", "haircut"},     {"cut", "haircut"},        {"cuts", "haircut"},
    {"trim", "haircut"},         {"trims", "haircut"},      {"trimmed", "haircut"},
    {"trimming", "haircut"},     {"colors", "color"},       {"coloring", "color"},
    {"colored", "color"},        {"dye", "color"},          {"dyes", "color"},
    {"dyed", "color"},           {"dying", "color"},        {"tint", "color"},
    {"blowouts", "blowout"},     {"blowdry", "blowout"},    {"blowdries", "blowout"},
    {"highlight", "highlights"}, {"foils", "highlights"},   {"foil", "highlights"},
    {"updos", "updo"},           {"perms", "perm"},         {"treatments", "treatment"},
    {"colorist", "color"},       {"balayages", "balayage"}, {"extension", "extensions"},
    {"waxing", "wax"},
}};

// Words that are never part of a service's identity.
bool is_filler_service_word(std::string_view w) {
  static constexpr std::string_view words[] = {
      "and", "the", "a",  "an",      "of", "with", "for", "under", "over", "hair", "s",
      "to",  "in",  "or", "service", "up", "all",  "my",  "your",  "new",  "full"};
  static const std::unordered_set<std::string_view> set(std::begin(words), std::end(words));
  return set.contains(w);
}

// Everyday words the fuzzy matcher must leave alone ("have" is not "shave").
bool is_common_word(std::string_view w) {
  static constexpr std::string_view words[] = {
      "have",      "with",      "what",       "when",       "where",       "would",
      "could",     "should",    "that",       "this",       "there",       "their",
      "they",      "then",      "than",       "them",       "from",        "your",
      "yours",     "about",     "after",      "before",     "like",        "just",
      "want",      "need",      "book",       "booking",    "appointment", "appointments",
      "schedule",  "cancel",    "reschedule", "change",     "move",        "time",
      "times",     "today",     "tomorrow",   "tonight",    "morning",     "afternoon",
      "evening",   "night",     "week",       "weekend",    "next",        "last",
      "first",     "second",    "third",      "available",  "open",        "close",
      "closed",    "hours",     "much",       "price",      "prices",      "cost",
      "costs",     "charge",    "where",      "address",    "parking",     "park",
      "located",   "location",  "person",     "human",      "operator",    "manager",
      "someone",   "somebody",  "anyone",     "anybody",    "whoever",     "yes",
      "yeah",      "sure",      "okay",       "nope",       "thanks",      "thank",
      "please",    "great",     "good",       "fine",       "perfect",     "works",
      "work",      "working",   "name",       "call",       "calling",     "make",
      "makes",     "take",      "does",       "done",       "doing",       "going",
      "gonna",     "wanna",     "dont",       "cant",       "wont",        "didnt",
      "isnt",      "also",      "maybe",      "actually",   "instead",     "some",
      "something", "anything",  "nothing",    "everything", "more",        "less",
      "still",     "here",      "know",       "think",      "thought",     "said",
      "right",     "wrong",     "well",       "really",     "very",        "much",
      "many",      "long",      "take",       "takes",      "come",        "coming",
      "came",      "back",      "again",      "over",       "other",       "another",
      "same",      "different", "earlier",    "later",      "soon",        "soonest",
      "earliest",  "anytime",   "whenever",   "around",     "noon",        "half",
      "quarter",   "past",      "till",       "until",      "only",        "hello",
      "hi",        "hey",       "goodbye",    "bye",        "hair",        "offer",
      "services",  "service",   "stylist",    "stylists",   "does",        "daughter",
      "husband",   "wife",      "son",        "kids",       "women",       "men",
      "mens",      "womens",    "ladies",     "man",        "woman",       "child",
      "getting",   "get",       "give",       "gave",       "said",        "tell",
      "told",      "speak",     "talk",       "real",       "live",        "policy",
      "card",      "cash",      "credit",     "help",       "friday",      "monday",
      "tuesday",   "wednesday", "thursday",   "saturday",   "sunday",      "june",
      "july",      "march",     "august",     "april",      "december",    "january",
      "holiday",   "love",      "hate",       "sorry",      "happy",       "angry",
      "today",     "can",       "the",        "and",        "you",         "for",
      "are",       "was",       "hi",         "do",         "did",         "any",
      "at",        "on",        "in",         "to",         "of",          "is",
      "it",        "me",        "my",         "we",         "our",         "us",
      "be",        "am",        "an",         "or",         "so",          "if",
      "no",        "not",       "ok",         "all",        "how",         "who",
      "why",       "which",     "will",       "were",       "been",        "got",
      "let",       "lets",      "i",          "a",          "hello",       "please"};
  static const std::unordered_set<std::string_view> set(std::begin(words), std::end(words));
  return set.contains(w);
}

bool is_negation(std::string_view w) {
  return w == "not" || w == "dont" || w == "without" || w == "skip";
}

bool is_article(std::string_view w) {
  return w == "a" || w == "an" || w == "the" || w == "my" || w == "some" || w == "want" ||
         w == "need" || w == "with" || w == "get";
}

struct stream_word {
  // Canonical form; views into the tokens, static tables or the index's own words.
  std::string_view word;
  std::size_t first = 0;
  std::size_t last = 0;  // inclusive token index
};

// Canonical words of a phrase (a service name, a synonym, or the caller's words).
std::vector<stream_word> canonical_stream(const std::vector<token>& tokens,
                                          const std::vector<bool>& used) {
  std::vector<stream_word> out;
  out.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (used[i]) continue;
    const std::string_view w = tokens[i].text;
    if (i + 1 < tokens.size() && !used[i + 1]) {
      bool joined = false;
      for (const auto& c : compound_words) {
        if (c.first == w && tokens[i + 1].text == c.second) {
          out.push_back({c.joined, i, i + 1});
          ++i;
          joined = true;
          break;
        }
      }
      if (joined) continue;
    }
    out.push_back({catalog_index::canonical_word(w), i, i});
  }
  return out;
}

}  // namespace

std::string_view catalog_index::canonical_word(std::string_view word) {
  static const std::unordered_map<std::string_view, std::string_view> map(std::begin(synonyms),
                                                                          std::end(synonyms));
  const auto it = map.find(word);
  return it == map.end() ? word : it->second;
}

service_variant catalog_index::variant_of_word(std::string_view w) {
  static constexpr std::string_view women[] = {"women", "woman",  "womens", "ladies",
                                               "lady",  "female", "wife",   "girlfriend",
                                               "mom",   "mother", "ladys"};
  static constexpr std::string_view men[] = {"men",       "man", "mens",   "gentleman", "gentlemen",
                                             "gents",     "guy", "guys",   "male",      "husband",
                                             "boyfriend", "dad", "father", "gent"};
  static constexpr std::string_view kids[] = {
      "kid",  "kids", "child", "children", "childs", "son",    "daughter", "boy",
      "boys", "girl", "girls", "toddler",  "junior", "little", "childrens"};
  static const auto map = [] {
    std::unordered_map<std::string_view, service_variant> out;
    for (auto x : women) out.emplace(x, service_variant::women);
    for (auto x : men) out.emplace(x, service_variant::men);
    for (auto x : kids) out.emplace(x, service_variant::kids);
    return out;
  }();
  const auto it = map.find(w);
  return it == map.end() ? service_variant::none : it->second;
}

catalog_index::catalog_index(const shop_snapshot& shop) {
  services_.reserve(shop.services.size());
  for (std::size_t s = 0; s < shop.services.size(); ++s) {
    const auto& service = shop.services[s];
    indexed_service entry;
    std::vector<std::string> sources{service.name};
    sources.insert(sources.end(), service.synonyms.begin(), service.synonyms.end());
    for (std::size_t k = 0; k < sources.size(); ++k) {
      const auto tokens = tokenize(sources[k]);
      const std::vector<bool> none(tokens.size(), false);
      std::vector<std::string> phrase;
      for (auto& w : canonical_stream(tokens, none)) {
        const auto v = variant_of_word(w.word);
        if (v != service_variant::none) {
          // The name decides the variant; a synonym's variant word must not override it.
          if (k == 0) entry.variant = v;
          continue;
        }
        if (is_filler_service_word(w.word) || tokens[w.first].number >= 0) continue;
        phrase.emplace_back(w.word);
      }
      if (phrase.empty()) continue;
      for (const auto& w : phrase) {
        if (std::find(entry.keys.begin(), entry.keys.end(), w) == entry.keys.end()) {
          entry.keys.push_back(w);
        }
      }
      entry.phrases.push_back(std::move(phrase));
    }
    for (const auto& key : entry.keys) service_by_word_[key].push_back(s);
    services_.push_back(std::move(entry));
  }
  for (std::size_t s = 0; s < shop.stylists.size(); ++s) {
    indexed_stylist entry;
    for (const auto& t : tokenize(shop.stylists[s].name)) {
      if (t.text.size() < 2) continue;
      entry.names.push_back(t.text);
      stylist_by_word_[t.text].push_back(s);
    }
    stylists_.push_back(std::move(entry));
  }
  const auto add_fuzzy = [this](const std::string& w) {
    if (w.size() < 4) return;
    for (const auto& f : fuzzy_words_) {
      if (f.word == w) return;
    }
    fuzzy_words_.push_back({w, phonetic_key(w)});
  };
  for (const auto& [word, ids] : service_by_word_) add_fuzzy(word);
  for (const auto& [word, ids] : stylist_by_word_) add_fuzzy(word);
  // Iteration order of the maps must not leak into results: keep the list sorted.
  std::sort(fuzzy_words_.begin(), fuzzy_words_.end(),
            [](const fuzzy_word& a, const fuzzy_word& b) { return a.word < b.word; });
}

bool catalog_index::is_catalog_word(std::string_view word) const {
  const std::string w{canonical_word(word)};
  return service_by_word_.contains(w) || stylist_by_word_.contains(w);
}

std::string_view catalog_index::correct(std::string_view word) const {
  if (word.size() < 4 || is_common_word(word)) return {};
  const std::string key = phonetic_key(word);
  std::string_view best;
  int best_distance = 99;
  for (const auto& f : fuzzy_words_) {
    // Only words that start alike or sound alike are worth an edit distance.
    const bool same_start = word.front() == f.word.front();
    const bool sounds_alike = key.size() >= 3 && key == f.key;
    if (!same_start && !sounds_alike) continue;
    const int limit = f.word.size() <= 5 ? 1 : 2;
    const int d = edit_distance(word, f.word, sounds_alike ? 3 : limit);
    const bool close = same_start && d <= limit;
    if ((close || (sounds_alike && d <= 3)) && d < best_distance) {
      best = f.word;
      best_distance = d;
    }
  }
  return best;
}

std::size_t catalog_index::best_service(const std::vector<std::string_view>& words,
                                        service_variant hint,
                                        std::vector<std::size_t>& ambiguous) const {
  std::vector<std::pair<std::size_t, int>> scored;
  for (const auto& w : words) {
    const auto it = service_by_word_.find(w);
    if (it == service_by_word_.end()) continue;
    for (std::size_t s : it->second) {
      if (std::none_of(scored.begin(), scored.end(), [s](const auto& p) { return p.first == s; })) {
        scored.emplace_back(s, 0);
      }
    }
  }
  if (scored.empty()) return services_.size();
  int best = -1;
  for (auto& [s, score] : scored) {
    const auto& entry = services_[s];
    int matched = 0;
    for (const auto& key : entry.keys) {
      if (std::find(words.begin(), words.end(), key) != words.end()) ++matched;
    }
    int bonus = 0;
    for (const auto& phrase : entry.phrases) {
      const bool covered = std::all_of(phrase.begin(), phrase.end(), [&words](const auto& p) {
        return std::find(words.begin(), words.end(), p) != words.end();
      });
      if (covered) bonus = 2;
    }
    score = matched + bonus;
    best = std::max(best, score);
  }
  std::vector<std::size_t> top;
  for (const auto& [s, score] : scored) {
    if (score == best) top.push_back(s);
  }
  std::sort(top.begin(), top.end());
  if (hint != service_variant::none) {
    for (std::size_t s : top) {
      if (services_[s].variant == hint) return s;
    }
  }
  if (top.size() > 1) {
    const bool all_variants = std::all_of(top.begin(), top.end(), [this](std::size_t s) {
      return services_[s].variant != service_variant::none;
    });
    if (all_variants) {
      ambiguous = top;
      return services_.size();
    }
    // A variant-less service is the plain one ("haircut" over "men's haircut").
    for (std::size_t s : top) {
      if (services_[s].variant == service_variant::none) return s;
    }
  }
  return top.front();
}

catalog_mentions catalog_index::match(const std::vector<token>& tokens,
                                      std::vector<bool>& used) const {
  catalog_mentions out;
  auto stream = canonical_stream(tokens, used);

  // Mis-heard words: single words first, then two or three words run together ("bally age").
  std::vector<bool> known(stream.size(), false);
  for (std::size_t k = 0; k < stream.size(); ++k) {
    auto& w = stream[k].word;
    if (service_by_word_.contains(w) || stylist_by_word_.contains(w)) {
      known[k] = true;
      continue;
    }
    if (w.size() > 3 && w.back() == 's') {
      const auto singular = canonical_word(w.substr(0, w.size() - 1));
      if (service_by_word_.contains(singular)) {
        w = singular;
        known[k] = true;
        continue;
      }
    }
    if (tokens[stream[k].first].number >= 0) continue;
    if (const auto fixed = correct(w); !fixed.empty()) {
      w = fixed;
      known[k] = true;
    }
  }
  for (std::size_t k = 0; k + 1 < stream.size(); ++k) {
    if (known[k] || known[k + 1] || is_common_word(stream[k].word)) continue;
    for (std::size_t n = 2; n <= 3 && k + n <= stream.size(); ++n) {
      if (known[k + n - 1]) break;
      std::string joined;
      for (std::size_t m = k; m < k + n; ++m) joined += stream[m].word;
      const auto fixed = correct(joined);
      if (fixed.empty()) continue;
      stream[k].word = fixed;
      stream[k].last = stream[k + n - 1].last;
      known[k] = true;
      stream.erase(stream.begin() + static_cast<std::ptrdiff_t>(k + 1),
                   stream.begin() + static_cast<std::ptrdiff_t>(k + n));
      known.erase(known.begin() + static_cast<std::ptrdiff_t>(k + 1),
                  known.begin() + static_cast<std::ptrdiff_t>(k + n));
      break;
    }
  }

  for (const auto& w : stream) {
    if (const auto v = variant_of_word(w.word); v != service_variant::none) out.variant_hint = v;
  }

  const auto negated_before = [&tokens](std::size_t first) {
    for (std::size_t back = 1; back <= 3 && back <= first; ++back) {
      const std::string_view w = tokens[first - back].text;
      // "no blowout" rules it out; "no, a color" is a correction towards color.
      if (w == "no") return back == 1;
      if (is_negation(w)) return true;
      if (w == "instead" ||
          (w == "of" && first >= back + 1 && tokens[first - back - 1].text == "instead")) {
        return true;
      }
      if (!is_article(w) && variant_of_word(w) == service_variant::none) return false;
    }
    return false;
  };

  std::size_t k = 0;
  while (k < stream.size()) {
    const auto& w = stream[k];
    if (const auto it = stylist_by_word_.find(w.word); it != stylist_by_word_.end()) {
      const std::size_t stylist = it->second.front();
      auto& list = negated_before(w.first) ? out.not_stylists : out.stylists;
      if (std::find(list.begin(), list.end(), stylist) == list.end()) list.push_back(stylist);
      for (std::size_t t = w.first; t <= w.last; ++t) used[t] = true;
      ++k;
      continue;
    }
    if (!service_by_word_.contains(w.word)) {
      ++k;
      continue;
    }
    // A run of adjacent service words is one mention ("single process color").
    std::vector<std::string_view> words{w.word};
    std::size_t end = k + 1;
    while (end < stream.size() && service_by_word_.contains(stream[end].word) &&
           stream[end].first == stream[end - 1].last + 1) {
      words.push_back(stream[end].word);
      ++end;
    }
    service_variant hint = out.variant_hint;
    for (std::size_t back = 1; back <= 2 && back <= w.first; ++back) {
      const auto v = variant_of_word(tokens[w.first - back].text);
      if (v != service_variant::none) {
        hint = v;
        break;
      }
    }
    std::vector<std::size_t> ambiguous;
    const std::size_t s = best_service(words, hint, ambiguous);
    const bool negated = negated_before(w.first);
    if (s < services_.size()) {
      auto& list = negated ? out.not_services : out.services;
      if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
    } else if (!ambiguous.empty() && !negated) {
      out.ambiguous_variants = std::move(ambiguous);
    }
    for (std::size_t m = k; m < end; ++m) {
      for (std::size_t t = stream[m].first; t <= stream[m].last; ++t) used[t] = true;
    }
    k = end;
  }

  // "anyone is fine", "no preference", "whoever is free".
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view t = tokens[i].text;
    const bool next_pref = i + 1 < tokens.size() && tokens[i + 1].text == "preference";
    if (t == "anyone" || t == "anybody" || t == "whoever" || (t == "no" && next_pref) ||
        (t == "any" && i + 1 < tokens.size() &&
         (tokens[i + 1].text == "stylist" || tokens[i + 1].text == "one" ||
          tokens[i + 1].text == "body"))) {
      out.any_stylist = true;
    }
  }
  return out;
}

}  // namespace salon::conversation
