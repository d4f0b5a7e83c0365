#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace salon::scraping {

// A price found in text: "$65", "$65+", "from $250", "$150–$220", "$1,200", "65 dollars".
struct price_match {
  std::size_t begin = 0;  // byte span of the whole price, "from" and "+" included
  std::size_t end = 0;
  std::int64_t cents = 0;
  std::optional<std::int64_t> max_cents;  // set for ranges
  bool is_from = false;
  std::string currency;  // ISO 4217
};

// The first price at or after byte `from`, if any.
std::optional<price_match> find_price(std::string_view text, std::size_t from = 0);

// A bare amount from structured data: "65.00", "65", "$1,200.50", "65 USD". Empty when it is not
// a non-negative amount.
std::optional<std::int64_t> parse_amount_cents(std::string_view text);

}  // namespace salon::scraping
