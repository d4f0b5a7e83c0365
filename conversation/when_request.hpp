#pragma once

#include <chrono>
#include <optional>

#include "conversation/shop_snapshot.hpp"

namespace salon::conversation {

enum class meridiem { unknown, am, pm };

// A wall-clock time as the caller said it: "3" is {3, 0, unknown}; AM or PM is settled later from
// the opening hours of the day it applies to.
struct clock_time {
  int hour = 0;  // 0..23
  int minute = 0;
  meridiem half = meridiem::unknown;

  friend bool operator==(const clock_time&, const clock_time&) = default;
};

enum class part_of_day { none, morning, afternoon, evening };

// What the caller said about when: a day (or a span of days), and a time, a bound, or a part of
// the day. Everything is optional; a correction replaces only what it mentions.
struct when_request {
  std::optional<std::chrono::local_days> day;
  // Last day of a span ("this weekend", "next week"); unset for a single day.
  std::optional<std::chrono::local_days> last_day;
  std::optional<clock_time> at;
  bool around = false;
  std::optional<clock_time> after;
  std::optional<clock_time> before;
  part_of_day part = part_of_day::none;
  bool earliest = false;
  bool anytime = false;

  bool has_day() const noexcept { return day.has_value(); }
  bool has_time() const noexcept {
    return at || after || before || part != part_of_day::none || earliest || anytime;
  }
  bool empty() const noexcept { return !has_day() && !has_time(); }

  // Applies a later statement on top of this one: a new day replaces the day, any new time
  // information replaces all time information.
  void merge(const when_request& newer) {
    if (newer.has_day()) {
      day = newer.day;
      last_day = newer.last_day;
    }
    if (newer.has_time()) {
      at = newer.at;
      around = newer.around;
      after = newer.after;
      before = newer.before;
      part = newer.part;
      earliest = newer.earliest;
      anytime = newer.anytime;
    }
  }
};

// Minutes after midnight for a time the caller said, taking AM or PM from the opening hours when
// the caller did not say it: "3" is 3 PM at a shop open 9 to 6, "9" is 9 AM.
int resolve_minute_of_day(const clock_time& t, const std::optional<opening_hours>& hours) noexcept;

// The span a part of the day covers, in minutes after midnight.
struct minute_span {
  int from = 0;
  int to = 24 * 60;
};
minute_span span_of(part_of_day part) noexcept;

}  // namespace salon::conversation
