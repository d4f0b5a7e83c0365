#include "net/shop_from_website.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <utility>

#include "scraping/contact_parser.hpp"

namespace salon::net {
namespace {

using zone_entry = std::pair<std::string_view, std::string_view>;

// Where a state spans two zones, the zone of most of its people.
constexpr std::array<zone_entry, 54> us_states{{
    {"AK", "America/Anchorage"},   {"AL", "America/Chicago"},
    {"AR", "America/Chicago"},     {"AZ", "America/Phoenix"},
    {"CA", "America/Los_Angeles"}, {"CO", "America/Denver"},
    {"CT", "America/New_York"},    {"DC", "America/New_York"},
    {"DE", "America/New_York"},    {"FL", "America/New_York"},
    {"GA", "America/New_York"},    {"HI", "Pacific/Honolulu"},
    {"IA", "America/Chicago"},     {"ID", "America/Boise"},
    {"IL", "America/Chicago"},     {"IN", "America/Indiana/Indianapolis"},
    {"KS", "America/Chicago"},     {"KY", "America/New_York"},
    {"LA", "America/Chicago"},     {"MA", "America/New_York"},
    {"MD", "America/New_York"},    {"ME", "America/New_York"},
    {"MI", "America/Detroit"},     {"MN", "America/Chicago"},
    {"MO", "America/Chicago"},     {"MS", "America/Chicago"},
    {"MT", "America/Denver"},      {"NC", "America/New_York"},
    {"ND", "America/Chicago"},     {"NE", "America/Chicago"},
    {"NH", "America/New_York"},    {"NJ", "America/New_York"},
    {"NM", "America/Denver"},      {"NV", "America/Los_Angeles"},
    {"NY", "America/New_York"},    {"OH", "America/New_York"},
    {"OK", "America/Chicago"},     {"OR", "America/Los_Angeles"},
    {"PA", "America/New_York"},    {"PR", "America/Puerto_Rico"},
    {"RI", "America/New_York"},    {"SC", "America/New_York"},
    {"SD", "America/Chicago"},     {"TN", "America/Chicago"},
    {"TX", "America/Chicago"},     {"UT", "America/Denver"},
    {"VA", "America/New_York"},    {"VT", "America/New_York"},
    {"WA", "America/Los_Angeles"}, {"WI", "America/Chicago"},
    {"WV", "America/New_York"},    {"WY", "America/Denver"},
    {"GU", "Pacific/Guam"},        {"VI", "America/St_Thomas"},
}};

constexpr std::array<zone_entry, 13> canadian_provinces{{
    {"AB", "America/Edmonton"},
    {"BC", "America/Vancouver"},
    {"MB", "America/Winnipeg"},
    {"NB", "America/Moncton"},
    {"NL", "America/St_Johns"},
    {"NS", "America/Halifax"},
    {"NT", "America/Yellowknife"},
    {"NU", "America/Iqaluit"},
    {"ON", "America/Toronto"},
    {"PE", "America/Halifax"},
    {"QC", "America/Toronto"},
    {"SK", "America/Regina"},
    {"YT", "America/Whitehorse"},
}};

constexpr std::array<zone_entry, 8> australian_states{{
    {"ACT", "Australia/Sydney"},
    {"NSW", "Australia/Sydney"},
    {"NT", "Australia/Darwin"},
    {"QLD", "Australia/Brisbane"},
    {"SA", "Australia/Adelaide"},
    {"TAS", "Australia/Hobart"},
    {"VIC", "Australia/Melbourne"},
    {"WA", "Australia/Perth"},
}};

// Countries with one zone, or one that most of their people live in.
constexpr std::array<zone_entry, 34> countries{{
    {"AE", "Asia/Dubai"},         {"AT", "Europe/Vienna"},       {"BE", "Europe/Brussels"},
    {"BR", "America/Sao_Paulo"},  {"CH", "Europe/Zurich"},       {"CZ", "Europe/Prague"},
    {"DE", "Europe/Berlin"},      {"DK", "Europe/Copenhagen"},   {"ES", "Europe/Madrid"},
    {"FI", "Europe/Helsinki"},    {"FR", "Europe/Paris"},        {"GB", "Europe/London"},
    {"GR", "Europe/Athens"},      {"HK", "Asia/Hong_Kong"},      {"IE", "Europe/Dublin"},
    {"IL", "Asia/Jerusalem"},     {"IN", "Asia/Kolkata"},        {"IT", "Europe/Rome"},
    {"JP", "Asia/Tokyo"},         {"KR", "Asia/Seoul"},          {"MX", "America/Mexico_City"},
    {"NL", "Europe/Amsterdam"},   {"NO", "Europe/Oslo"},         {"NZ", "Pacific/Auckland"},
    {"PH", "Asia/Manila"},        {"PL", "Europe/Warsaw"},       {"PR", "America/Puerto_Rico"},
    {"PT", "Europe/Lisbon"},      {"SE", "Europe/Stockholm"},    {"SG", "Asia/Singapore"},
    {"UK", "Europe/London"},      {"ZA", "Africa/Johannesburg"}, {"GU", "Pacific/Guam"},
    {"IS", "Atlantic/Reykjavik"},
}};

template <std::size_t N>
std::optional<std::string> look_up(const std::array<zone_entry, N>& table, std::string_view key) {
  for (const auto& [code, zone] : table) {
    if (code == key) return std::string(zone);
  }
  return std::nullopt;
}

std::string upper(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '.') {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// At most `bytes` bytes, cut on a UTF-8 character boundary (so at most that many characters).
std::string clip(std::string text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

std::optional<std::string> non_empty(std::string text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  return text;
}

bool is_country_code(std::string_view code) {
  return code.size() == 2 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// The database's limits (0003_catalog.sql): names 1..200 characters, facts up to 4000.
constexpr std::size_t name_limit = 200;
constexpr std::size_t fact_limit = 4000;

void plan_services(const scraping::findings& found, const std::optional<db::shop>& existing,
                   shop_plan& plan) {
  if (found.services.empty()) {
    if (existing && !existing->services.empty()) {
      plan.record.services = existing->services;
      plan.notes.push_back("no services found on the website: the " +
                           std::to_string(existing->services.size()) +
                           " services stored before were kept");
    }
    return;
  }
  std::map<std::string, const db::service*> before;
  if (existing) {
    for (const auto& s : existing->services) before[lower(s.name)] = &s;
  }
  int assumed = 0;
  std::vector<std::string> seen;
  for (const auto& finding : found.services) {
    auto name = clip(trim(finding.name), name_limit);
    if (name.empty()) continue;
    const auto key = lower(name);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    db::service service;
    service.name = name;
    service.category = non_empty(finding.category);
    service.description = non_empty(finding.description);
    if (finding.duration_minutes && *finding.duration_minutes >= 1 &&
        *finding.duration_minutes <= 24 * 60) {
      service.duration_minutes = *finding.duration_minutes;
    } else {
      service.duration_minutes = assumed_duration_minutes;
      ++assumed;
    }
    if (finding.price_cents && *finding.price_cents >= 0) {
      service.price_cents = finding.price_cents;
      if (finding.price_max_cents && *finding.price_max_cents >= *finding.price_cents) {
        service.price_max_cents = finding.price_max_cents;
      }
      service.price_is_from = finding.price_is_from;
    }
    // Words callers use for it were entered by hand: they stay.
    if (auto it = before.find(key); it != before.end()) service.synonyms = it->second->synonyms;
    plan.record.services.push_back(std::move(service));
  }
  if (assumed > 0) {
    plan.notes.push_back(
        std::to_string(assumed) + (assumed == 1 ? " service has" : " services have") +
        " no duration on the website: " + std::to_string(assumed_duration_minutes) +
        " minutes assumed");
  }
}

void plan_stylists(const scraping::findings& found, const std::optional<db::shop>& existing,
                   shop_plan& plan) {
  if (found.professionals.empty()) {
    if (existing && !existing->stylists.empty()) {
      plan.record.stylists = existing->stylists;
      plan.notes.push_back("no stylists found on the website: the " +
                           std::to_string(existing->stylists.size()) +
                           " stylists stored before were kept");
    }
    return;
  }
  std::map<std::string, const db::stylist*> before;
  if (existing) {
    for (const auto& s : existing->stylists) before[lower(s.name)] = &s;
  }
  std::vector<std::string> seen;
  for (const auto& person : found.professionals) {
    auto name = clip(trim(person.name), name_limit);
    if (name.empty()) continue;
    const auto key = lower(name);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    db::stylist stylist;
    stylist.name = name;
    stylist.role = non_empty(person.role);
    stylist.bio = non_empty(person.bio);
    stylist.service_names = person.service_names;
    if (!person.source_urls.empty()) stylist.source_url = person.source_urls.front();
    // Days off are not on websites; the ones entered by hand stay.
    if (auto it = before.find(key); it != before.end()) stylist.days_off = it->second->days_off;
    plan.record.stylists.push_back(std::move(stylist));
  }
}

void plan_facts(const scraping::findings& found, const std::optional<db::shop>& existing,
                shop_plan& plan) {
  std::map<std::string, db::shop_fact> facts;
  for (const auto& fact : found.facts) {
    const auto text = trim(fact.text);
    if (text.empty()) continue;
    auto& kept = facts[fact.key];
    // The page of the first sentence kept stands for the fact.
    if (kept.value.empty()) kept.source = non_empty(fact.source_url);
    if (kept.value.find(text) != std::string::npos) continue;
    kept.value = kept.value.empty() ? text : kept.value + " " + text;
  }
  if (existing) {
    for (const auto& fact : existing->facts) facts.emplace(fact.key, fact);
  }
  for (auto& [key, fact] : facts) {
    plan.record.facts.push_back({key, clip(std::move(fact.value), fact_limit), fact.source});
  }
}

std::array<std::optional<db::opening_span>, 7> hours_of(const scraping::weekly_hours& hours,
                                                        int& dropped) {
  std::array<std::optional<db::opening_span>, 7> out;
  for (std::size_t day = 0; day < 7; ++day) {
    const auto& d = hours.days[day];
    if (!d || d->closed) continue;
    if (d->opens_minute < 0 || d->closes_minute > 24 * 60 || d->opens_minute >= d->closes_minute) {
      ++dropped;
      continue;
    }
    out[day] = db::opening_span{std::chrono::minutes(d->opens_minute),
                                std::chrono::minutes(d->closes_minute)};
  }
  return out;
}

void plan_salon(const shop_setup_request& request, const scraping::findings& found,
                const std::optional<db::shop>& existing, const std::string& default_time_zone,
                shop_plan& plan) {
  db::salon_details salon;
  if (existing && existing->salon) salon = *existing->salon;
  if (!found.address.empty()) {
    salon.address = non_empty(found.address.one_line());
    salon.region = non_empty(found.address.region);
    const auto country = upper(scraping::normalize_country(found.address.country));
    salon.country = is_country_code(country) ? std::optional(country) : std::nullopt;
  } else if (existing && existing->salon && existing->salon->address) {
    plan.notes.push_back("no address found on the website: the stored address was kept");
  }

  if (request.time_zone) {
    salon.time_zone = *request.time_zone;
    plan.time_zone_source = "request";
  } else if (auto zone = time_zone_for(found.address.region, found.address.country)) {
    salon.time_zone = *zone;
    plan.time_zone_source = "address";
  } else if (!salon.time_zone.empty()) {
    plan.time_zone_source = "existing";
  } else {
    salon.time_zone = default_time_zone;
    plan.time_zone_source = "default";
    plan.notes.push_back("time zone not given and not found from an address: " + default_time_zone +
                         " (DEFAULT_TIMEZONE) assumed");
  }

  if (!found.hours.empty()) {
    int dropped = 0;
    salon.hours = hours_of(found.hours, dropped);
    if (dropped > 0) {
      plan.notes.push_back(std::to_string(dropped) +
                           " days of opening hours made no sense (closing before opening) and "
                           "were stored as closed");
    }
  } else if (existing && existing->salon) {
    plan.notes.push_back("no opening hours found on the website: the stored hours were kept");
  } else {
    plan.notes.push_back(
        "no opening hours found on the website: the shop is closed every day until hours are set");
  }
  if (request.forward_phone) salon.forward_phone = request.forward_phone;
  plan.record.salon = std::move(salon);
}

}  // namespace

std::optional<std::string> time_zone_for(std::string_view region, std::string_view country) {
  const auto state = upper(region);
  // normalize_country has turned names and alpha-3 codes ("USA", "Canada") into alpha-2.
  const auto nation = upper(scraping::normalize_country(country));
  if (nation == "US") return state.empty() ? std::nullopt : look_up(us_states, state);
  if (nation == "CA") {
    return state.empty() ? std::nullopt : look_up(canadian_provinces, state);
  }
  if (nation == "AU") {
    return state.empty() ? std::nullopt : look_up(australian_states, state);
  }
  if (!nation.empty()) return look_up(countries, nation);
  if (state.empty()) return std::nullopt;
  if (auto zone = look_up(us_states, state)) return zone;
  return look_up(canadian_provinces, state);
}

shop_plan plan_shop(const shop_setup_request& request, const scraping::findings& found,
                    const std::optional<db::shop>& existing, const std::string& default_time_zone) {
  shop_plan plan;
  auto& profile = plan.record.profile;
  profile.location_id = request.location_id;
  profile.business_name = request.business_name;
  profile.phone_number = request.phone_number;
  profile.website = request.website_url;
  plan_salon(request, found, existing, default_time_zone, plan);
  plan_services(found, existing, plan);
  plan_stylists(found, existing, plan);
  plan_facts(found, existing, plan);
  for (const auto& finding : found.services) {
    db::scraped_service raw;
    raw.name = finding.name;
    raw.category = non_empty(finding.category);
    raw.description = non_empty(finding.description);
    raw.price_text = non_empty(finding.price_text);
    if (finding.price_cents && *finding.price_cents >= 0) {
      raw.price_cents = finding.price_cents;
      if (finding.price_max_cents && *finding.price_max_cents >= *finding.price_cents) {
        raw.price_max_cents = finding.price_max_cents;
      }
    }
    raw.price_is_from = finding.price_is_from;
    if (finding.duration_minutes && *finding.duration_minutes > 0) {
      raw.duration_minutes = finding.duration_minutes;
    }
    if (!finding.source_urls.empty()) raw.source_url = finding.source_urls.front();
    plan.scraped.push_back(std::move(raw));
  }
  return plan;
}

}  // namespace salon::net
