#include "net/ops_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "actors/runtime.hpp"
#include "config/settings.hpp"
#include "net/admin_auth.hpp"
#include "net/admin_replies.hpp"
#include "net/api_error.hpp"
#include "net/router.hpp"

namespace salon::net {
namespace {

struct static_file {
  std::string content_type;
  std::string body;
};

// The dashboard's files by name, loaded once: nothing but these names is ever served, so no
// path can reach outside them.
using static_files = std::map<std::string, static_file, std::less<>>;

std::string content_type_of(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::shared_ptr<const static_files> load_files(const ops_context& context) {
  auto files = std::make_shared<static_files>();
  for (const char* name : {"index.html", "dashboard.js", "dashboard.css"}) {
    auto path = context.web_dir + "/" + name;
    if (auto body = read_file(path)) {
      files->emplace(name, static_file{content_type_of(name), std::move(*body)});
    } else {
      spdlog::warn("dashboard file {} missing: /dashboard will be incomplete", path);
    }
  }
  if (auto chart = read_file(context.chart_js_path)) {
    files->emplace("chart.min.js", static_file{content_type_of(".js"), std::move(*chart)});
  } else {
    spdlog::warn("{} missing (Debian package libjs-chart.js): the dashboard draws no chart",
                 context.chart_js_path);
  }
  return files;
}

http_response file_response(const static_files& files, std::string_view name) {
  auto it = files.find(name);
  if (it == files.end()) return error_response(api_error_kind::not_found, "no such file");
  http_response response{200, it->second.content_type, it->second.body, {}};
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : std::isxdigit(static_cast<unsigned char>(text[i])) == 0) {
      return false;
    }
  }
  return true;
}

bool is_location_id(std::string_view text) {
  return !text.empty() && text.size() < 10 && text.front() != '0' &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::optional<std::string_view> bearer_token(const http_request& request) {
  auto header = request.header("authorization");
  constexpr std::string_view scheme = "bearer ";
  if (!header || header->size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != scheme[i]) return std::nullopt;
  }
  return header->substr(scheme.size());
}

// A bad query value, named, with what came (cut short: it is only there to help).
http_response bad_query(std::string_view parameter, std::string_view expected,
                        std::string_view value) {
  constexpr std::size_t shown = 40;
  std::string message = std::string(parameter) + " must be " + std::string(expected) + ", got '" +
                        std::string(value.substr(0, shown)) + (value.size() > shown ? "...'" : "'");
  spdlog::info("/ops refused: {}", message);
  return field_error(api_error_kind::bad_request, parameter, message);
}

websocket_upgrade ops_upgrade(const ops_context& context, const http_request& request) {
  if (auto refusal = refuse_ops(request, context.admin_api_key)) return *refusal;
  actors::ops_filter filter;
  if (auto shop = request.query_param("shop")) {
    if (!is_location_id(*shop) && !is_uuid(*shop)) {
      return bad_query("shop", "a location id or a shop uuid", *shop);
    }
    filter.shop = *shop;
  }
  if (auto transcript = request.query_param("transcript")) {
    if (*transcript != "true" && *transcript != "false") {
      return bad_query("transcript", "true or false", *transcript);
    }
    filter.transcript = *transcript == "true";
  }
  return std::make_shared<ops_session>(std::move(filter), context.feed);
}

}  // namespace

ops_context ops_context_for(const config::settings& settings, actors::runtime& runtime) {
  ops_context context;
  context.admin_api_key = settings.admin_api_key;
  context.feed.subscribe = [&runtime](std::shared_ptr<actors::ops_subscriber> subscriber,
                                      actors::ops_filter filter) {
    runtime.subscribe_ops(std::move(subscriber), std::move(filter));
  };
  context.feed.unsubscribe = [&runtime](std::shared_ptr<actors::ops_subscriber> subscriber) {
    runtime.unsubscribe_ops(std::move(subscriber));
  };
  context.web_dir = settings.web_dir.empty() ? SALON_WEB_DIR : settings.web_dir;
  return context;
}

std::optional<http_response> refuse_ops(const http_request& request, std::string_view api_key) {
  if (api_key.empty()) {
    return error_response(api_error_kind::service_unavailable,
                          "ops feed disabled: set ADMIN_API_KEY on the server");
  }
  std::optional<std::string> token;
  if (auto bearer = bearer_token(request)) {
    token = std::string(*bearer);
  } else {
    token = request.query_param("access_token");
  }
  if (!token || token->empty()) {
    spdlog::info("/ops refused: no token from {}", request.remote_address);
    return error_response(api_error_kind::unauthorized, "missing bearer token");
  }
  if (!secrets_equal(*token, api_key)) {
    spdlog::warn("/ops refused: wrong token from {}", request.remote_address);
    return error_response(api_error_kind::unauthorized, "wrong bearer token");
  }
  return std::nullopt;
}

void add_ops_routes(router& routes, const ops_context& context) {
  auto shared = std::make_shared<const ops_context>(context);
  routes.add_websocket("/ops", "ops", [shared](const http_request& request) {
    return ops_upgrade(*shared, request);
  });
  auto files = load_files(context);
  routes.add("GET", "/dashboard", "dashboard", [files](http_request, responder respond) {
    respond.send(file_response(*files, "index.html"));
  });
  routes.add("GET", "/dashboard/{file}", "dashboard_file",
             [files](http_request request, responder respond) {
               respond.send(file_response(*files, request.path_params["file"]));
             });
}

}  // namespace salon::net
