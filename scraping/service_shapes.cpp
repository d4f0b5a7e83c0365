#include "scraping/service_shapes.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "scraping/detail_shapes.hpp"
#include "scraping/service_line.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr std::size_t max_name_bytes = 80;
constexpr std::size_t max_description_bytes = 300;

// One line of a block: the unit the service shapes are matched on.
struct text_unit {
  std::string text;
  std::size_t block = 0;
  int heading_level = 0;
};

std::vector<text_unit> units_of(const page_content& page) {
  std::vector<text_unit> units;
  for (std::size_t index = 0; index < page.blocks.size(); ++index) {
    const text_block& block = page.blocks[index];
    if (block.in_navigation) continue;
    if (block.tag == "tr") {
      units.push_back(text_unit{block.text, index, 0});
      continue;
    }
    std::size_t start = 0;
    while (start <= block.text.size()) {
      const auto end = std::min(block.text.find('\n', start), block.text.size());
      if (end > start) {
        units.push_back(
            text_unit{block.text.substr(start, end - start), index, block.heading_level});
      }
      start = end + 1;
    }
  }
  return units;
}

// Headings h2..h6 (and table captions) above the current point, by level.
class heading_trail {
 public:
  void enter(int level, const std::string& text) {
    if (level < 1 || level > 6) return;
    levels_[static_cast<std::size_t>(level)] = is_generic_heading(text) ? "" : clean_name(text);
    for (int deeper = level + 1; deeper <= 6; ++deeper)
      levels_[static_cast<std::size_t>(deeper)].clear();
  }

  // A heading that turned out to name a service is no category for what follows.
  void forget(int level) {
    if (level >= 1 && level <= 6) levels_[static_cast<std::size_t>(level)].clear();
  }

  // The category for something under every heading so far, or under headings above `level`.
  std::string category(int above_level = 7) const {
    for (int level = std::min(above_level - 1, 6); level >= 2; --level) {
      if (!levels_[static_cast<std::size_t>(level)].empty()) {
        return levels_[static_cast<std::size_t>(level)];
      }
    }
    return {};
  }

 private:
  std::array<std::string, 7> levels_;
};

service_finding to_service(const service_line& line, const std::string& category,
                           const std::string& url) {
  service_finding service;
  service.name = line.name;
  service.category = category;
  service.description = line.description;
  service.price_text = line.price_text;
  if (line.price) {
    service.price_cents = line.price->cents;
    service.price_max_cents = line.price->max_cents;
    service.price_is_from = line.price->is_from;
    service.currency = line.price->currency.empty() ? "USD" : line.price->currency;
  }
  service.duration_minutes = line.duration_minutes;
  service.source_urls.push_back(url);
  return service;
}

// A unit that can name the service priced right after it.
bool can_name_service(const text_unit& unit) {
  if (unit.text.size() > max_name_bytes) return false;
  if (find_price(unit.text)) return false;
  if (is_generic_heading(unit.text)) return false;
  const std::string name = clean_name(unit.text);
  if (!plausible_service_name(name)) return false;
  // A sentence is a description, not a name.
  const int words = 1 + static_cast<int>(std::count(name.begin(), name.end(), ' '));
  return !(unit.text.back() == '.' && words > 3);
}

