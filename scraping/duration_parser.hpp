#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace salon::scraping {

// A duration found in text: "45 min", "1 hr 30 min", "1h30", "2.5 hours", "(75 min)", "3 hrs".
// Ranges ("45-60 min") give their upper end, since a booking must fit the longest case.
struct duration_match {
  std::size_t begin = 0;
  std::size_t end = 0;
  int minutes = 0;
};

std::optional<duration_match> find_duration(std::string_view text, std::size_t from = 0);

// ISO 8601 durations as schema.org writes them: "PT45M", "PT1H30M", "P0DT2H".
std::optional<int> parse_iso8601_duration(std::string_view text);

}  // namespace salon::scraping
