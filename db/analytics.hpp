#pragma once

// What the analytics functions of db/migrations/0007_analytics.sql answer, as plain records.
// Definitions (answered, conversion, the window of local days) are in that file's header.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "db/records.hpp"

namespace salon::db {

// A period's calls by outcome.
struct call_counts {
  std::int64_t total = 0;
  std::int64_t answered = 0;  // booked + inquiry + transferred
  std::int64_t booked = 0;
  std::int64_t inquiry = 0;
  std::int64_t missed = 0;
  std::int64_t transferred = 0;
  std::int64_t in_progress = 0;  // no outcome yet (live, or never settled)
};

// get_salon_kpis: one shop over its last N local days.
struct shop_kpis {
  std::string shop_id;
  std::string time_zone;
  std::chrono::year_month_day first_day;
  std::chrono::year_month_day last_day;  // the shop's today
  call_counts calls;
  std::int64_t after_hours_captured = 0;  // answered outside opening hours
  double conversion_rate = 0;             // booked / answered, 0..1
  std::int64_t appointments_booked = 0;
  std::int64_t revenue_cents = 0;
  std::optional<double> average_duration_seconds;  // of answered calls
  std::optional<double> average_sentiment;         // -1..1
};

// get_calls_timeseries: one local day of a shop.
struct daily_calls {
  std::chrono::year_month_day day;
  call_counts calls;
  std::int64_t after_hours_captured = 0;
};

// get_all_salons_overview: one shop over its last 30 local days.
struct salon_overview {
  std::string shop_id;
  int location_id = 0;
  std::string business_name;
  std::optional<std::string> phone_number;
  std::string time_zone;
  time_point created_at{};
  std::int64_t calls_today = 0;
  call_counts calls;
  double conversion_rate = 0;
  std::int64_t appointments_booked = 0;
  std::int64_t revenue_cents = 0;
  std::optional<time_point> last_call_at;  // ever, not only in the window
};

// get_platform_metrics: every shop's last 30 local days added up.
struct platform_metrics {
  std::int64_t shops = 0;
  std::int64_t active_shops = 0;  // with at least one call in their window
  std::int64_t calls_today = 0;
  call_counts calls;
  double conversion_rate = 0;
  std::int64_t appointments_booked = 0;
  std::int64_t revenue_cents = 0;
  int period_days = 30;
};

}  // namespace salon::db
