#pragma once

#include "net/api_routes.hpp"

namespace salon::net {

class router;

// POST /shop/setup (bearer ADMIN_API_KEY; docs/api.md): reads the salon's website, creates or
// updates the shop (201 / 200), routes its number to it from the next call on, and answers with
// the shop as GET /shop/{location_id}/config shows it plus a scrape report. At most a few setups
// run at once (503 past that); each ends within the crawl's time budget.
void add_shop_setup_routes(router& routes, const api_context& context);

}  // namespace salon::net
