#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scraping/findings.hpp"

namespace salon::scraping {

// A North American (US or Canadian) street address in running text:
// "1201 S Lamar Blvd, Austin, TX 78704", "3579 Waialae Ave\nHonolulu, HI 96816".
std::optional<postal_address> find_postal_address(std::string_view text);

struct telephone_match {
  std::string text;  // as written: "(512) 555-0147"
  std::string e164;  // "+15125550147"
};

// The first telephone number in running text: North American numbers in their usual spellings,
// and international ones written with a leading "+".
std::optional<telephone_match> find_telephone(std::string_view text);

// "+1-808-482-6296", "(808) 482-6296", "tel:+18084826296" → "+18084826296"; empty if not a number.
std::string telephone_e164(std::string_view text);

// ISO 3166 alpha-2 of a country named in English or its own language, or by its alpha-3 code,
// for every country shop setup knows a time zone of: "United States", "U.S.", "USA" → "US";
// "Germany", "Deutschland", "DEU" → "DE"; "UK" → "GB". Other two-letter codes are kept
// (uppercased), anything else is returned trimmed.
std::string normalize_country(std::string_view country);

// Two-letter code of a US state or Canadian province from its code or name ("Texas" → "TX").
std::string region_code(std::string_view region);

// "US" or "CA" for a US state or Canadian province code; empty otherwise.
std::string region_country(std::string_view region_code);

}  // namespace salon::scraping
