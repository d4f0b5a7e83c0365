#include "scraping/findings.hpp"

namespace salon::scraping {

int weekly_hours::known_days() const {
  int known = 0;
  for (const auto& day : days) known += day ? 1 : 0;
  return known;
}

bool postal_address::empty() const {
  return street.empty() && city.empty() && region.empty() && postal_code.empty();
}

std::string postal_address::one_line() const {
  std::string line = street;
  const auto add = [&](const std::string& part, const char* separator) {
    if (part.empty()) return;
    if (!line.empty()) line += separator;
    line += part;
  };
  add(city, ", ");
  add(region, ", ");
  add(postal_code, region.empty() ? ", " : " ");
  return line;
}

}  // namespace salon::scraping
