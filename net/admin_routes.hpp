#pragma once

#include "net/api_routes.hpp"

namespace salon::net {

class router;

// The admin API (bearer ADMIN_API_KEY; docs/api.md):
//   GET  /admin/platform-metrics
//   GET  /admin/shops/overview
//   GET  /admin/shop/{shop_id}/metrics?days=30
//   GET  /admin/shop/{shop_id}/services
//   POST /admin/shop/{shop_id}/appointment
// and shop setup, POST /shop/setup (net/shop_setup_routes.hpp). {shop_id} is a shop's uuid or
// its integer location id.
void add_admin_routes(router& routes, const api_context& context);

}  // namespace salon::net
