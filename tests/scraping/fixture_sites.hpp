#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scraping/findings.hpp"
#include "scraping/findings_merge.hpp"
#include "scraping/page_extractor.hpp"

// Reading fixture sites from disk the way the crawler would read them over HTTP.
namespace salon::scraping::testing {

inline const std::filesystem::path shared_sites{SALON_SHARED_SALON_SITES};
inline const std::filesystem::path own_sites{SALON_SCRAPING_TEST_DATA};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// One page of a site: its file under the site folder and the URL it is served at.
struct site_page {
  std::string file;
  std::string url;
};

struct read_site {
  std::vector<page_findings> pages;
  findings site;
};

inline read_site extract_site(const std::filesystem::path& folder,
                              const std::vector<site_page>& pages) {
  read_site result;
  for (const auto& page : pages) {
    result.pages.push_back(extract_page(read_file(folder / page.file), page.url));
    merge_findings(result.site, result.pages.back().found);
  }
  finish_site_findings(result.site);
  return result;
}

inline const service_finding* service_named(const findings& found, std::string_view name) {
  const auto at = std::find_if(found.services.begin(), found.services.end(),
                               [&](const service_finding& s) { return s.name == name; });
  return at == found.services.end() ? nullptr : &*at;
}

inline const professional_finding* person_named(const findings& found, std::string_view name) {
  const auto at = std::find_if(found.professionals.begin(), found.professionals.end(),
                               [&](const professional_finding& p) { return p.name == name; });
  return at == found.professionals.end() ? nullptr : &*at;
}

inline const salon_fact* fact_about(const findings& found, std::string_view key) {
  const auto at = std::find_if(found.facts.begin(), found.facts.end(),
                               [&](const salon_fact& f) { return f.key == key; });
  return at == found.facts.end() ? nullptr : &*at;
}

inline std::vector<std::string> service_names(const findings& found) {
  std::vector<std::string> names;
  for (const auto& service : found.services) names.push_back(service.name);
  return names;
}

inline std::vector<std::string> person_names(const findings& found) {
  std::vector<std::string> names;
  for (const auto& person : found.professionals) names.push_back(person.name);
  return names;
}

inline day_hours hours_of(int opens_hour, int closes_hour, int opens_minute = 0,
                          int closes_minute = 0) {
  return day_hours{false, opens_hour * 60 + opens_minute, closes_hour * 60 + closes_minute};
}

inline day_hours closed_day() {
  return day_hours{true, 0, 0};
}

// Index 0 = Sunday.
inline weekly_hours week(std::initializer_list<std::pair<int, day_hours>> days) {
  weekly_hours hours;
  for (const auto& [day, value] : days) hours.days[static_cast<std::size_t>(day)] = value;
  return hours;
}

}  // namespace salon::scraping::testing
