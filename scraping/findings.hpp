#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace salon::scraping {

// One service as the website states it. Prices are in cents of `currency`.
struct service_finding {
  std::string name;
  std::string category;
  std::string description;
  std::string price_text;  // as written, e.g. "$150–$220", "from $250"
  std::optional<std::int64_t> price_cents;
  std::optional<std::int64_t> price_max_cents;  // set for ranges
  bool price_is_from = false;                   // "from $250", "$65+"
  std::string currency;                         // ISO 4217, set with a price
  std::optional<int> duration_minutes;
  std::vector<std::string> source_urls;  // pages that mention it, first one first
};

struct professional_finding {
  std::string name;
  std::string role;
  std::string bio;
  // What the website says they do ("balayage", "curly cuts").
  std::vector<std::string> specialties;
  // Catalog names matching those specialties (filled when pages are merged).
  std::vector<std::string> service_names;
  std::vector<std::string> source_urls;
};

// One day's opening hours in the shop's local time, minutes after midnight. `closes` may be 1440.
struct day_hours {
  bool closed = false;
  int opens_minute = 0;
  int closes_minute = 0;

  friend bool operator==(const day_hours&, const day_hours&) = default;
};

// Index 0 = Sunday ... 6 = Saturday (as in the database). An empty optional means the pages did
// not say; merged site findings fill unstated days as closed once any day is known.
struct weekly_hours {
  std::array<std::optional<day_hours>, 7> days;

  int known_days() const;
  bool empty() const { return known_days() == 0; }
  friend bool operator==(const weekly_hours&, const weekly_hours&) = default;
};

struct postal_address {
  std::string street;
  std::string city;
  std::string region;  // state or province, as written ("HI", "TX")
  std::string postal_code;
  std::string country;  // ISO 3166 alpha-2 when known ("US")

  bool empty() const;
  // "3579 Waialae Ave, Honolulu, HI 96816": how the receptionist reads it out.
  std::string one_line() const;
  friend bool operator==(const postal_address&, const postal_address&) = default;
};

// A static answer for callers; `key` is one of: parking, cancellation, payment, booking,
// walk_ins, pricing.
struct salon_fact {
  std::string key;
  std::string text;
  std::string source_url;
};

// How much a single finding can be trusted; a stronger one replaces a weaker one on merge.
enum class evidence : std::uint8_t { none, page_title, page_text, page_markup, structured_data };

// Everything found about one salon, from one page or merged from several.
struct findings {
  std::string business_name;
  evidence business_name_evidence = evidence::none;
  std::string telephone;       // as written
  std::string telephone_e164;  // "+18084826296" when it is a North American number
  evidence telephone_evidence = evidence::none;
  postal_address address;
  evidence address_evidence = evidence::none;
  weekly_hours hours;
  evidence hours_evidence = evidence::none;
  std::vector<service_finding> services;
  std::vector<professional_finding> professionals;
  std::vector<salon_fact> facts;
};

// A same-site link worth reading; a higher rank is read first.
struct ranked_link {
  std::string url;
  std::string text;
  int rank = 0;
};

struct ignored_link {
  std::string url;
  std::string reason;  // "external site", "not http(s)", ...
};

struct page_findings {
  std::string url;
  findings found;
  std::vector<ranked_link> links;
  std::vector<ignored_link> ignored_links;
  std::vector<std::string> warnings;
};

}  // namespace salon::scraping
