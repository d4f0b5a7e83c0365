#pragma once

#include <string>
#include <string_view>

#include "scraping/findings.hpp"

namespace salon::scraping {

// Reads schema.org data in JSON-LD shape (a JSON-LD script, or a microdata item turned into the
// same shape): salons and other local businesses, their offer catalogs and offers, employees,
// opening hours, address and telephone. Returns false when the text is not JSON.
bool read_structured_data(std::string_view json_text, const std::string& page_url, findings& out);

}  // namespace salon::scraping
