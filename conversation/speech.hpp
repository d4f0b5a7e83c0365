#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "conversation/shop_clock.hpp"
#include "conversation/shop_snapshot.hpp"

namespace salon::conversation {

// Spoken-language forms: what the text-to-speech voice reads to the caller.

// "3 PM", "3:30 PM", "12 PM".
std::string say_clock(int minute_of_day);
// "Friday, December 4th".
std::string say_date(std::chrono::local_days day);
// "3:30 PM on Friday, December 4th".
std::string say_moment(const local_moment& m);
// "$65", "$42.50".
std::string say_money(std::int64_t cents);
// "$65", "$180 to $260", "from $250".
std::string say_price(const shop_service& s);
// Total for several services: ranges and "from" prices add up.
std::string say_total_price(const std::vector<const shop_service*>& services);
// "45 minutes", "an hour", "1 hour and 30 minutes", "3 hours".
std::string say_duration(int minutes);
// "a, b and c" (or "a, b or c").
std::string say_list(const std::vector<std::string>& items, std::string_view joiner = "and");
// "Women's Haircut" -> "women's haircut"; "Kids' Cut (under 12)" -> "kids' cut".
std::string spoken_service(std::string_view name);
// The first words of every call, defined once for the TwiML and the transcript: the shop's own
// greeting, else "Thanks for calling <shop>. How can I help you today?".
std::string call_greeting(std::string_view own_greeting, std::string_view shop_name);
// Weekday name, plural for "we're closed on Sundays".
std::string_view weekday_name(unsigned c_encoding);

}  // namespace salon::conversation
