#include "conversation/when_parser.hpp"

#include <array>
#include <string_view>
#include <unordered_set>

namespace salon::conversation {

namespace {

using std::chrono::days;
using std::chrono::local_days;

constexpr std::array<std::string_view, 7> weekday_names{
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

int weekday_of(std::string_view w) {
  for (int i = 0; i < 7; ++i) {
    const auto name = weekday_names[static_cast<std::size_t>(i)];
    if (w == name) return i;
    // "fridays" ("are you open sundays").
    if (w.size() == name.size() + 1 && w.starts_with(name) && w.back() == 's') return i;
  }
  static constexpr std::array<std::pair<std::string_view, int>, 9> short_names{{
      {"tues", 2},
      {"tue", 2},
      {"weds", 3},
      {"wed", 3},
      {"thurs", 4},
      {"thur", 4},
      {"thu", 4},
      {"fri", 5},
      {"wednsday", 3},
  }};
  for (const auto& [name, day] : short_names) {
    if (w == name) return day;
  }
  return -1;
}

int month_of(std::string_view w) {
  static constexpr std::string_view names[] = {"january",   "february", "march",    "april",
                                               "may",       "june",     "july",     "august",
                                               "september", "october",  "november", "december"};
  static constexpr std::string_view short_names[] = {"jan", "feb", "",     "apr", "",    "jun",
                                                     "jul", "aug", "sept", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (w == names[k] || (!short_names[k].empty() && w == short_names[k])) return i + 1;
  }
  if (w == "sep") return 9;
  return -1;
}

unsigned weekday_index(local_days d) {
  return std::chrono::weekday{d}.c_encoding();
}

// Words after a number that make it a count, not a time ("2 kids", "in 3 days").
bool is_count_word(std::string_view w) {
  static constexpr std::string_view words[] = {
      "days",   "day",      "weeks", "week",   "people", "person",  "kids",  "of",    "minutes",
      "minute", "hours",    "hour",  "months", "month",  "dollars", "bucks", "times", "haircuts",
      "cuts",   "children", "girls", "boys",   "men",    "women",   "years", "year"};
  static const std::unordered_set<std::string_view> set(std::begin(words), std::end(words));
  return set.contains(w);
}

class when_scanner {
 public:
  when_scanner(const std::vector<token>& tokens, std::vector<bool>& used, local_moment now)
      : t_(tokens), used_(used), now_(now), today_(now.day) {}

  when_request run() {
    for (std::size_t i = 0; i < t_.size(); ++i) {
      if (used_[i]) continue;
      if (scan_day(i)) continue;
      scan_time(i);
    }
    settle_meridiem();
    return w_;
  }

 private:
  bool word(std::size_t i, std::string_view w) const { return i < t_.size() && t_[i].is(w); }
  bool prev_word(std::size_t i, std::string_view w) const { return i > 0 && t_[i - 1].is(w); }
  void mark(std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < t_.size(); ++k) used_[k] = true;
  }
  // "not tuesday": the caller is ruling it out, not asking for it.
  bool negated(std::size_t i) const {
    return (i > 0 && t_[i - 1].is("not")) ||
           (i > 1 && t_[i - 2].is("not") && (t_[i - 1].is("on") || t_[i - 1].is("at")));
  }

  void set_day(local_days d, std::size_t i) {
    if (negated(i)) return;
    w_.day = d;
    w_.last_day.reset();
  }
  void set_span(local_days first, local_days last) {
    w_.day = first;
    w_.last_day = last;
  }

  bool scan_day(std::size_t i) {
    const auto& tok = t_[i];
    const std::string_view w = tok.text;
    if (w == "today") {
      set_day(today_, i);
      mark(i, i + 1);
      if (prev_word(i, "later")) {
        w_.after =
            clock_time{static_cast<int>(now_.minute_of_day.count() / 60), 0, meridiem::unknown};
        if (w_.after->hour >= 12) w_.after->half = meridiem::pm;
        mark(i - 1, i);
      }
      return true;
    }
    if (w == "tonight") {
      set_day(today_, i);
      w_.part = part_of_day::evening;
      mark(i, i + 1);
      return true;
    }
    if (w == "now" && (prev_word(i, "right") || prev_word(i, "today") || i + 1 == t_.size())) {
      set_day(today_, i);
      w_.earliest = true;
      mark(i, i + 1);
      return true;
    }
    if (w == "day" && word(i + 1, "after") && word(i + 2, "tomorrow")) {
      set_day(today_ + days{2}, i);
      mark(i, i + 3);
      if (prev_word(i, "the")) mark(i - 1, i);
      return true;
    }
    if (w == "tomorrow") {
      set_day(today_ + days{1}, i);
      mark(i, i + 1);
      return true;
    }
    if (const int wd = weekday_of(w); wd >= 0) {
      const int today_wd = static_cast<int>(weekday_index(today_));
      local_days d;
      if (prev_word(i, "next")) {
        const local_days monday = today_ - days{(today_wd + 6) % 7};
        d = monday + days{7 + (wd + 6) % 7};
        mark(i - 1, i);
      } else {
        // A bare weekday said on that weekday means next week's; "this friday" on a Friday is
        // today.
        int ahead = (wd - today_wd + 7) % 7;
        if (prev_word(i, "this")) {
          mark(i - 1, i);
        } else if (ahead == 0) {
          ahead = 7;
        }
        d = today_ + days{ahead};
      }
      set_day(d, i);
      mark(i, i + 1);
      // "friday the 4th": the date is spoken twice; the ordinal is part of this mention.
      if (word(i + 1, "the") && i + 2 < t_.size() && t_[i + 2].ordinal) {
        scan_ordinal_date(i + 2);
        mark(i + 1, i + 3);
      }
      return true;
    }
    if (w == "weekend") {
      const int wd = static_cast<int>(weekday_index(today_));
      const local_days saturday = today_ + days{(6 - wd + 7) % 7};
      const bool next = prev_word(i, "next");
      local_days first = wd == 0 ? today_ : saturday;
      local_days last = wd == 0 ? today_ : saturday + days{1};
      if (next) {
        first = wd == 0 ? today_ + days{6} : saturday + days{7};
        last = first + days{1};
      }
      if (!negated(i)) set_span(first, last);
      mark(i, i + 1);
      if (i > 0 && (t_[i - 1].is("this") || t_[i - 1].is("next") || t_[i - 1].is("the"))) {
        mark(i - 1, i);
      }
      return true;
    }
    if (w == "week" && (prev_word(i, "next") || prev_word(i, "this"))) {
      const int wd = static_cast<int>(weekday_index(today_));
      const local_days monday = today_ - days{(wd + 6) % 7};
      if (prev_word(i, "next")) {
        set_span(monday + days{7}, monday + days{13});
      } else {
        set_span(today_, monday + days{6});
      }
      mark(i - 1, i + 1);
      return true;
    }
    // "in two days", "in a week", "two days from now".
    if (w == "in" && i + 2 < t_.size() && (t_[i + 1].number > 0 || t_[i + 1].is("a"))) {
      const int n = t_[i + 1].number > 0 ? t_[i + 1].number : 1;
      if (t_[i + 2].is("days") || t_[i + 2].is("day")) {
        set_day(today_ + days{n}, i);
        mark(i, i + 3);
        return true;
      }
      if (t_[i + 2].is("weeks") || t_[i + 2].is("week")) {
        set_day(today_ + days{7 * n}, i);
        mark(i, i + 3);
        return true;
      }
    }
    if (tok.number > 0 && word(i + 1, "days") && word(i + 2, "from") && word(i + 3, "now")) {
      set_day(today_ + days{tok.number}, i);
      mark(i, i + 4);
      return true;
    }
    if (const int m = month_of(w); m > 0) {
      // "december 3rd", "december the 3rd", "dec 3".
      std::size_t k = i + 1;
      if (word(k, "the")) ++k;
      if (k < t_.size() && t_[k].number >= 1 && t_[k].number <= 31) {
        set_date(m, t_[k].number, i);
        mark(i, k + 1);
        return true;
      }
      // "the 3rd of december" was handled at the ordinal; a bare month is ignored.
      return false;
    }
    // "12/3" or "12/3/2026".
    if (tok.number < 0 && w.find('/') != std::string_view::npos && !w.empty() && w.front() >= '0' &&
        w.front() <= '9') {
      int parts[3] = {-1, -1, -1};
      int n = 0;
      int value = 0;
      bool digits = false;
      for (char c : w) {
        if (c == '/') {
          if (n < 3) parts[n] = digits ? value : -1;
          ++n;
          value = 0;
          digits = false;
        } else if (c >= '0' && c <= '9') {
          value = value * 10 + (c - '0');
          digits = true;
        }
      }
      if (n < 3) parts[n] = digits ? value : -1;
      if (n >= 1 && n <= 2 && parts[0] >= 1 && parts[0] <= 12 && parts[1] >= 1 && parts[1] <= 31) {
        set_date(parts[0], parts[1], i, n == 2 ? parts[2] : -1);
        mark(i, i + 1);
        return true;
      }
      return false;
    }
    if (tok.ordinal && tok.number >= 1 && tok.number <= 31 && ordinal_is_date(i)) {
      scan_ordinal_date(i);
      return true;
    }
    return false;
  }

  // Spoken "first", "second" and "third" usually pick an offered time ("the second one"); they
  // are a date only with "on the", "of <month>", or as digits ("3rd").
  bool ordinal_is_date(std::size_t i) const {
    const auto& tok = t_[i];
    if (word(i + 1, "one") || word(i + 1, "available") || word(i + 1, "thing") ||
        word(i + 1, "option") || word(i + 1, "time") || word(i + 1, "slot")) {
      return false;
    }
    if (!tok.spelled || tok.number > 3) return true;
    if (word(i + 1, "of")) return true;
    return i >= 2 && t_[i - 1].is("the") && t_[i - 2].is("on");
  }

  void scan_ordinal_date(std::size_t i) {
    const int dom = t_[i].number;
    std::size_t end = i + 1;
    int month = -1;
    if (word(i + 1, "of") && i + 2 < t_.size() && month_of(t_[i + 2].text) > 0) {
      month = month_of(t_[i + 2].text);
      end = i + 3;
    }
    std::size_t start = i;
    if (prev_word(i, "the")) start = i - 1;
    if (month > 0) {
      set_date(month, dom, start);
    } else {
      // "the 3rd": this month if it is still ahead, otherwise next month.
      const std::chrono::year_month_day ymd{today_};
      std::chrono::year_month_day candidate{ymd.year(), ymd.month(),
                                            std::chrono::day{static_cast<unsigned>(dom)}};
      for (int tries = 0; tries < 3; ++tries) {
        if (candidate.ok() && local_days{candidate} >= today_) break;
        const auto next =
            std::chrono::year_month{candidate.year(), candidate.month()} + std::chrono::months{1};
        candidate = std::chrono::year_month_day{next.year(), next.month(), candidate.day()};
      }
      if (candidate.ok() && !negated(start)) set_day(local_days{candidate}, start);
    }
    mark(start, end);
  }

  void set_date(int month, int dom, std::size_t i, int year = -1) {
    const std::chrono::year_month_day today_ymd{today_};
    int y = static_cast<int>(today_ymd.year());
    if (year >= 0) y = year < 100 ? 2000 + year : year;
    std::chrono::year_month_day d{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(dom)}};
    if (year < 0 && d.ok() && local_days{d} < today_) {
      d = std::chrono::year_month_day{std::chrono::year{y + 1}, d.month(), d.day()};
    }
    if (d.ok()) set_day(local_days{d}, i);
  }