bool can_describe(const text_unit& unit, const page_content& page) {
  const text_block& block = page.blocks[unit.block];
  if (unit.heading_level > 0 || block.tag == "tr") return false;
  if (unit.text.size() > max_description_bytes || find_price(unit.text)) return false;
  return std::any_of(unit.text.begin(), unit.text.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

// A table row: the name cell, the price cells (several prices make a range, as in
// "Junior | Senior | Master" columns) and a duration cell.
std::optional<service_finding> service_from_row(const text_block& row, const std::string& category,
                                                const std::string& url) {
  std::string name;
  std::string description;
  std::optional<service_line> low;
  std::optional<service_line> high;
  std::optional<int> duration;
  std::size_t text_cells = 0;
  for (const auto& raw_cell : row.cells) {
    const std::string cell = collapse_spaces(raw_cell);
    if (cell.empty()) continue;
    if (auto only = parse_price_and_duration(cell)) {
      if (only->price) {
        if (!low) {
          low = only;
        } else {
          high = only;
        }
      }
      if (only->duration_minutes && !duration) duration = only->duration_minutes;
      continue;
    }
    ++text_cells;
    if (name.empty()) {
      if (auto line = parse_service_line(cell)) {
        // "Women's Cut $65" in one cell.
        name = line->name;
        description = line->description;
        if (!low) low = line;
        if (line->duration_minutes && !duration) duration = line->duration_minutes;
      } else if (const std::string candidate = clean_name(cell);
                 candidate.size() <= max_name_bytes && plausible_service_name(candidate)) {
        name = candidate;
      }
    } else if (cell.size() <= max_description_bytes) {
      description += (description.empty() ? "" : " ") + cell;
    }
  }
  if (name.empty() || !low || !low->price) return std::nullopt;
  service_line merged = *low;
  merged.name = name;
  if (const auto first_paren = name.find(" (");
      first_paren != std::string::npos && name.back() == ')') {
    merged.name = clean_name(name.substr(0, first_paren));
    const std::string note = name.substr(first_paren + 2, name.size() - first_paren - 3);
    description = description.empty() ? note : note + ". " + description;
  }
  merged.description = description;
  merged.duration_minutes = duration;
  if (high && high->price) {
    const auto top = high->price->max_cents.value_or(high->price->cents);
    if (top > merged.price->cents) {
      merged.price->max_cents = top;
      merged.price_text += " - " + high->price_text;
    }
  }
  if (merged.name.empty()) return std::nullopt;
  return to_service(merged, category, url);
}

}  // namespace

bool is_generic_heading(std::string_view text) {
  static constexpr std::array<std::string_view, 21> generic = {
      "our",    "the",     "services", "service", "prices", "price", "menu",
      "list",   "pricing", "rates",    "and",     "salon",  "book",  "now",
      "online", "a",       "la",       "carte",   "view",   "see",   "all"};
  const std::string key = name_key(text);
  if (key.empty()) return true;
  std::size_t start = 0;
  while (start < key.size()) {
    const auto end = std::min(key.find(' ', start), key.size());
    const std::string_view word = std::string_view(key).substr(start, end - start);
    if (std::find(generic.begin(), generic.end(), word) == generic.end()) return false;
    start = end + 1;
  }
  return true;
}

void find_services(const page_content& page, const std::string& page_url, findings& out) {
  const std::vector<text_unit> units = units_of(page);
  heading_trail headings;
  std::optional<int> table_category_for;  // a category row inside a table
  std::string table_category;
  std::optional<int> caption_for;  // a table's caption names its category when no heading does
  std::string caption;
  // The last service made from a name unit and a price unit, still open for a description from
  // the same card (element parent).
  std::optional<std::size_t> open_service;
  int open_service_parent = 0;

  for (std::size_t i = 0; i < units.size(); ++i) {
    const text_unit& unit = units[i];
    const text_block& block = page.blocks[unit.block];
    if (block.tag == "caption") {
      caption_for = block.table_id;
      caption = is_generic_heading(unit.text) ? "" : clean_name(unit.text);
      continue;
    }
    if (unit.heading_level > 0) {
      headings.enter(unit.heading_level, unit.text);
      open_service.reset();
      if (auto line = parse_service_line(unit.text)) {
        out.services.push_back(to_service(*line, headings.category(unit.heading_level), page_url));
      }
      continue;
    }
    if (block.tag == "tr") {
      open_service.reset();
      if (block.header_row) continue;
      const auto non_empty = std::count_if(block.cells.begin(), block.cells.end(),
                                           [](const std::string& cell) { return !cell.empty(); });
      if (non_empty == 1 && !find_price(block.text) && block.text.size() <= max_name_bytes) {
        table_category_for = block.table_id;
        table_category = clean_name(block.text);
        continue;
      }
      std::string category = headings.category();
      if (table_category_for == block.table_id) {
        category = table_category;
      } else if (category.empty() && caption_for == block.table_id) {
        category = caption;
      }
      if (auto service = service_from_row(block, category, page_url)) {
        out.services.push_back(std::move(*service));
      }
      continue;
    }
    if (auto line = parse_service_line(unit.text)) {
      open_service.reset();
      out.services.push_back(to_service(*line, headings.category(), page_url));
      continue;
    }
    const auto price_only = parse_price_and_duration(unit.text);
    if (price_only && !price_only->price && open_service) {
      // "Women's Cut" / "$65" / "60 min": the duration on its own line.
      auto& service = out.services[*open_service];
      if (!service.duration_minutes) service.duration_minutes = price_only->duration_minutes;
      continue;
    }
    if (price_only && price_only->price) {
      // The name is the unit before, or the one before a description.
      std::optional<std::size_t> name_at;
      std::optional<std::size_t> description_at;
      if (i >= 1 && can_name_service(units[i - 1])) {
        name_at = i - 1;
      } else if (i >= 2 && can_name_service(units[i - 2]) && units[i - 2].heading_level > 0 &&
                 can_describe(units[i - 1], page)) {
        name_at = i - 2;
        description_at = i - 1;
      }
      if (!name_at) {
        open_service.reset();
        continue;
      }
      service_line line = *price_only;
      line.name = clean_name(units[*name_at].text);
      if (description_at) line.description = units[*description_at].text;
      const int level = units[*name_at].heading_level;
      const std::string category = level > 0 ? headings.category(level) : headings.category();
      headings.forget(level);
      out.services.push_back(to_service(line, category, page_url));
      open_service = out.services.size() - 1;
      open_service_parent = block.parent_id;
      continue;
    }
    if (open_service && out.services[*open_service].description.empty() &&
        block.parent_id == open_service_parent && can_describe(unit, page) &&
        fact_key(unit.text).empty()) {
      const bool names_next = i + 1 < units.size() && !can_describe(units[i + 1], page) &&
                              parse_price_and_duration(units[i + 1].text).has_value();
      if (!names_next) out.services[*open_service].description = unit.text;
    }
    open_service.reset();
  }
}

}  // namespace salon::scraping
