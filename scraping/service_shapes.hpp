#pragma once

#include <string>
#include <string_view>

#include "scraping/findings.hpp"
#include "scraping/page_content.hpp"

namespace salon::scraping {

// Services in the common shapes of salon websites: price tables, dot-leader lists,
// "Service — $40 — 30 minutes" lines, paragraph entries and headings with the price under them.
// Categories come from the nearest heading above (h2..h6, table captions).
void find_services(const page_content& page, const std::string& page_url, findings& out);

// "Services & Prices", "Our Services", "Menu": page headings, not categories.
bool is_generic_heading(std::string_view text);

}  // namespace salon::scraping
