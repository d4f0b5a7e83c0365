#pragma once

#include <string>
#include <string_view>

#include "scraping/findings.hpp"
#include "scraping/page_content.hpp"

namespace salon::scraping {

// Business name (og:site_name, site title element, <title>), telephone (tel: links, text),
// address, opening hours from free text, and policy facts (parking, cancellation, payment,
// booking, walk-ins, pricing, accessibility) from the page's text blocks.
void find_salon_details(const page_content& page, const std::string& page_url, findings& out);

// The fact key a sentence is about ("parking", "cancellation", ...), or empty.
std::string fact_key(std::string_view sentence);

}  // namespace salon::scraping
