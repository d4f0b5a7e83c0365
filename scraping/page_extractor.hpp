#pragma once

#include <string_view>

#include "scraping/findings.hpp"

namespace salon::scraping {

// Everything one page says about the salon: schema.org JSON-LD and microdata first, then the
// common HTML shapes (price tables, dot-leader lists, service lines, team cards, free-text hours,
// address, policies), merged so a service or stylist appears once. Also the same-site links worth
// reading next. `page_url` resolves links and is recorded as each finding's source. Never throws.
page_findings extract_page(std::string_view html, std::string_view page_url) noexcept;

}  // namespace salon::scraping
