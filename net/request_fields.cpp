#include "net/request_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace salon::net {
namespace {

using namespace std::chrono;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Exactly `width` digits at text[at...].
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<int> parse_positive_int(std::string_view text) {
  if (text.empty() || text.size() > 10 || !std::all_of(text.begin(), text.end(), is_digit)) {
    return std::nullopt;
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

std::optional<shop_key> parse_shop_key(std::string_view text) {
  if (auto location = parse_positive_int(text)) return shop_key{std::nullopt, *location};
  if (text.size() != 36) return std::nullopt;
  std::string id;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !is_hex(c)) return std::nullopt;
    id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return shop_key{id, std::nullopt};
}

bool is_e164(std::string_view phone) {
  if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  return std::all_of(phone.begin() + 1, phone.end(), is_digit);
}

bool is_http_url(std::string_view url) {
  if (url.size() > 2048) return false;
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
      })) {
    return false;
  }
  const auto host_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, host_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  // The host is what is left without a port; "[::1]:8080" keeps its brackets.
  auto host = authority;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    return close > 1;
  }
  if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    const auto port = host.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), is_digit)) return false;
    host = host.substr(0, colon);
  }
  return !host.empty();
}

std::optional<std::variant<sys_seconds, local_seconds>> parse_appointment_time(
    std::string_view text) {
  // YYYY-MM-DD(T| )HH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM]
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  if (!year || !month || !day || !hour || !minute || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':') {
    return std::nullopt;
  }
  std::size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    const auto second = digits(text, at + 1, 2);
    if (!second || *second != 0) return std::nullopt;
    at += 3;
    if (at < text.size() && text[at] == '.') {
      ++at;
      const auto fraction_start = at;
      while (at < text.size() && is_digit(text[at])) {
        if (text[at] != '0') return std::nullopt;
        ++at;
      }
      if (at == fraction_start) return std::nullopt;
    }
  }
  const year_month_day date{std::chrono::year{*year},
                            std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || *hour > 23 || *minute > 59) return std::nullopt;
  const auto wall = local_days{date} + hours{*hour} + minutes{*minute};
  if (at == text.size()) return local_seconds{wall};
  if ((text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) {
    return sys_seconds{wall.time_since_epoch()};
  }
  if (text[at] != '+' && text[at] != '-') return std::nullopt;
  const auto offset_hours = digits(text, at + 1, 2);
  const auto offset_minutes = digits(text, at + 4, 2);
  if (!offset_hours || !offset_minutes || text.size() != at + 6 || text[at + 3] != ':' ||
      *offset_hours > 14 || *offset_minutes > 59) {
    return std::nullopt;
  }
  const auto offset = hours{*offset_hours} + minutes{*offset_minutes};
  const auto utc = text[at] == '+' ? wall - offset : wall + offset;
  return sys_seconds{utc.time_since_epoch()};
}

std::string utc_text(sys_seconds at) {
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::string local_text(local_seconds at) {
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count());
}

std::string date_text(year_month_day day) {
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(day.year()),
                     static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
}

}  // namespace salon::net
