#include "conversation/utterance_analyzer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "conversation/sentiment.hpp"
#include "conversation/when_parser.hpp"

namespace salon::conversation {

namespace {

struct intent_phrase {
  intent what;
  std::string_view words;  // space separated, matched as a contiguous run
  int weight;
};

// How callers ask for things. A phrase adds its weight to its intent; the highest total wins.
// Add phrasing here (and a line to tests/conversation/data/utterances*.json).
constexpr intent_phrase intent_phrases[] = {
    {intent::book, "book", 3},
    {intent::book, "booking", 2},
    {intent::book, "appointment", 2},
    {intent::book, "appt", 2},
    {intent::book, "schedule", 2},
    {intent::book, "reserve", 3},
    {intent::book, "reservation", 2},
    {intent::book, "set up", 2},
    {intent::book, "come in", 2},
    {intent::book, "get in", 2},
    {intent::book, "fit me in", 3},
    {intent::book, "squeeze me in", 3},
    {intent::book, "available", 2},
    {intent::book, "availability", 3},
    {intent::book, "openings", 3},
    {intent::book, "opening", 1},
    {intent::book, "free", 1},
    {intent::book, "slot", 2},
    {intent::book, "slots", 2},
    {intent::book, "i need", 1},
    {intent::book, "i want", 1},
    {intent::book, "i would like", 1},
    {intent::book, "id like", 1},
    {intent::book, "can i get", 1},
    {intent::book, "could i get", 1},
    {intent::book, "can i do", 1},
    {intent::book, "looking to get", 2},
    {intent::book, "looking for", 1},
    {intent::book, "get my", 1},
    {intent::book, "sign me up", 3},
    {intent::book, "make one", 2},
    {intent::book, "new appointment", 3},
    {intent::reschedule, "reschedule", 6},
    {intent::reschedule, "rescheduling", 6},
    {intent::reschedule, "rebook", 6},
    {intent::reschedule, "move my", 5},
    {intent::reschedule, "move it", 4},
    {intent::reschedule, "move the appointment", 5},
    {intent::reschedule, "change my appointment", 6},
    {intent::reschedule, "change my booking", 6},
    {intent::reschedule, "change the time", 5},
    {intent::reschedule, "change the day", 5},
    {intent::reschedule, "change the date", 5},
    {intent::reschedule, "change my time", 5},
    {intent::reschedule, "push it back", 5},
    {intent::reschedule, "push back my", 5},
    {intent::reschedule, "postpone", 5},
    {intent::reschedule, "different day", 2},
    {intent::reschedule, "different time", 2},
    {intent::cancel, "cancel", 6},
    {intent::cancel, "canceling", 6},
    {intent::cancel, "cancelling", 6},
    {intent::cancel, "cancellation", 3},
    {intent::cancel, "cant make it", 6},
    {intent::cancel, "cannot make it", 6},
    {intent::cancel, "wont make it", 6},
    {intent::cancel, "wont be able to make", 6},
    {intent::cancel, "not going to make it", 6},
    {intent::cancel, "call off", 5},
    {intent::cancel, "dont need the appointment", 6},
    {intent::prices, "how much", 4},
    {intent::prices, "price", 4},
    {intent::prices, "prices", 4},
    {intent::prices, "pricing", 4},
    {intent::prices, "cost", 4},
    {intent::prices, "costs", 4},
    {intent::prices, "charge", 3},
    {intent::prices, "rates", 3},
    {intent::prices, "expensive", 3},
    {intent::prices, "cheap", 2},
    {intent::prices, "fee", 2},
    {intent::prices, "what do you offer", 5},
    {intent::prices, "what services", 5},
    {intent::prices, "which services", 5},
    {intent::prices, "your services", 4},
    {intent::prices, "services do you", 4},
    {intent::prices, "what do you do", 4},
    {intent::prices, "what kind of", 3},
    {intent::prices, "do you do", 3},
    {intent::prices, "do you offer", 4},
    {intent::prices, "menu", 3},
    {intent::prices, "how long", 3},
    {intent::hours, "hours", 4},
    {intent::hours, "open", 3},
    {intent::hours, "opened", 3},
    {intent::hours, "close", 3},
    {intent::hours, "closed", 3},
    {intent::hours, "closing", 3},
    {intent::hours, "opening hours", 5},
    {intent::hours, "what time do you", 3},
    {intent::hours, "how late", 4},
    {intent::hours, "how early", 4},
    {intent::hours, "until when", 4},
    {intent::location, "where", 3},
    {intent::location, "address", 5},
    {intent::location, "located", 5},
    {intent::location, "location", 4},
    {intent::location, "directions", 5},
    {intent::location, "find you", 4},
    {intent::location, "get there", 4},
    {intent::location, "parking", 5},
    {intent::location, "park", 4},
    {intent::location, "street", 2},
    {intent::stylists, "stylist", 3},
    {intent::stylists, "stylists", 4},
    {intent::stylists, "who does", 5},
    {intent::stylists, "who do", 3},
    {intent::stylists, "who is", 3},
    {intent::stylists, "whos", 3},
    {intent::stylists, "who works", 5},
    {intent::stylists, "who is working", 5},
    {intent::stylists, "who cuts", 5},
    {intent::stylists, "who can", 3},
    {intent::stylists, "colorist", 3},
    {intent::stylists, "barber", 2},
    {intent::stylists, "your team", 4},
    {intent::stylists, "staff", 3},
    {intent::shop_info, "pay", 4},
    {intent::shop_info, "payment", 5},
    {intent::shop_info, "credit card", 5},
    {intent::shop_info, "credit", 4},
    {intent::shop_info, "cards", 3},
    {intent::shop_info, "apple pay", 5},
    {intent::shop_info, "cash", 4},
    {intent::shop_info, "venmo", 5},
    {intent::shop_info, "policy", 6},
    {intent::shop_info, "walk in", 5},
    {intent::shop_info, "walk ins", 5},
    {intent::shop_info, "walkins", 5},
    {intent::shop_info, "gift card", 5},
    {intent::shop_info, "deposit", 4},
    {intent::shop_info, "wifi", 4},
    {intent::human, "person", 6},
    {intent::human, "human", 8},
    {intent::human, "operator", 8},
    {intent::human, "manager", 8},
    {intent::human, "representative", 8},
    {intent::human, "receptionist", 7},
    {intent::human, "agent", 6},
    {intent::human, "front desk", 7},
    {intent::human, "transfer me", 8},
    {intent::human, "speak to someone", 8},
    {intent::human, "talk to someone", 8},
    {intent::human, "speak with someone", 8},
    {intent::human, "talk to somebody", 8},
    {intent::human, "speak to somebody", 8},
    {intent::human, "speak to a", 4},
    {intent::human, "talk to a", 4},
    {intent::human, "not a robot", 8},
    {intent::human, "are you a robot", 6},
    {intent::human, "live person", 9},
    {intent::human, "real person", 9},
    {intent::goodbye, "bye", 6},
    {intent::goodbye, "goodbye", 8},
    {intent::goodbye, "good bye", 8},
    {intent::goodbye, "thats all", 6},
    {intent::goodbye, "that is all", 6},
    {intent::goodbye, "thats it", 5},
    {intent::goodbye, "nothing else", 6},
    {intent::goodbye, "have a good", 5},
    {intent::goodbye, "have a nice", 5},
    {intent::goodbye, "have a great", 5},
    {intent::goodbye, "hang up", 6},
    {intent::goodbye, "see you", 4},
    {intent::goodbye, "gotta go", 6},
    {intent::goodbye, "take care", 5},
    {intent::goodbye, "im done", 5},
    {intent::goodbye, "im good", 3},
};

struct split_phrase {
  intent what;
  int weight;
  std::vector<std::string_view> words;
};

// The intent phrases split into words and indexed by their first word, built once.
const std::unordered_map<std::string_view, std::vector<split_phrase>>& intent_index() {
  static const auto index = [] {
    std::unordered_map<std::string_view, std::vector<split_phrase>> out;
    for (const auto& p : intent_phrases) {
      split_phrase split{p.what, p.weight, {}};
      std::size_t start = 0;
      while (start < p.words.size()) {
        auto space = p.words.find(' ', start);
        if (space == std::string_view::npos) space = p.words.size();
        split.words.push_back(p.words.substr(start, space - start));
        start = space + 1;
      }
      out[split.words.front()].push_back(std::move(split));
    }
    return out;
  }();
  return index;
}

struct fact_trigger {
  std::string_view word;
  std::string_view fact;
};

constexpr fact_trigger fact_triggers[] = {
    {"parking", "parking"},
    {"park", "parking"},
    {"pay", "payment"},
    {"payment", "payment"},
    {"credit", "payment"},
    {"cash", "payment"},
    {"venmo", "payment"},
    {"card", "payment"},
    {"policy", "cancellation"},
    {"walk", "walk_ins"},
    {"walkins", "walk_ins"},
    {"gift", "gift_cards"},
    {"deposit", "deposit"},
    {"wifi", "wifi"},
    {"accessible", "accessibility"},
    {"wheelchair", "accessibility"},
};

constexpr std::string_view yes_words[] = {
    "yes",       "yeah",    "yep",     "yup",        "yah",        "sure",        "ok",
    "alright",   "correct", "perfect", "absolutely", "definitely", "affirmative", "mhm",
    "certainly", "yess",    "yas",     "great",      "fine",       "right",       "good",
    "please",    "works",   "exactly", "awesome",
};
constexpr std::string_view yes_phrases[] = {
    "sounds good", "that works", "works for me", "go ahead", "please do", "do it",
    "book it",     "lets do it", "of course",    "why not",  "all right", "that is right",
    "thats right", "no problem", "lets do that", "that one", "im in",
};
constexpr std::string_view no_words[] = {"no", "nope", "nah", "negative", "incorrect", "wrong"};
constexpr std::string_view no_phrases[] = {
    "not really", "i dont think so", "thats not right", "not right", "never mind",
    "nevermind",  "not that",        "dont book",       "dont want",
};

// Words that are not names: used to keep "this is calling about" or "im looking" from
// becoming a caller's name.
constexpr std::string_view not_name_words[] = {
    "a",         "an",       "the",        "and",        "or",         "but",         "to",
    "for",       "with",     "at",         "on",         "in",         "of",          "is",
    "am",        "are",      "was",        "be",         "been",       "it",          "this",
    "that",      "its",      "just",       "calling",    "looking",    "trying",      "wondering",
    "here",      "there",    "not",        "no",         "yes",        "yeah",        "ok",
    "sure",      "so",       "hi",         "hello",      "hey",        "good",        "great",
    "fine",      "i",        "me",         "my",         "you",        "your",        "we",
    "us",        "our",      "they",       "he",         "she",        "his",         "her",
    "want",      "need",     "would",      "like",       "could",      "can",         "will",
    "do",        "does",     "have",       "has",        "get",        "about",       "from",
    "what",      "when",     "where",      "who",        "why",        "how",         "which",
    "again",     "booked",   "back",       "sorry",      "thanks",     "thank",       "please",
    "actually",  "also",     "too",        "really",     "very",       "appointment", "book",
    "booking",   "cancel",   "reschedule", "haircut",    "cut",        "color",       "name",
    "number",    "phone",    "today",      "tomorrow",   "morning",    "afternoon",   "evening",
    "tonight",   "next",     "this",       "week",       "weekend",    "am",          "pm",
    "right",     "wrong",    "correct",    "perfect",    "okay",       "alright",     "um",
    "well",      "going",    "gonna",      "wanna",      "say",        "said",        "one",
    "first",     "last",     "new",        "customer",   "client",     "regular",     "person",
    "human",     "someone",  "somebody",   "anyone",     "nobody",     "none",        "nothing",
    "something", "anything", "still",      "already",    "available",  "free",        "open",
    "closed",    "busy",     "nope",       "nah",        "yep",        "yup",         "bye",
    "goodbye",   "maybe",    "probably",   "definitely", "absolutely", "over",        "under",
    "some",      "any",      "all",        "more",       "much",       "many",        "works",
    "work",      "fine",     "soon",       "later",      "earlier",    "early",       "late",
    "then",      "than",     "dont",       "cant",       "wont",       "im",          "id",
    "ill",       "ive",      "youre",      "thats",      "whats",      "lets",        "happy",
    "glad",      "calling",
};

// One hash set per word list, built on first use.
template <const auto& list>
bool in_list(std::string_view w) {
  static const std::unordered_set<std::string_view> set(std::begin(list), std::end(list));
  return set.contains(w);
}

class analyzer {
 public:
  analyzer(const shop_snapshot& shop, const catalog_index& catalog, std::vector<token> tokens,
           local_moment now, expectation expect)
      : shop_(shop),
        catalog_(catalog),
        t_(std::move(tokens)),
        used_(t_.size(), false),
        now_(now),
        expect_(expect) {}

