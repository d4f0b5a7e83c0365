#pragma once

#include <cstdint>
#include <string>

namespace salon::db {

// One shop's numbers for its own local today (get_salon_kpis over one day), for the live
// dashboard.
struct shop_today {
  int location_id = 0;
  std::string shop_id;
  std::string business_name;
  std::int64_t calls = 0;
  std::int64_t answered = 0;      // booked + inquiry + transferred
  std::int64_t booked_calls = 0;  // calls that ended with a booking
  std::int64_t appointments = 0;  // appointments made today, phone and admin alike
  std::int64_t revenue_cents = 0;
};

}  // namespace salon::db
