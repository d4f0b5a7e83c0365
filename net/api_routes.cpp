#include "net/api_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "actors/runtime.hpp"
#include "net/admin_auth.hpp"
#include "net/admin_replies.hpp"
#include "net/api_error.hpp"
#include "net/http_metrics.hpp"
#include "net/router.hpp"
#include "net/shop_json.hpp"

namespace salon::net {
namespace {

std::optional<int> parse_location_id(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// The numbers that reach this shop: its own, and PHONE_TO_LOCATION_MAP's.
std::vector<std::string> numbers_of(const db::shop& shop, const config::settings& settings) {
  std::vector<std::string> numbers;
  if (shop.profile.phone_number) numbers.push_back(*shop.profile.phone_number);
  for (const auto& [number, location] : settings.phone_to_location) {
    if (location == shop.profile.location_id &&
        std::find(numbers.begin(), numbers.end(), number) == numbers.end()) {
      numbers.push_back(number);
    }
  }
  return numbers;
}

using shared_context = std::shared_ptr<const api_context>;

void health(const shared_context& shared, responder respond) {
  shared->runtime.check_database([shared, respond](bool reachable) {
    const api_context& context = *shared;
    auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - context.started);
    nlohmann::json warnings = nlohmann::json::array();
    if (context.settings.twilio_auth_token.empty()) {
      warnings.push_back("TWILIO_AUTH_TOKEN is not set: Twilio signatures are not checked");
    }
    if (context.settings.admin_api_key.empty()) {
      warnings.push_back("ADMIN_API_KEY is not set: admin endpoints are disabled");
    }
    const int realtime = context.runtime.stats().realtime_priority.load();
    if (context.settings.realtime_priority > 0 && realtime == 0) {
      warnings.push_back("REALTIME_PRIORITY is set but was not applied (see the start-up log)");
    }
    nlohmann::json body = {
        {"status", reachable ? "ok" : "degraded"},
        {"version", SALON_VERSION},
        {"uptime_seconds", uptime.count()},
        {"database", {{"reachable", reachable}}},
        {"live_calls", context.runtime.stats().live_calls.load()},
        // Writes kept on disk while the database is away; 0 once they have all reached it.
        {"spool_depth", context.runtime.stats().spool_depth.load()},
        {"twilio_signatures_checked", !context.settings.twilio_auth_token.empty()},
        {"realtime_priority", realtime},
        {"warnings", warnings},
    };
    respond.send(json_response(reachable ? 200 : 503, body.dump()));
  });
}

void metrics(const api_context& context, responder respond) {
  std::string text;
  text.reserve(16 * 1024);
  context.metrics.render(text);
  context.runtime.stats().render(text);
  auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - context.started);
  text += "# HELP salon_uptime_seconds Seconds since the server started.\n";
  text += "# TYPE salon_uptime_seconds gauge\n";
  text += "salon_uptime_seconds " + std::to_string(uptime.count()) + "\n";
  respond.send({200, "text/plain; version=0.0.4; charset=utf-8", std::move(text), {}});
}

void list_shops(const api_context& context, const http_request& request, responder respond) {
  if (auto refusal = refuse_unless_admin(request, context.settings.admin_api_key)) {
    respond.send(std::move(*refusal));
    return;
  }
  context.runtime.list_shops([respond](actors::outcome<std::vector<db::shop_summary>> result) {
    if (auto* failure = std::get_if<actors::failure>(&result)) {
      respond.send(failure_response(*failure, "shops"));
      return;
    }
    respond.send(json_response(200, shop_list_json(std::get<0>(result))));
  });
}

void shop_config(const shared_context& shared, const http_request& request, responder respond) {
  const api_context& context = *shared;
  if (auto refusal = refuse_unless_admin(request, context.settings.admin_api_key)) {
    respond.send(std::move(*refusal));
    return;
  }
  const std::string& text = request.path_params.at("location_id");
  auto location_id = parse_location_id(text);
  if (!location_id) {
    respond.send(error_response(api_error_kind::bad_request,
                                "location_id must be a positive integer, got '" + text + "'"));
    return;
  }
  context.runtime.shop_config(*location_id, [shared, respond,
                                             id = *location_id](actors::outcome<db::shop> result) {
    if (auto* failure = std::get_if<actors::failure>(&result)) {
      respond.send(failure_response(*failure, "shop " + std::to_string(id)));
      return;
    }
    const auto& shop = std::get<db::shop>(result);
    respond.send(json_response(200, shop_config_json(shop, numbers_of(shop, shared->settings))));
  });
}

}  // namespace

void add_api_routes(router& routes, const api_context& context) {
  // Handlers keep a copy of the context: its references outlive the server.
  auto ctx = std::make_shared<const api_context>(context);
  routes.add("GET", "/health", "health",
             [ctx](http_request, responder respond) { health(ctx, std::move(respond)); });
  routes.add("GET", "/metrics", "metrics",
             [ctx](http_request, responder respond) { metrics(*ctx, std::move(respond)); });
  routes.add("GET", "/shops", "shops", [ctx](http_request request, responder respond) {
    list_shops(*ctx, request, std::move(respond));
  });
  routes.add("GET", "/shop/{location_id}/config", "shop_config",
             [ctx](http_request request, responder respond) {
               shop_config(ctx, request, std::move(respond));
             });
}

}  // namespace salon::net