  utterance run() {
    u_.word_count = t_.size();
    if (t_.empty()) return u_;
    words_.reserve(t_.size());
    for (const auto& t : t_) words_.emplace_back(t.text);
    std::sort(words_.begin(), words_.end());
    u_.sentiment = sentiment_score(t_);
    find_name();
    // After "can I get your name?" a bare word is a name before it is a mis-heard stylist.
    if (expect_ == expectation::name && !u_.name) find_bare_name();
    u_.when = parse_when(t_, used_, now_);
    u_.catalog = catalog_.match(t_, used_);
    find_intents();
    find_answer();
    find_choice();
    find_flags();
    find_fact();
    return u_;
  }

 private:
  bool word(std::size_t i, std::string_view w) const { return i < t_.size() && t_[i].is(w); }

  bool phrase_at(std::size_t i, std::string_view phrase) const {
    std::size_t k = i;
    std::size_t start = 0;
    while (start <= phrase.size()) {
      const auto space = phrase.find(' ', start);
      const auto part =
          phrase.substr(start, space == std::string_view::npos ? phrase.npos : space - start);
      if (!word(k, part)) return false;
      ++k;
      if (space == std::string_view::npos) break;
      start = space + 1;
    }
    return true;
  }

  bool has_phrase(std::string_view phrase) const {
    if (!has_word(phrase.substr(0, phrase.find(' ')))) return false;
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (phrase_at(i, phrase)) return true;
    }
    return false;
  }

