#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scraping/findings.hpp"

namespace salon::scraping {

// Opening hours written for people: "Mon–Fri 10am–7pm · Sat 9am–5pm · Sun closed",
// "Tuesday - Saturday: 9:00 AM - 7:00 PM", "We are closed Sundays and Mondays". Only the days
// the text mentions are set. A day with a midday break is read as one span.
weekly_hours parse_opening_hours_text(std::string_view text);

// schema.org `openingHours` values: "Mo-Fr 10:00-19:00", "Tu,We,Th 09:00-17:00".
weekly_hours parse_schema_opening_hours(std::string_view text);

// "Saturday", "Sat", "Sa" (with two_letter), "https://schema.org/Saturday" → 6 (0 = Sunday).
std::optional<int> weekday_from_name(std::string_view name, bool two_letter = false);

// "09:00", "9:00:00", "19:00" → minutes after midnight ("24:00" → 1440).
std::optional<int> parse_clock(std::string_view text);

// "09:00"; 1440 reads "24:00".
std::string clock_text(int minute_of_day);

// "sun", "mon", ... as the database keys weekdays.
std::string_view weekday_key(int day);

// "Sun closed, Mon closed, Tue 09:00-18:00, ..." for reports and logs; days not stated are left
// out.
std::string describe_hours(const weekly_hours& hours);

}  // namespace salon::scraping
