#include "scraping/page_extractor.hpp"

#include <exception>
#include <string>

#include "scraping/detail_shapes.hpp"
#include "scraping/findings_merge.hpp"
#include "scraping/link_ranking.hpp"
#include "scraping/page_content.hpp"
#include "scraping/service_shapes.hpp"
#include "scraping/structured_data.hpp"
#include "scraping/team_shapes.hpp"

namespace salon::scraping {
namespace {

// No salon has more; past these a page is a catalogue or an attack, and merging stays cheap.
constexpr std::size_t max_services_per_page = 1000;
constexpr std::size_t max_professionals_per_page = 200;
constexpr std::size_t max_facts_per_page = 200;

template <typename T>
void cap(std::vector<T>& items, std::size_t limit, const char* what, page_findings& result) {
  if (items.size() <= limit) return;
  items.resize(limit);
  result.warnings.push_back(std::string("more than ") + std::to_string(limit) + " " + what +
                            " on this page; the rest ignored");
}

}  // namespace

page_findings extract_page(std::string_view html, std::string_view page_url) noexcept {
  page_findings result;
  try {
    result.url = std::string(page_url);
    const page_content page = read_page_content(html);
    result.warnings = page.warnings;

    // Structured data first: on merge the first mention of a service names it.
    findings raw;
    for (std::size_t i = 0; i < page.json_ld.size(); ++i) {
      if (!read_structured_data(page.json_ld[i], result.url, raw)) {
        result.warnings.push_back("JSON-LD block " + std::to_string(i + 1) +
                                  " is not valid JSON; ignored");
      }
    }
    for (const auto& item : page.microdata) read_structured_data(item, result.url, raw);
    find_services(page, result.url, raw);
    find_professionals(page, result.url, raw);
    find_salon_details(page, result.url, raw);
    for (auto& person : raw.professionals) {
      if (person.specialties.empty()) person.specialties = specialties_from_bio(person.bio);
    }
    cap(raw.services, max_services_per_page, "services", result);
    cap(raw.professionals, max_professionals_per_page, "people", result);
    cap(raw.facts, max_facts_per_page, "policy sentences", result);
    merge_findings(result.found, raw);
    collect_links(page, result.url, result);
  } catch (const std::exception& error) {
    result.warnings.push_back(std::string("page could not be read: ") + error.what());
  } catch (...) {
    result.warnings.emplace_back("page could not be read");
  }
  return result;
}

}  // namespace salon::scraping
