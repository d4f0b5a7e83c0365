#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace salon::conversation {

// Opening and closing time of one day, as minutes after local midnight.
struct opening_hours {
  std::chrono::minutes opens{0};
  std::chrono::minutes closes{0};
};

struct shop_service {
  std::string id;
  std::string name;
  std::vector<std::string> synonyms;
  std::string category;
  int duration_minutes = 0;
  std::int64_t price_cents = 0;
  // Set when the price is a range ("$180 to $260").
  std::optional<std::int64_t> max_price_cents;
  // True for "from $250" prices.
  bool from_price = false;
};

struct shop_stylist {
  std::string id;
  std::string name;
  std::string role;
  // Services this stylist does, as the salon states it explicitly (an owner's setting, a
  // per-service staff list, a site saying "only ..."); empty means every service.
  std::vector<std::string> service_ids;
  // Weekdays (0 = Sunday) the stylist does not work even though the shop is open.
  std::vector<unsigned> days_off;
  // Services their bio or role says they are known for. They rank who is offered when the caller
  // has no preference; they never exclude anything.
  std::vector<std::string> specialty_ids{};
};

// Time already taken on one resource: a stylist's name (or id), or a chair number when the shop
// lists no stylists ("1", "chair 2").
struct booked_interval {
  std::string resource;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
};

// Everything the receptionist knows about one shop. Built once, then shared read-only as
// std::shared_ptr<const shop_snapshot>.
struct shop_snapshot {
  std::string name;
  std::string time_zone;  // IANA name, e.g. "Pacific/Honolulu"
  std::string address;
  // The shop's own greeting, spoken first on every call; empty means the default one.
  std::string greeting;
  // The salon's own phone (E.164); empty means calls cannot be transferred.
  std::string forward_phone;
  // Index 0 = Sunday ... 6 = Saturday; empty optional = closed that weekday.
  std::array<std::optional<opening_hours>, 7> hours;
  std::vector<std::chrono::year_month_day> closed_dates;
  std::vector<shop_service> services;
  std::vector<shop_stylist> stylists;
  // Used only when stylists is empty.
  int chair_count = 1;
  // Static answers: "parking", "cancellation", "payment", "walk_ins", ...
  std::map<std::string, std::string> facts;
  std::vector<booked_interval> booked;
};

}  // namespace salon::conversation
