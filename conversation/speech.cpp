#include "conversation/speech.hpp"

#include <array>
#include <cctype>

namespace salon::conversation {

namespace {

constexpr std::array<std::string_view, 12> month_names{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

constexpr std::array<std::string_view, 7> weekday_names{
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string ordinal(unsigned n) {
  const unsigned last_two = n % 100;
  std::string_view suffix = "th";
  if (last_two < 11 || last_two > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + std::string{suffix};
}

}  // namespace

std::string_view weekday_name(unsigned c_encoding) {
  return weekday_names[c_encoding % 7];
}

std::string say_clock(int minute_of_day) {
  minute_of_day = ((minute_of_day % 1440) + 1440) % 1440;
  const int h24 = minute_of_day / 60;
  const int m = minute_of_day % 60;
  const int h12 = h24 % 12 == 0 ? 12 : h24 % 12;
  std::string out = std::to_string(h12);
  if (m != 0) {
    out += m < 10 ? ":0" : ":";
    out += std::to_string(m);
  }
  out += h24 < 12 ? " AM" : " PM";
  return out;
}

std::string say_date(std::chrono::local_days day) {
  const std::chrono::year_month_day ymd{day};
  const std::chrono::weekday wd{day};
  std::string out{weekday_names[wd.c_encoding()]};
  out += ", ";
  out += month_names[(static_cast<unsigned>(ymd.month()) + 11) % 12];
  out += " ";
  out += ordinal(static_cast<unsigned>(ymd.day()));
  return out;
}

std::string say_moment(const local_moment& m) {
  return say_clock(static_cast<int>(m.minute_of_day.count())) + " on " + say_date(m.day);
}

std::string say_money(std::int64_t cents) {
  if (cents < 0) cents = 0;
  std::string out{"$"};
  out += std::to_string(cents / 100);
  if (cents % 100 != 0) {
    const auto rest = cents % 100;
    out += rest < 10 ? ".0" : ".";
    out += std::to_string(rest);
  }
  return out;
}

std::string say_price(const shop_service& s) {
  if (s.from_price) return "from " + say_money(s.price_cents);
  if (s.max_price_cents && *s.max_price_cents > s.price_cents) {
    return say_money(s.price_cents) + " to " + say_money(*s.max_price_cents);
  }
  return say_money(s.price_cents);
}

std::string say_total_price(const std::vector<const shop_service*>& services) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  bool from = false;
  bool range = false;
  for (const auto* s : services) {
    low += s->price_cents;
    high += s->max_price_cents && *s->max_price_cents > s->price_cents ? *s->max_price_cents
                                                                       : s->price_cents;
    from = from || s->from_price;
    range = range || (s->max_price_cents && *s->max_price_cents > s->price_cents);
  }
  if (from) return "from " + say_money(low);
  if (range) return say_money(low) + " to " + say_money(high);
  return say_money(low);
}

std::string say_duration(int minutes) {
  if (minutes <= 0) return "a short while";
  const int h = minutes / 60;
  const int m = minutes % 60;
  if (h == 0) return std::to_string(m) + " minutes";
  std::string out = h == 1 ? "an hour" : std::to_string(h) + " hours";
  if (m == 30 && h == 1) return "an hour and a half";
  if (m != 0) out += " and " + std::to_string(m) + " minutes";
  return out;
}

std::string say_list(const std::vector<std::string>& items, std::string_view joiner) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      if (i + 1 == items.size()) {
        out += " ";
        out += joiner;
        out += " ";
      } else {
        out += ", ";
      }
    }
    out += items[i];
  }
  return out;
}

std::string spoken_service(std::string_view name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '(') {
      ++depth;
      continue;
    }
    if (c == ')') {
      depth = depth > 0 ? depth - 1 : 0;
      continue;
    }
    if (depth > 0) continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string call_greeting(std::string_view own_greeting, std::string_view shop_name) {
  const auto first = own_greeting.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos) {
    const auto last = own_greeting.find_last_not_of(" \t\r\n");
    return std::string{own_greeting.substr(first, last - first + 1)};
  }
  return (shop_name.empty() ? std::string{"Thanks for calling."}
                            : "Thanks for calling " + std::string{shop_name} + ".") +
         " How can I help you today?";
}

}  // namespace salon::conversation