  struct clock_read {
    clock_time time;
    std::size_t length = 0;
    bool explicit_time = false;  // has am/pm, minutes, o'clock or is a named time
  };

  static bool minute_token(const token& t) {
    if (t.ordinal || t.number < 0 || t.number > 59) return false;
    if (t.spelled) return t.number >= 10 || t.number == 0;
    return t.text.size() == 2;
  }

  std::optional<clock_read> read_clock(std::size_t i) const {
    if (i >= t_.size()) return std::nullopt;
    const auto& tok = t_[i];
    clock_read r;
    if (tok.is("noon") || tok.is("midday")) {
      return clock_read{{12, 0, meridiem::pm}, 1, true};
    }
    if (tok.is("midnight")) return clock_read{{0, 0, meridiem::am}, 1, true};
    // "half past two", "half two".
    if (tok.is("half")) {
      std::size_t k = i + 1;
      if (word(k, "past") || word(k, "after")) ++k;
      if (k < t_.size() && hour_token(t_[k])) {
        r.time = {t_[k].number, 30, meridiem::unknown};
        r.length = k + 1 - i;
        r.explicit_time = true;
        return with_suffix(r, i);
      }
      return std::nullopt;
    }
    // "quarter past two", "a quarter to four".
    if (tok.is("quarter") || (tok.is("a") && word(i + 1, "quarter"))) {
      std::size_t k = tok.is("a") ? i + 2 : i + 1;
      const bool to = word(k, "to") || word(k, "till") || word(k, "til") || word(k, "of");
      const bool past = word(k, "past") || word(k, "after");
      if ((to || past) && k + 1 < t_.size() && hour_token(t_[k + 1])) {
        int h = t_[k + 1].number;
        int m = 15;
        if (to) {
          h = h == 0 ? 23 : h - 1;
          m = 45;
          if (h == 0) h = 12;
        }
        r.time = {h, m, meridiem::unknown};
        r.length = k + 2 - i;
        r.explicit_time = true;
        return with_suffix(r, i);
      }
      return std::nullopt;
    }
    // "ten past four", "twenty to five" (spelled only, so "2 to 4" stays a range).
    if (tok.spelled && !tok.ordinal &&
        (tok.number == 5 || tok.number == 10 || tok.number == 20 || tok.number == 25) &&
        (word(i + 1, "past") || word(i + 1, "to") || word(i + 1, "after")) && i + 2 < t_.size() &&
        hour_token(t_[i + 2]) && !(i > 0 && (t_[i - 1].is("from") || t_[i - 1].is("between")))) {
      int h = t_[i + 2].number;
      int m = tok.number;
      if (t_[i + 1].is("to")) {
        h = h == 1 ? 12 : h - 1;
        m = 60 - m;
      }
      r.time = {h, m, meridiem::unknown};
      r.length = 3;
      r.explicit_time = true;
      return with_suffix(r, i);
    }
    // "3:30", "15:00".
    if (const auto colon = tok.text.find(':'); colon != std::string::npos && tok.number < 0) {
      int h = 0;
      int m = 0;
      bool ok = colon > 0 && colon <= 2 && tok.text.size() == colon + 3;
      for (std::size_t k = 0; ok && k < tok.text.size(); ++k) {
        if (k == colon) continue;
        const char c = tok.text[k];
        if (c < '0' || c > '9') {
          ok = false;
          break;
        }
        if (k < colon) {
          h = h * 10 + (c - '0');
        } else {
          m = m * 10 + (c - '0');
        }
      }
      if (!ok || h > 23 || m > 59) return std::nullopt;
      r.time = {h, m, meridiem::unknown};
      r.length = 1;
      r.explicit_time = true;
      return with_suffix(r, i);
    }
    if (hour_token(tok)) {
      r.time = {tok.number, 0, meridiem::unknown};
      r.length = 1;
      // "three thirty", "four forty five", "2 30".
      if (i + 1 < t_.size() && minute_token(t_[i + 1]) && !is_count_word(word_at(i + 2)) &&
          (tok.spelled == t_[i + 1].spelled)) {
        r.time.minute = t_[i + 1].number;
        r.length = 2;
        r.explicit_time = true;
      }
      return with_suffix(r, i);
    }
    return std::nullopt;
  }

