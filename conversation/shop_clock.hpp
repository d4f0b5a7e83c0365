#pragma once

#include <chrono>
#include <string_view>

namespace date {
class time_zone;
}

namespace salon::conversation {

// A moment as the shop sees it on its wall clock.
struct local_moment {
  std::chrono::local_days day;
  std::chrono::minutes minute_of_day{0};
};

// Converts between UTC and the shop's local time through the tz database, so daylight-saving
// changes come from the zone's rules, never from a fixed offset.
class shop_clock {
 public:
  // An unknown zone name falls back to UTC; ok() then reports false.
  explicit shop_clock(std::string_view zone_name) noexcept;

  bool ok() const noexcept { return zone_ != nullptr; }
  local_moment to_local(std::chrono::sys_seconds t) const noexcept;
  // A wall time that does not exist (spring forward) moves forward by the gap (2:30 becomes 3:30);
  // a time that occurs twice (fall back) maps to its first occurrence.
  std::chrono::sys_seconds to_sys(std::chrono::local_days day,
                                  std::chrono::minutes minute_of_day) const noexcept;

 private:
  const date::time_zone* zone_ = nullptr;
};

}  // namespace salon::conversation
