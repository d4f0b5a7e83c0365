#include "net/admin_routes.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "actors/runtime.hpp"
#include "db/connection.hpp"
#include "net/admin_auth.hpp"
#include "net/admin_json.hpp"
#include "net/admin_replies.hpp"
#include "net/request_fields.hpp"
#include "net/router.hpp"
#include "net/shop_setup_routes.hpp"

namespace salon::net {
namespace {

using nlohmann::json;
using shared_context = std::shared_ptr<const api_context>;

constexpr int default_days = 30;
constexpr std::int64_t max_revenue_cents = 100'000'000;  // a million dollars: surely a typo

// The shop a `{shop_id}` names, as the database knows it.
struct resolved_shop {
  std::string shop_id;
  int location_id = 0;
};

// Runs on a database worker.
std::optional<resolved_shop> resolve(db::connection& database, const shop_key& key) {
  if (key.location_id) {
    auto id = database.find_shop_id(*key.location_id);
    if (!id) return std::nullopt;
    return resolved_shop{*id, *key.location_id};
  }
  auto location = database.find_location_id(*key.shop_id);
  if (!location) return std::nullopt;
  return resolved_shop{*key.shop_id, *location};
}

// The `{shop_id}` of a request, or the 400 refusing it.
std::variant<shop_key, http_response> shop_key_of(const http_request& request) {
  const auto& text = request.path_params.at("shop_id");
  if (auto key = parse_shop_key(text)) return *key;
  return field_error(
      api_error_kind::bad_request, "shop_id",
      "shop_id must be a shop uuid or a positive integer location id, got '" + text + "'");
}

http_response shop_not_found(const http_request& request) {
  return field_error(api_error_kind::not_found, "shop_id",
                     "shop_id " + request.path_params.at("shop_id") + ": no such shop");
}

// Runs `work` on a database worker and answers with `reply()` afterwards; failures become
// their HTTP answers.
template <class Reply>
void query(const api_context& context, responder respond, std::string what,
           std::function<void(db::connection&)> work, Reply reply) {
  context.runtime.with_database(std::move(work), [respond, what = std::move(what),
                                                  reply](std::optional<actors::failure> failed) {
    respond.send(failed ? failure_response(*failed, what) : reply());
  });
}

void platform_metrics(const shared_context& ctx, const http_request&, responder respond) {
  auto metrics = std::make_shared<db::platform_metrics>();
  query(
      *ctx, respond, "platform metrics",
      [metrics](db::connection& database) { *metrics = database.load_platform_metrics(); },
      [ctx, metrics] {
        return json_response(
            200, platform_metrics_json(*metrics, ctx->runtime.stats().cluster_live_calls.load()));
      });
}

void shops_overview(const shared_context& ctx, const http_request&, responder respond) {
  auto shops = std::make_shared<std::vector<db::salon_overview>>();
  query(
      *ctx, respond, "shops overview",
      [shops](db::connection& database) { *shops = database.salons_overview(); },
      [shops] { return json_response(200, shops_overview_json(*shops)); });
}

void shop_metrics(const shared_context& ctx, const http_request& request, const shop_key& key,
                  responder respond) {
  int days = default_days;
  if (auto text = request.query_param("days")) {
    auto parsed = parse_positive_int(*text);
    if (!parsed || *parsed > 365) {
      respond.send(field_error(api_error_kind::bad_request, "days",
                               "days must be a whole number from 1 to 365, got '" + *text + "'"));
      return;
    }
    days = *parsed;
  }
  struct answer {
    std::optional<resolved_shop> shop;
    std::optional<db::shop_kpis> kpis;
    std::vector<db::daily_calls> series;
  };
  auto found = std::make_shared<answer>();
  query(
      *ctx, respond, "shop metrics",
      [found, key, days](db::connection& database) {
        found->shop = resolve(database, key);
        if (!found->shop) return;
        found->kpis = database.salon_kpis(found->shop->shop_id, days);
        found->series = database.calls_timeseries(found->shop->shop_id, days);
      },
      [found, request, days] {
        if (!found->shop || !found->kpis) return shop_not_found(request);
        return json_response(
            200, shop_metrics_json(found->shop->location_id, days, *found->kpis, found->series));
      });
}

void shop_services(const shared_context& ctx, const http_request& request, const shop_key& shop,
                   responder respond) {
  auto with_location = [ctx, request, respond](int location_id) {
    ctx->runtime.shop_config(location_id, [request, respond](actors::outcome<db::shop> result) {
      if (auto* failed = std::get_if<actors::failure>(&result)) {
        respond.send(*failed == actors::failure::shop_not_found
                         ? shop_not_found(request)
                         : failure_response(*failed, "shop"));
        return;
      }
      respond.send(json_response(200, shop_services_json(std::get<db::shop>(result))));
    });
  };
  if (shop.location_id) {
    with_location(*shop.location_id);
    return;
  }
  auto location = std::make_shared<std::optional<int>>();
  ctx->runtime.with_database(
      [location, id = *shop.shop_id](db::connection& database) {
        *location = database.find_location_id(id);
      },
      [location, request, respond, with_location](std::optional<actors::failure> failed) {
        if (failed) {
          respond.send(failure_response(*failed, "shop"));
        } else if (!*location) {
          respond.send(shop_not_found(request));
        } else {
          with_location(**location);
        }
      });
}

// ---- POST /admin/shop/{shop_id}/appointment ---------------------------------------------------

bool is_call_sid(const std::string& text) {
  return text.size() >= 2 && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c); });
}