  std::string_view word_at(std::size_t i) const {
    return i < t_.size() ? std::string_view{t_[i].text} : std::string_view{};
  }

  static bool hour_token(const token& t) { return !t.ordinal && t.number >= 0 && t.number <= 23; }

  clock_read with_suffix(clock_read r, std::size_t i) const {
    std::size_t k = i + r.length;
    if (word(k, "am")) {
      r.time.half = meridiem::am;
      r.length += 1;
      r.explicit_time = true;
    } else if (word(k, "pm")) {
      r.time.half = meridiem::pm;
      r.length += 1;
      r.explicit_time = true;
    } else if (word(k, "oclock")) {
      r.length += 1;
      r.explicit_time = true;
    } else if (word(k, "ish")) {
      r.length += 1;
      r.explicit_time = true;
    }
    k = i + r.length;
    if (word(k, "in") && word(k + 1, "the") && k + 2 < t_.size()) {
      const auto& p = t_[k + 2];
      if (p.is("morning")) r.time.half = meridiem::am;
      if (p.is("afternoon") || p.is("evening")) r.time.half = meridiem::pm;
      if (r.time.half != meridiem::unknown) {
        r.length += 3;
        r.explicit_time = true;
      }
    } else if ((word(k, "at") && word(k + 1, "night")) || word(k, "tonight")) {
      r.time.half = meridiem::pm;
      r.explicit_time = true;
    }
    if (r.time.hour > 12) r.time.half = meridiem::unknown;
    if (r.time.hour == 0 && r.time.half == meridiem::unknown) r.explicit_time = r.length > 1;
    return r;
  }

