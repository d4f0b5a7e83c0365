#pragma once

// Readers for the values admin and shop-setup requests carry. Pure; nothing throws.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace salon::net {

// `{shop_id}` in a path: a shop's uuid, or its location id (a positive integer).
struct shop_key {
  std::optional<std::string> shop_id;  // lower-case uuid
  std::optional<int> location_id;
};
std::optional<shop_key> parse_shop_key(std::string_view text);

// A positive integer with nothing around it ("12"; not "012x", "-1", "1.0", "99999999999").
std::optional<int> parse_positive_int(std::string_view text);

// E.164: "+" and 7 to 15 digits, the first not 0 (the database's salon_is_e164).
bool is_e164(std::string_view phone);

// An absolute http(s) URL with a host, without spaces or control characters, at most 2048 bytes.
bool is_http_url(std::string_view url);

// "2024-01-15T10:00:00Z", "2024-01-15T10:00:00-10:00", "2024-01-15T10:00Z" (an instant), or
// "2024-01-15T10:00:00" / "2024-01-15 10:00" without an offset (the shop's wall-clock time).
// Seconds, when given, must be 0 (and fractions zero too): appointments start on a minute.
// Empty when malformed or not on a minute.
std::optional<std::variant<std::chrono::sys_seconds, std::chrono::local_seconds>>
parse_appointment_time(std::string_view text);

// An instant as UTC ISO 8601: "2024-01-15T10:00:00Z".
std::string utc_text(std::chrono::sys_seconds at);
// A wall-clock time: "2024-01-15T00:00".
std::string local_text(std::chrono::local_seconds at);
// A date: "2024-01-15".
std::string date_text(std::chrono::year_month_day day);

}  // namespace salon::net
