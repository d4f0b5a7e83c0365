#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scraping/findings.hpp"

namespace salon::scraping {

// Folds what one page says into what is known so far. The same service or stylist (same name
// key, plurals and accents aside) is merged, not repeated: missing price, duration, category,
// description, role or bio is filled from the other mention. Stronger evidence replaces weaker
// for the name, telephone, address and hours; facts of one key are joined.
void merge_findings(findings& into, const findings& page);

// Once every page is merged: days the hours do not mention are closed, and each stylist's
// specialties are matched to the catalog's service names.
void finish_site_findings(findings& site);

// What a site lacks, for the setup report: "no prices found on any page", ...
std::vector<std::string> missing_findings(const findings& site);

// The key two service names share when they mean the same service: "Kids' Cuts" == "kids cut".
std::string service_key(std::string_view name);

}  // namespace salon::scraping
