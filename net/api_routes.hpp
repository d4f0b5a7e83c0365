#pragma once

#include <chrono>

#include "config/settings.hpp"

namespace salon::actors {
class runtime;
}

namespace salon::net {

class router;
class http_metrics;

// What the API handlers reach; everything outlives the server.
struct api_context {
  const config::settings& settings;
  actors::runtime& runtime;
  const http_metrics& metrics;
  std::chrono::steady_clock::time_point started;
};

// GET /health, GET /metrics, GET /shops, GET /shop/{location_id}/config.
void add_api_routes(router& routes, const api_context& context);

}  // namespace salon::net
