#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "conversation/shop_snapshot.hpp"

namespace salon::conversation::fixture {

// Directory of the test data files.
std::string data_path(std::string_view file);

// Reads a shop from tests/conversation/data; booked times in the file are the shop's local time.
std::shared_ptr<const shop_snapshot> load_shop(std::string_view file);

// "2026-12-04T15:00" in the shop's time zone.
std::chrono::sys_seconds shop_time(const shop_snapshot& shop, std::string_view local);
std::chrono::local_days local_date(std::string_view iso_date);

}  // namespace salon::conversation::fixture
