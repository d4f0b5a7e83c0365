#include "conversation/shop_clock.hpp"

#include <date/tz.h>

#include <string>

namespace salon::conversation {

namespace {

date::local_seconds to_date_local(std::chrono::local_days day, std::chrono::minutes m) {
  return date::local_seconds{day.time_since_epoch() + m};
}

}  // namespace

shop_clock::shop_clock(std::string_view zone_name) noexcept {
  try {
    zone_ = date::locate_zone(std::string{zone_name});
  } catch (...) {
    zone_ = nullptr;
  }
}

local_moment shop_clock::to_local(std::chrono::sys_seconds t) const noexcept {
  auto offset = std::chrono::seconds{0};
  if (zone_ != nullptr) {
    try {
      offset = zone_->get_info(t).offset;
    } catch (...) {
      offset = std::chrono::seconds{0};
    }
  }
  const auto local = t.time_since_epoch() + offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  return {std::chrono::local_days{day}, std::chrono::floor<std::chrono::minutes>(local - day)};
}

std::chrono::sys_seconds shop_clock::to_sys(std::chrono::local_days day,
                                            std::chrono::minutes minute_of_day) const noexcept {
  const auto local = to_date_local(day, minute_of_day);
  if (zone_ == nullptr) return std::chrono::sys_seconds{local.time_since_epoch()};
  try {
    const auto info = zone_->get_info(local);
    switch (info.result) {
      case date::local_info::unique:
      case date::local_info::ambiguous:
        return std::chrono::sys_seconds{local.time_since_epoch() - info.first.offset};
      case date::local_info::nonexistent:
        // Keep the wall-clock distance from the earlier offset, landing after the jump.
        return std::chrono::sys_seconds{local.time_since_epoch() - info.first.offset};
    }
  } catch (...) {
  }
  return std::chrono::sys_seconds{local.time_since_epoch()};
}

}  // namespace salon::conversation