  std::size_t find_phrase(std::string_view phrase) const {
    if (!has_word(phrase.substr(0, phrase.find(' ')))) return t_.size();
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (phrase_at(i, phrase)) return i;
    }
    return t_.size();
  }

  bool has_word(std::string_view w) const {
    return std::binary_search(words_.begin(), words_.end(), w);
  }

  bool name_like(std::size_t i) const {
    if (i >= t_.size() || used_[i]) return false;
    const auto& w = t_[i].text;
    if (w.size() < 2 || t_[i].number >= 0) return false;
    if (!std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      return false;
    }
    if (in_list<not_name_words>(w) || w.ends_with("ing") || w.ends_with("ous") ||
        w.ends_with("ful") || is_sentiment_word(w)) {
      return false;
    }
    return catalog_index::variant_of_word(w) == service_variant::none;
  }

  static std::string title_case(std::string_view w) {
    std::string out{w};
    if (!out.empty()) out.front() = static_cast<char>(std::toupper(out.front()));
    return out;
  }

  void take_name(std::size_t first, bool trusted) {
    std::string name;
    std::size_t k = first;
    for (; k < t_.size() && k < first + 3; ++k) {
      const bool ok = trusted && k == first ? !t_[k].text.empty() && t_[k].number < 0 &&
                                                  !in_list<not_name_words>(t_[k].text)
                                            : name_like(k);
      if (!ok || catalog_.is_catalog_word(t_[k].text)) {
        // A stylist's first name can be the caller's too, but only right after "my name is".
        if (!(trusted && k == first && ok)) break;
      }
      if (!name.empty()) name.push_back(' ');
      name += title_case(t_[k].text);
      used_[k] = true;
    }
    if (!name.empty()) u_.name = std::move(name);
  }

