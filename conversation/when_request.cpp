#include "conversation/when_request.hpp"

namespace salon::conversation {

namespace {

bool inside(int minute, const opening_hours& h) {
  return minute >= h.opens.count() && minute < h.closes.count();
}

}  // namespace

int resolve_minute_of_day(const clock_time& t, const std::optional<opening_hours>& hours) noexcept {
  const int minute = t.minute < 0 || t.minute > 59 ? 0 : t.minute;
  int hour = t.hour < 0 || t.hour > 23 ? 0 : t.hour;
  if (t.half == meridiem::am) return (hour % 12) * 60 + minute;
  if (t.half == meridiem::pm) return (hour % 12 + 12) * 60 + minute;
  if (hour == 0 || hour > 12) return hour * 60 + minute;
  const int am = (hour % 12) * 60 + minute;
  const int pm = (hour % 12 + 12) * 60 + minute;
  if (hours) {
    const bool am_open = inside(am, *hours);
    const bool pm_open = inside(pm, *hours);
    if (am_open != pm_open) return am_open ? am : pm;
  }
  // Neither or both fit: people book from 7 in the morning to 6 in the evening.
  return hour >= 7 && hour <= 11 ? am : pm;
}

minute_span span_of(part_of_day part) noexcept {
  switch (part) {
    case part_of_day::morning:
      return {0, 12 * 60};
    case part_of_day::afternoon:
      return {12 * 60, 17 * 60};
    case part_of_day::evening:
      return {17 * 60, 24 * 60};
    case part_of_day::none:
      break;
  }
  return {};
}

}  // namespace salon::conversation