  void scan_time(std::size_t i) {
    const auto& tok = t_[i];
    const std::string_view w = tok.text;
    if (w == "morning" || w == "mornings") {
      w_.part = part_of_day::morning;
      mark(i, i + 1);
      if (prev_word(i, "this")) set_day(today_, i - 1);
      if (prev_word(i, "thing") && i > 1 && t_[i - 2].is("first")) w_.earliest = true;
      return;
    }
    if (w == "afternoon" || w == "afternoons") {
      w_.part = part_of_day::afternoon;
      mark(i, i + 1);
      if (prev_word(i, "this")) set_day(today_, i - 1);
      return;
    }
    if (w == "evening" || w == "evenings" || (w == "night" && !prev_word(i, "at"))) {
      w_.part = part_of_day::evening;
      mark(i, i + 1);
      if (prev_word(i, "this")) set_day(today_, i - 1);
      return;
    }
    if (w == "lunch" || w == "lunchtime") {
      w_.at = clock_time{12, 0, meridiem::pm};
      w_.around = true;
      mark(i, i + 1);
      return;
    }
    if (w == "earliest" || w == "soonest" || w == "asap" || w == "sooner" ||
        ((w == "first" || w == "next") && (word(i + 1, "available") || word(i + 1, "opening"))) ||
        (w == "first" && word(i + 1, "thing")) ||
        (w == "soon" && prev_word(i, "as") && word(i + 1, "as"))) {
      w_.earliest = true;
      mark(i, i + 2);
      return;
    }
    if (w == "anytime" || w == "whenever" ||
        (w == "any" && (word(i + 1, "time") || word(i + 1, "day")))) {
      w_.anytime = true;
      mark(i, w == "any" ? i + 2 : i + 1);
      return;
    }
    if (w == "between" || w == "from") {
      const auto first = read_clock(i + 1);
      if (first) {
        const std::size_t k = i + 1 + first->length;
        if (word(k, "and") || word(k, "to") || word(k, "till") || word(k, "until")) {
          if (const auto second = read_clock(k + 1)) {
            clock_time a = first->time;
            const clock_time b = second->time;
            if (a.half == meridiem::unknown && b.half != meridiem::unknown && a.hour <= b.hour) {
              a.half = b.half;
            }
            w_.after = a;
            w_.before = b;
            w_.at.reset();
            mark(i, k + 1 + second->length);
            return;
          }
        }
        if (w == "from") {
          w_.after = first->time;
          mark(i, i + 1 + first->length);
          return;
        }
      }
    }
    enum class relation { at, around, after, before };
    relation rel = relation::at;
    std::size_t start = i;
    std::size_t clock_at = i;
    bool prefixed = false;
    if (w == "at" || w == "for") {
      clock_at = i + 1;
      prefixed = true;
    } else if (w == "around" || w == "about" || w == "approximately" || w == "roughly") {
      rel = relation::around;
      clock_at = i + 1;
      prefixed = true;
      if (word(i + 1, "at")) clock_at = i + 2;
    } else if (w == "after" || (w == "past" && !prev_word(i, "half"))) {
      rel = relation::after;
      clock_at = i + 1;
      prefixed = true;
    } else if (w == "before" || w == "by" || w == "until" || w == "till" || w == "til") {
      rel = relation::before;
      clock_at = i + 1;
      prefixed = true;
    } else if ((w == "later" || w == "earlier") && word(i + 1, "than")) {
      rel = w == "later" ? relation::after : relation::before;
      clock_at = i + 2;
      prefixed = true;
    } else if (w == "than" || w == "make" || w == "it" || w == "say" || w == "do") {
      clock_at = i + 1;
    }
    const auto read = read_clock(clock_at);
    if (!read) return;
    const auto& first_tok = t_[clock_at];
    bool accept = prefixed || read->explicit_time;
    if (!accept) {
      // A bare number is a time only when nothing says it is a count or a choice.
      const bool spelled_one = first_tok.spelled && first_tok.number == 1;
      accept = first_tok.number >= 1 && first_tok.number <= 12 && !spelled_one &&
               !is_count_word(word_at(clock_at + read->length)) && !prev_word(clock_at, "the") &&
               !prev_word(clock_at, "in") && !prev_word(clock_at, "is");
    }
    // "for 2 people" is a count; "book me for 3" is a time.
    if (w == "for" && is_count_word(word_at(clock_at + read->length))) accept = false;
    if (!accept) return;
    const std::size_t end = clock_at + read->length;
    if (negated(start) || negated(clock_at)) {
      mark(start, end);
      return;
    }
    switch (rel) {
      case relation::at:
      case relation::around:
        w_.at = read->time;
        w_.around = rel == relation::around;
        break;
      case relation::after:
        w_.after = read->time;
        w_.at.reset();
        break;
      case relation::before:
        w_.before = read->time;
        w_.at.reset();
        break;
    }
    mark(start, end);
  }

  // "3 in the afternoon" was handled when reading the clock; here "friday afternoon at 3" and
  // "tonight at 7" give the hour its half of the day.
  void settle_meridiem() {
    const auto settle = [this](std::optional<clock_time>& t) {
      if (!t || t->half != meridiem::unknown || t->hour == 0 || t->hour > 12) return;
      if (w_.part == part_of_day::morning) t->half = meridiem::am;
      if (w_.part == part_of_day::afternoon || w_.part == part_of_day::evening) {
        t->half = meridiem::pm;
      }
    };
    settle(w_.at);
    settle(w_.after);
    settle(w_.before);
  }

  const std::vector<token>& t_;
  std::vector<bool>& used_;
  local_moment now_;
  local_days today_;
  when_request w_;
};

}  // namespace

when_request parse_when(const std::vector<token>& tokens, std::vector<bool>& used,
                        local_moment now) {
  if (used.size() != tokens.size()) used.assign(tokens.size(), false);
  return when_scanner{tokens, used, now}.run();
}

}  // namespace salon::conversation
