#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/http_types.hpp"
#include "net/ops_session.hpp"

namespace salon::actors {
class runtime;
}

namespace salon::config {
struct settings;
}

namespace salon::net {

class router;

struct ops_context {
  std::string admin_api_key;  // empty: /ops answers 503
  ops_feed feed;
  // The dashboard's files (index.html, dashboard.js, dashboard.css), read once at start-up.
  std::string web_dir;
  // Chart.js as Debian's libjs-chart.js installs it, served as /dashboard/chart.min.js.
  std::string chart_js_path = "/usr/share/javascript/chart.js/chart.min.js";
};

// The server's context: ADMIN_API_KEY, the runtime's broadcaster, and the web/ folder of the
// source tree unless WEB_DIR (settings.web_dir) names another.
ops_context ops_context_for(const config::settings& settings, actors::runtime& runtime);

// The refusal of an /ops upgrade, or nullopt: the admin key as `Authorization: Bearer <key>`
// or as `?access_token=<key>` (browsers cannot set headers on WebSockets). 401 when missing or
// wrong, 503 when no key is configured.
std::optional<http_response> refuse_ops(const http_request& request, std::string_view api_key);

// WS /ops (query: shop=<location id or uuid>, transcript=true), GET /dashboard and the
// dashboard's files under /dashboard/.
void add_ops_routes(router& routes, const ops_context& context);

}  // namespace salon::net
