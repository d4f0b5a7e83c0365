#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scraping/price_parser.hpp"

namespace salon::scraping {

// One service written on one line: "Curly Cut ........ $85+ (75 min)",
// "Deep Hydration Treatment — $40 — 30 minutes. Add-on to any cut.", "Blowout: from $45".
struct service_line {
  std::string name;
  std::string description;
  std::optional<price_match> price;
  std::string price_text;
  std::optional<int> duration_minutes;
};

// Empty unless the line has a plausible service name and a price.
std::optional<service_line> parse_service_line(std::string_view line);

// Text that holds only a price and/or a duration, as under a heading: "$65 · 60 min",
// "Price: from $250", "45 min". The name is left empty.
std::optional<service_line> parse_price_and_duration(std::string_view text);

// Rejects sentences and policy wording that happen to hold a price ("A fee of $25 applies").
bool plausible_service_name(std::string_view name);

}  // namespace salon::scraping