bool is_service_id(const std::string& text) {
  return !text.empty() && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

// The booking a body asks for (location_id left for the caller), or the 400 naming the field.
std::variant<actors::admin_booking, http_response> read_appointment(const std::string& body) {
  const auto bad = [](std::string_view field, std::string message) {
    return field_error(api_error_kind::bad_request, field, message);
  };
  const auto data = json::parse(body, nullptr, false);
  if (!data.is_object()) return bad("body", "the body must be a JSON object");
  actors::admin_booking booking;

  const auto call = data.find("call_id");
  if (call == data.end() || !call->is_string() || !is_call_sid(call->get<std::string>())) {
    return bad("call_id", "call_id must be a Twilio call SID (2 to 64 letters and digits)");
  }
  booking.call_sid = call->get<std::string>();

  const auto service = data.find("service_id");
  if (service == data.end() || !service->is_string() ||
      !is_service_id(service->get<std::string>())) {
    return bad("service_id", "service_id must be a service id such as \"svc_123\"");
  }
  booking.service_id = service->get<std::string>();

  const auto date = data.find("appointment_date");
  std::optional<std::variant<std::chrono::sys_seconds, std::chrono::local_seconds>> starts;
  if (date != data.end() && date->is_string()) {
    starts = parse_appointment_time(date->get<std::string>());
  }
  if (!starts) {
    return bad("appointment_date",
               "appointment_date must be an ISO 8601 date and time on a whole minute, such as "
               "\"2024-01-15T10:00:00Z\" (or without an offset, in the shop's time zone)");
  }
  booking.starts = *starts;

  const auto revenue = data.find("estimated_revenue_cents");
  if (revenue == data.end() || !revenue->is_number_integer() || revenue->get<std::int64_t>() < 0 ||
      revenue->get<std::int64_t>() > max_revenue_cents) {
    return bad("estimated_revenue_cents",
               "estimated_revenue_cents must be a whole number of cents from 0 to 100000000");
  }
  booking.estimated_revenue_cents = revenue->get<std::int64_t>();

  // Optional text fields: absent or null, else a non-blank string of limited length.
  const auto optional_text = [&](const char* field, std::size_t limit,
                                 std::optional<std::string>& into) -> std::optional<http_response> {
    const auto value = data.find(field);
    if (value == data.end() || value->is_null()) return std::nullopt;
    if (!value->is_string() || is_blank(value->get<std::string>()) ||
        value->get<std::string>().size() > limit) {
      return bad(field, std::string(field) + " must be a non-empty string of at most " +
                            std::to_string(limit) + " bytes");
    }
    into = value->get<std::string>();
    return std::nullopt;
  };
  if (auto refused = optional_text("customer_name", 200, booking.customer_name)) return *refused;
  if (auto refused = optional_text("stylist", 200, booking.stylist)) return *refused;
  if (auto refused = optional_text("customer_phone", 64, booking.customer_phone)) return *refused;
  if (booking.customer_phone && !is_e164(*booking.customer_phone)) {
    return bad("customer_phone", "customer_phone must be an E.164 number such as +18085550100");
  }
  return booking;
}

http_response refused_booking(const actors::admin_booking_refused& refused) {
  using actors::booking_refusal;
  switch (refused.reason) {
    case booking_refusal::unknown_service:
    case booking_refusal::unknown_stylist:
      return field_error(api_error_kind::not_found, refused.field, refused.message);
    case booking_refusal::stylist_cannot:
    case booking_refusal::in_the_past:
    case booking_refusal::too_far_ahead:
      return field_error(api_error_kind::bad_request, refused.field, refused.message);
    case booking_refusal::repeated_otherwise:
      return field_error(api_error_kind::conflict, refused.field, refused.message);
    case booking_refusal::outside_opening_hours:
    case booking_refusal::stylist_not_working:
    case booking_refusal::taken:
      break;
  }
  auto response = field_error(api_error_kind::conflict, refused.field, refused.message);
  auto body = json::parse(response.body, nullptr, false);
  body["next_free_times"] = json::parse(free_times_json(refused.next_free, refused.time_zone));
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

void book_appointment(const shared_context& ctx, const http_request& request, const shop_key& key,
                      responder respond) {
  auto read = read_appointment(request.body);
  if (auto* refused = std::get_if<http_response>(&read)) {
    respond.send(std::move(*refused));
    return;
  }
  auto booking = std::get<actors::admin_booking>(std::move(read));

  struct lookup {
    std::optional<resolved_shop> shop;
    std::optional<db::call_record> call;
  };
  auto found = std::make_shared<lookup>();
  ctx->runtime.with_database(
      [found, key, sid = booking.call_sid](db::connection& database) {
        found->shop = resolve(database, key);
        if (found->shop) found->call = database.load_call(sid);
      },
      [ctx, found, booking, request, respond](std::optional<actors::failure> failed) mutable {
        if (failed) {
          respond.send(failure_response(*failed, "shop"));
          return;
        }
        if (!found->shop) {
          respond.send(shop_not_found(request));
          return;
        }
        if (!found->call) {
          respond.send(field_error(api_error_kind::not_found, "call_id",
                                   "call_id '" + booking.call_sid + "' is not a known call"));
          return;
        }
        if (found->call->shop_id && *found->call->shop_id != found->shop->shop_id) {
          respond.send(field_error(api_error_kind::bad_request, "call_id",
                                   "call_id '" + booking.call_sid + "' is a call of another shop"));
          return;
        }
        booking.location_id = found->shop->location_id;
        const int location_id = booking.location_id;
        ctx->runtime.book_appointment(
            std::move(booking),
            [request, respond, location_id](actors::outcome<actors::admin_booking_result> result) {
              if (auto* failed = std::get_if<actors::failure>(&result)) {
                respond.send(*failed == actors::failure::shop_not_found
                                 ? shop_not_found(request)
                                 : failure_response(*failed, "shop"));
                return;
              }
              const auto& outcome = std::get<actors::admin_booking_result>(result);
              if (auto* refused = std::get_if<actors::admin_booking_refused>(&outcome)) {
                respond.send(refused_booking(*refused));
                return;
              }
              const auto& made = std::get<actors::admin_booking_made>(outcome);
              // 200: a repeated request, answered with what the first one booked.
              respond.send(
                  json_response(made.repeated ? 200 : 201,
                                appointment_json(made.appointment, location_id, made.time_zone)));
            });
      });
}

using admin_handler = std::function<void(const shared_context&, const http_request&, responder)>;
using shop_handler =
    std::function<void(const shared_context&, const http_request&, const shop_key&, responder)>;

// The prologue of every admin route: without the bearer token the refusal is the answer.
void add_admin_route(router& routes, const shared_context& ctx, std::string method,
                     std::string_view pattern, std::string name, admin_handler handle) {
  routes.add(std::move(method), pattern, std::move(name),
             [ctx, handle = std::move(handle)](http_request request, responder respond) {
               if (auto refusal = refuse_unless_admin(request, ctx->settings.admin_api_key)) {
                 respond.send(std::move(*refusal));
                 return;
               }
               handle(ctx, request, std::move(respond));
             });
}

// An admin route under /admin/shop/{shop_id}/: a malformed `{shop_id}` is refused after the
// token, before the handler runs.
void add_shop_route(router& routes, const shared_context& ctx, std::string method,
                    std::string_view pattern, std::string name, shop_handler handle) {
  add_admin_route(routes, ctx, std::move(method), pattern, std::move(name),
                  [handle = std::move(handle)](const shared_context& ctx,
                                               const http_request& request, responder respond) {
                    auto key = shop_key_of(request);
                    if (auto* refused = std::get_if<http_response>(&key)) {
                      respond.send(std::move(*refused));
                      return;
                    }
                    handle(ctx, request, std::get<shop_key>(key), std::move(respond));
                  });
}

}  // namespace

void add_admin_routes(router& routes, const api_context& context) {
  // Handlers keep a copy of the context: its references outlive the server.
  auto ctx = std::make_shared<const api_context>(context);
  add_admin_route(routes, ctx, "GET", "/admin/platform-metrics", "admin_platform_metrics",
                  platform_metrics);
  add_admin_route(routes, ctx, "GET", "/admin/shops/overview", "admin_shops_overview",
                  shops_overview);
  add_shop_route(routes, ctx, "GET", "/admin/shop/{shop_id}/metrics", "admin_shop_metrics",
                 shop_metrics);
  add_shop_route(routes, ctx, "GET", "/admin/shop/{shop_id}/services", "admin_shop_services",
                 shop_services);
  add_shop_route(routes, ctx, "POST", "/admin/shop/{shop_id}/appointment", "admin_shop_appointment",
                 book_appointment);
  add_shop_setup_routes(routes, context);
}

}  // namespace salon::net
