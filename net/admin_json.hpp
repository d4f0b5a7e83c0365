#pragma once

// The JSON bodies of the admin API (docs/api.md shows each). Pure.

#include <string>
#include <vector>

#include "actors/admin_booking.hpp"
#include "db/analytics.hpp"
#include "db/records.hpp"

namespace salon::net {

// GET /admin/platform-metrics; live_calls: calls on this node right now.
std::string platform_metrics_json(const db::platform_metrics& metrics, int live_calls);

// GET /admin/shops/overview.
std::string shops_overview_json(const std::vector<db::salon_overview>& shops);

// GET /admin/shop/{shop_id}/metrics.
std::string shop_metrics_json(int location_id, int days, const db::shop_kpis& kpis,
                              const std::vector<db::daily_calls>& series);

// GET /admin/shop/{shop_id}/services: the active catalog.
std::string shop_services_json(const db::shop& shop);

// "$65", "from $250", "$180–$260"; empty without a price.
std::string price_text(const db::service& service);

// POST /admin/shop/{shop_id}/appointment, 201: the stored appointment, with its start in the
// shop's time zone.
std::string appointment_json(const db::appointment& appointment, int location_id,
                             const std::string& time_zone);

// The next bookable times of a 409, each with its shop-local start.
std::string free_times_json(const std::vector<actors::free_time>& times,
                            const std::string& time_zone);

}  // namespace salon::net