  void find_name() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      // "my name is jane doe", "name's jane" (tokenized "name jane"), "call me jane".
      if (t_[i].is("name")) {
        std::size_t k = i + 1;
        if (word(k, "is")) ++k;
        if (k < t_.size() && !(i > 0 && t_[i - 1].is("what"))) {
          take_name(k, word(i + 1, "is") || (i > 0 && t_[i - 1].is("my")));
          if (u_.name) return;
        }
      }
      if (t_[i].is("call") && word(i + 1, "me") && name_like(i + 2)) {
        take_name(i + 2, false);
        return;
      }
      // "this is jane", "it's jane" (tokenized "it jane"), "i'm jane", "i am jane".
      const bool intro = (t_[i].is("this") && word(i + 1, "is")) ||
                         (t_[i].is("it") && word(i + 1, "is")) ||
                         (t_[i].is("i") && word(i + 1, "am"));
      if (intro && name_like(i + 2)) {
        take_name(i + 2, false);
        return;
      }
      const bool short_intro = (t_[i].is("it") || t_[i].is("im") || t_[i].is("its")) &&
                               (i == 0 || t_[i - 1].is("yes") || t_[i - 1].is("yeah") ||
                                t_[i - 1].is("hi") || t_[i - 1].is("hello") ||
                                t_[i - 1].is("hey") || t_[i - 1].is("oh") || t_[i - 1].is("sure"));
      if (short_intro && name_like(i + 1)) {
        take_name(i + 1, false);
        return;
      }
      // "put it under jane".
      if (t_[i].is("under") && i > 0 &&
          (t_[i - 1].is("it") || t_[i - 1].is("appointment") || t_[i - 1].is("booking") ||
           t_[i - 1].is("that")) &&
          name_like(i + 1)) {
        take_name(i + 1, false);
        return;
      }
    }
  }

  void find_bare_name() {
    // After "can I get your name?": "jane", "jane doe", "sure, jane doe".
    if (t_.size() > 6) return;
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (used_[i]) continue;
      if (name_like(i) && !catalog_.is_catalog_word(t_[i].text)) {
        take_name(i, false);
        return;
      }
      if (!in_list<not_name_words>(t_[i].text)) return;
    }
  }

  void find_intents() {
    std::array<int, 11> score{};
    const auto& index = intent_index();
    std::vector<const split_phrase*> counted;
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const auto it = index.find(std::string_view{t_[i].text});
      if (it == index.end()) continue;
      for (const auto& p : it->second) {
        bool matched = i + p.words.size() <= t_.size();
        for (std::size_t k = 1; matched && k < p.words.size(); ++k) {
          matched = t_[i + k].text == p.words[k];
        }
        // Each phrase counts once however often it is said.
        if (matched && std::find(counted.begin(), counted.end(), &p) == counted.end()) {
          counted.push_back(&p);
          score[static_cast<std::size_t>(p.what)] += p.weight;
        }
      }
    }
    const auto at = [&score](intent i) -> int& { return score[static_cast<std::size_t>(i)]; };
    // "cancellation policy" is a question, "in person" is not a hand-off, "no preference" is not
    // an answer about a person.
    if (has_word("policy")) at(intent::cancel) = 0;
    if (has_phrase("in person")) at(intent::human) = 0;
    if (at(intent::reschedule) > 0 && at(intent::cancel) > 0 && !has_phrase("cancel it") &&
        !has_phrase("just cancel")) {
      at(intent::cancel) = 0;
    }
    if (at(intent::reschedule) > 0 || at(intent::cancel) > 0) at(intent::book) = 0;
    // "open" in "any openings" or "are you open tomorrow at 3 for a cut" leans to booking.
    if (has_word("openings")) at(intent::hours) = 0;
    const bool question = has_word("how") || has_word("what") || has_word("whats") ||
                          has_word("when") || has_word("which") || has_word("where") ||
                          has_word("who") || has_word("do") || has_word("does") || has_word("is") ||
                          has_word("are");
    const auto& c = u_.catalog;
    // "is maria in on friday", "does kenji work saturdays".
    if (!c.stylists.empty() && (has_word("in") || has_word("working") || has_word("work") ||
                                has_word("there") || has_word("off"))) {
      if (has_word("is") || has_word("does") || has_word("will") || has_word("when")) {
        at(intent::stylists) += 5;
        if (at(intent::book) <= 2) at(intent::book) = 0;
      }
    }
    const bool service_named = !c.services.empty() || !c.ambiguous_variants.empty();
    const bool asks_something = at(intent::prices) > 0 || at(intent::hours) > 0 ||
                                at(intent::location) > 0 || at(intent::stylists) > 0 ||
                                at(intent::shop_info) > 0;
    // A service with a time ("a haircut tomorrow at 3") or on its own as a request.
    if (service_named && !u_.when.empty() && !asks_something) at(intent::book) += 4;
    if (service_named && !asks_something && !question) at(intent::book) += 3;
    if (!c.stylists.empty() && !u_.when.empty() && at(intent::stylists) == 0) {
      at(intent::book) += 2;
    }
    if (at(intent::hours) > 0 && at(intent::book) > 0 && !question) at(intent::hours) = 0;
    if (at(intent::hours) > 0 && (has_word("book") || has_word("appointment"))) {
      at(intent::hours) = 0;
    }
    // A plain "is 3 open" or "do you have anything friday" is about a booking, not the hours.
    if (at(intent::hours) > 0 && u_.when.at && at(intent::book) > 0) at(intent::hours) = 0;
    if (at(intent::hours) > 0 && at(intent::book) == 0 && u_.when.at && !has_word("close") &&
        !has_word("closing") && !has_word("hours")) {
      at(intent::book) = 3;
      at(intent::hours) = 0;
    }
    if (has_phrase("do you have") && !u_.when.empty() && at(intent::prices) <= 3) {
      at(intent::book) += 4;
      at(intent::prices) = 0;
    }

    constexpr std::array<intent, 10> priority{
        intent::human, intent::reschedule, intent::cancel,   intent::book,      intent::prices,
        intent::hours, intent::stylists,   intent::location, intent::shop_info, intent::goodbye};
    std::vector<std::pair<int, std::size_t>> ranked;
    for (std::size_t p = 0; p < priority.size(); ++p) {
      const int s = at(priority[p]);
      if (s > 0) ranked.emplace_back(s, p);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [s, p] : ranked) u_.intents.push_back(priority[p]);
    // Goodbye only when the caller is leaving, not when a goodbye word decorates a request.
    if (u_.intents.size() > 1 && u_.intents.front() == intent::goodbye) {
      std::rotate(u_.intents.begin(), u_.intents.begin() + 1, u_.intents.end());
    }
  }

  void find_answer() {
    std::size_t yes_at = t_.size();
    std::size_t no_at = t_.size();
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (yes_at == t_.size() && in_list<yes_words>(t_[i].text)) yes_at = i;
      if (no_at == t_.size() && in_list<no_words>(t_[i].text)) {
        // "no preference" and "no problem" are not a no.
        if (!(word(i + 1, "preference") || word(i + 1, "problem") || word(i + 1, "worries") ||
              word(i + 1, "one"))) {
          no_at = i;
        }
      }
    }
    for (auto p : yes_phrases) yes_at = std::min(yes_at, find_phrase(p));
    for (auto p : no_phrases) no_at = std::min(no_at, find_phrase(p));
    // "right" and "good" are only a yes in a short reply ("right", "sounds good").
    if (yes_at < t_.size() &&
        (t_[yes_at].is("right") || t_[yes_at].is("good") || t_[yes_at].is("fine") ||
         t_[yes_at].is("great") || t_[yes_at].is("please") || t_[yes_at].is("works")) &&
        t_.size() > 4 && expect_ != expectation::yes_no) {
      yes_at = t_.size();
    }
    if (yes_at < no_at) {
      // "yeah no" is a no.
      u_.reply = no_at < t_.size() && no_at == yes_at + 1 ? answer::no : answer::yes;
    } else if (no_at < t_.size()) {
      u_.reply = answer::no;
    }
  }

  void find_choice() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (used_[i]) continue;
      const auto& t = t_[i];
      if (t.ordinal && t.number >= 1 && t.number <= 4) {
        u_.choice = t.number;
        return;
      }
      if ((t.is("earlier") || t.is("earliest") || t.is("sooner")) && word(i + 1, "one")) {
        u_.choice = 1;
        return;
      }
      if ((t.is("later") || t.is("last") || t.is("other") || t.is("latter")) &&
          (word(i + 1, "one") || (i > 0 && t_[i - 1].is("the")))) {
        u_.choice = -1;
        return;
      }
      if (t.is("either") || t.is("whichever") || (t.is("former"))) {
        u_.choice = 1;
        return;
      }
    }
  }

  void find_flags() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const auto& t = t_[i];
      if (t.is("hi") || t.is("hello") || t.is("hey") || t.is("aloha") ||
          (t.is("good") && (word(i + 1, "morning") || word(i + 1, "afternoon")) && i == 0)) {
        u_.greeting = true;
      }
      if (t.is("thanks") || (t.is("thank") && word(i + 1, "you")) || t.is("mahalo")) {
        u_.thanks = true;
      }
      if (t.is("actually") || t.is("instead") || t.is("rather") || t.is("change") ||
          (t.is("i") && word(i + 1, "mean")) || t.is("not") || t.is("make") || t.is("switch") ||
          t.is("scratch")) {
        u_.correction = true;
      }
      if (t.is("also") || t.is("add") || t.is("plus") || (t.is("as") && word(i + 1, "well")) ||
          t.is("too")) {
        u_.addition = true;
      }
      if ((t.is("later") || t.is("after")) && !used_[i] && i + 1 >= t_.size()) u_.later = true;
      if (t.is("later") && !used_[i] && !word(i + 1, "one")) u_.later = true;
      if ((t.is("earlier") || t.is("sooner")) && !used_[i] && !word(i + 1, "one")) {
        u_.earlier = true;
      }
      // "what time do you close", "how late": the caller wants one end of the day, not both.
      if (t.is("close") || t.is("closing") || (t.is("how") && word(i + 1, "late"))) {
        u_.asks_closing = true;
      }
      if ((t.is("open") && (has_word("what") || has_word("when"))) ||
          (t.is("how") && word(i + 1, "early"))) {
        u_.asks_opening = true;
      }
    }
    // "no, thursday" and "no, a color" correct what was said; they do not refuse.
    const bool new_info =
        !u_.when.empty() || !u_.catalog.services.empty() || !u_.catalog.stylists.empty();
    if (u_.reply == answer::no && new_info && (u_.correction || t_.front().is("no"))) {
      u_.reply = answer::none;
      u_.correction = true;
    }
    u_.asks_menu = has_phrase("what do you offer") || has_phrase("what services") ||
                   has_phrase("which services") || has_phrase("your services") ||
                   has_phrase("what do you do") || has_phrase("services do you") ||
                   has_word("menu") || has_phrase("what kind of");
    if (u_.asks_menu && u_.catalog.services.empty() && !u_.has(intent::prices)) {
      u_.intents.insert(u_.intents.begin(), intent::prices);
    }
  }

  void find_fact() {
    for (const auto& f : fact_triggers) {
      if (has_word(f.word)) {
        u_.fact = std::string{f.fact};
        return;
      }
    }
    // A shop's own fact keys work as triggers too ("do you have wifi").
    for (const auto& [key, text] : shop_.facts) {
      if (has_word(key)) {
        u_.fact = key;
        if (!u_.has(intent::shop_info)) u_.intents.push_back(intent::shop_info);
        return;
      }
    }
  }

  const shop_snapshot& shop_;
  const catalog_index& catalog_;
  std::vector<token> t_;
  std::vector<bool> used_;
  // The utterance's distinct words, for constant-time "did they say X".
  std::vector<std::string_view> words_;  // sorted
  local_moment now_;
  expectation expect_;
  utterance u_;
};

}  // namespace

utterance analyze(const shop_snapshot& shop, const catalog_index& catalog, std::string_view text,
                  local_moment now, expectation expect) {
  try {
    return analyzer{shop, catalog, tokenize(text), now, expect}.run();
  } catch (...) {
    // Allocation failure is the only way here; an empty reading makes the dialog re-ask.
    return utterance{};
  }
}

}  // namespace salon::conversation
