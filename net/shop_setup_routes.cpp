#include "net/shop_setup_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <nlohmann/json.hpp>

#include "actors/runtime.hpp"
#include "conversation/shop_clock.hpp"
#include "db/connection.hpp"
#include "net/admin_auth.hpp"
#include "net/admin_replies.hpp"
#include "net/request_fields.hpp"
#include "net/router.hpp"
#include "net/shop_from_website.hpp"
#include "net/shop_json.hpp"
#include "scraping/crawler.hpp"

namespace salon::net {
namespace {

using nlohmann::json;

// Each setup holds a thread for up to the crawl's budget (30 s).
constexpr int max_setups_at_once = 4;

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Characters, not bytes (the database counts characters).
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

// PostgreSQL's salon_is_known_time_zone accepts these names; the tz database must know it too.
bool is_time_zone(const std::string& zone) {
  if (zone.empty() || zone.size() > 64) return false;
  const bool shaped = std::all_of(zone.begin(), zone.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '/' || c == '_' || c == '+' || c == '-';
  });
  return shaped && std::isalpha(static_cast<unsigned char>(zone.front())) &&
         conversation::shop_clock(zone).ok();
}

// The setup a body asks for, or the 400 / 409 naming the field.
std::variant<shop_setup_request, http_response> read_setup(const std::string& body,
                                                           const config::settings& settings) {
  const auto bad = [](std::string_view field, std::string message) {
    return field_error(api_error_kind::bad_request, field, message);
  };
  const auto data = json::parse(body, nullptr, false);
  if (!data.is_object()) return bad("body", "the body must be a JSON object");
  shop_setup_request setup;

  const auto location = data.find("location_id");
  if (location == data.end() || !location->is_number_integer() ||
      (location->is_number_unsigned()
           ? location->get<std::uint64_t>() > INT_MAX
           : (location->get<std::int64_t>() <= 0 || location->get<std::int64_t>() > INT_MAX))) {
    return bad("location_id", "location_id must be a positive integer");
  }
  setup.location_id = location->get<int>();
  if (setup.location_id <= 0) return bad("location_id", "location_id must be a positive integer");

  const auto phone = data.find("phone_number");
  if (phone == data.end() || !phone->is_string() || !is_e164(phone->get<std::string>())) {
    return bad("phone_number", "phone_number must be an E.164 number such as +18084826296");
  }
  setup.phone_number = phone->get<std::string>();

  const auto website = data.find("website_url");
  if (website == data.end() || !website->is_string() || !is_http_url(website->get<std::string>())) {
    return bad("website_url", "website_url must be an http:// or https:// URL");
  }
  setup.website_url = website->get<std::string>();

  const auto name = data.find("business_name");
  if (name == data.end() || !name->is_string() || is_blank(name->get<std::string>()) ||
      utf8_length(name->get<std::string>()) > 200) {
    return bad("business_name",
               "business_name must be a non-empty string of at most 200 "
               "characters");
  }
  setup.business_name = name->get<std::string>();

  const auto zone = data.find("timezone");
  if (zone != data.end() && !zone->is_null()) {
    if (!zone->is_string() || !is_time_zone(zone->get<std::string>())) {
      return bad("timezone", "timezone must be an IANA time zone name such as Pacific/Honolulu");
    }
    setup.time_zone = zone->get<std::string>();
  }

  const auto forward = data.find("forward_phone");
  if (forward != data.end() && !forward->is_null()) {
    if (!forward->is_string() || !is_e164(forward->get<std::string>())) {
      return bad("forward_phone", "forward_phone must be an E.164 number such as +18085550100");
    }
    setup.forward_phone = forward->get<std::string>();
  }

  if (auto mapped = settings.phone_to_location.find(setup.phone_number);
      mapped != settings.phone_to_location.end() && mapped->second != setup.location_id) {
    return field_error(api_error_kind::conflict, "phone_number",
                       "phone_number " + setup.phone_number + " is mapped to location " +
                           std::to_string(mapped->second) + " by PHONE_TO_LOCATION_MAP");
  }
  return setup;
}

http_response phone_taken(const shop_setup_request& setup, std::optional<int> owner) {
  return field_error(api_error_kind::conflict, "phone_number",
                     "phone_number " + setup.phone_number + " already reaches location " +
                         (owner ? std::to_string(*owner) : std::string("another location")));
}

json report_json(const std::string& start_url, const scraping::crawl_result& crawl) {
  const auto& found = crawl.found;
  const auto& report = crawl.report;
  json pages = json::array();
  for (const auto& page : report.pages_read) {
    pages.push_back({{"url", page.url},
                     {"final_url", page.final_url},
                     {"status", page.http_status},
                     {"bytes", page.bytes},
                     {"content_type", page.content_type},
                     {"truncated", page.truncated},
                     {"redirects", page.redirects}});
  }
  json skipped = json::array();
  for (const auto& page : report.pages_skipped) {
    skipped.push_back({{"url", page.url}, {"reason", page.reason}});
  }
  const auto count = [&](auto predicate) {
    return std::count_if(found.services.begin(), found.services.end(), predicate);
  };
  json facts = json::array();
  for (const auto& fact : found.facts) {
    if (std::find(facts.begin(), facts.end(), fact.key) == facts.end()) facts.push_back(fact.key);
  }
  return {
      {"start_url", start_url},
      {"pages_read", pages},
      {"pages_skipped", skipped},
      {"robots_txt_found", report.robots_txt_found},
      {"elapsed_ms", report.elapsed.count()},
      {"found",
       {{"business_name", found.business_name.empty() ? json() : json(found.business_name)},
        {"telephone", found.telephone.empty() ? json() : json(found.telephone)},
        {"address", found.address.empty() ? json() : json(found.address.one_line())},
        {"opening_hours_days", found.hours.known_days()},
        {"services", found.services.size()},
        {"services_with_prices",
         count([](const scraping::service_finding& s) { return s.price_cents.has_value(); })},
        {"services_with_durations",
         count([](const scraping::service_finding& s) { return s.duration_minutes.has_value(); })},
        {"stylists", found.professionals.size()},
        {"facts", facts}}},
      {"warnings", report.warnings},
      {"errors", report.errors},
  };
}

// What the database part of a setup leaves for the answer.
struct setup_state {
  shop_setup_request request;
  scraping::crawl_result crawl;
  std::optional<db::save_shop_result> saved;
  std::optional<db::shop> shop;
  shop_plan plan;
};

void shop_setup(const std::shared_ptr<const api_context>& ctx,
                const std::shared_ptr<std::atomic<int>>& in_flight, const http_request& request,
                responder respond) {
  const api_context& context = *ctx;
  if (auto refusal = refuse_unless_admin(request, context.settings.admin_api_key)) {
    respond.send(std::move(*refusal));
    return;
  }
  auto read = read_setup(request.body, context.settings);
  if (auto* refused = std::get_if<http_response>(&read)) {
    respond.send(std::move(*refused));
    return;
  }
  if (in_flight->fetch_add(1) >= max_setups_at_once) {
    in_flight->fetch_sub(1);
    auto busy = error_response(api_error_kind::service_unavailable,
                               "too many shop setups at once, try again shortly");
    busy.headers.emplace_back("Retry-After", "10");
    respond.send(std::move(busy));
    return;
  }
  auto state = std::make_shared<setup_state>();
  state->request = std::get<shop_setup_request>(std::move(read));

  // The number may already reach another shop: say so before spending the crawl's time.
  auto owner = std::make_shared<std::optional<int>>();
  context.runtime.with_database(
      [state, owner](db::connection& database) {
        for (const auto& route : database.load_phone_routes()) {
          if (route.phone_number == state->request.phone_number &&
              route.location_id != state->request.location_id) {
            *owner = route.location_id;
          }
        }
      },
      [ctx, in_flight, state, owner, respond](std::optional<actors::failure> failed) {
        const api_context& context = *ctx;
        if (failed || *owner) {
          in_flight->fetch_sub(1);
          respond.send(failed ? failure_response(*failed, "shop")
                              : phone_taken(state->request, *owner));
          return;
        }
        scraping::crawl_options options;
        options.allow_private_addresses = context.settings.scrape_allow_private;
        const auto default_zone = context.settings.default_timezone;
        context.runtime.blocking_then_database(
            [state, options] {
              state->crawl = scraping::crawl(state->request.website_url, options);
            },
            [state, default_zone](db::connection& database) {
              const int location = state->request.location_id;
              const auto existing = database.load_shop(location);
              state->plan = plan_shop(state->request, state->crawl.found, existing, default_zone);
              // The shop and its scraped evidence in one transaction: a failure leaves no
              // shop behind, so a retry creates it (201) rather than finding it (200).
              state->saved = database.save_shop(state->plan.record, state->plan.scraped);
              if (state->saved->status == db::save_shop_status::phone_taken) return;
              state->shop = database.load_shop(location);
              database.announce_shop_change(location, state->saved->shop_id);
            },
            [ctx, in_flight, state, respond](std::optional<actors::failure> failed) {
              in_flight->fetch_sub(1);
              const api_context& context = *ctx;
              const auto& setup = state->request;
              if (failed) {
                spdlog::warn("shop setup of location {} failed: {}", setup.location_id,
                             actors::to_string(*failed));
                respond.send(failure_response(*failed, "shop"));
                return;
              }
              if (state->saved->status == db::save_shop_status::phone_taken) {
                respond.send(phone_taken(setup, state->saved->phone_owner_location_id));
                return;
              }
              if (!state->shop) {
                respond.send(failure_response(actors::failure::internal, "shop"));
                return;
              }
              // From the next call on, the number reaches this shop and its actor reloads.
              context.runtime.shop_changed(setup.location_id, setup.phone_number,
                                           state->saved->shop_id,
                                           state->shop->profile.business_name);
              const bool created = state->saved->status == db::save_shop_status::created;
              spdlog::info(
                  "shop setup {} location {} ({}): {} pages read, {} services, {} stylists",
                  created ? "created" : "updated", setup.location_id, setup.website_url,
                  state->crawl.report.pages_read.size(), state->shop->services.size(),
                  state->shop->stylists.size());
              std::vector<std::string> numbers{setup.phone_number};
              for (const auto& [number, location] : context.settings.phone_to_location) {
                if (location == setup.location_id && number != setup.phone_number) {
                  numbers.push_back(number);
                }
              }
              auto body = json::parse(shop_config_json(*state->shop, numbers), nullptr, false);
              if (!body.is_object()) {
                respond.send(failure_response(actors::failure::internal, "shop"));
                return;
              }
              body["setup"] = {{"status", created ? "created" : "updated"},
                               {"time_zone_source", state->plan.time_zone_source},
                               {"notes", state->plan.notes}};
              body["scrape"] = report_json(setup.website_url, state->crawl);
              respond.send(json_response(created ? 201 : 200, dump(body)));
            });
      });
}

}  // namespace

void add_shop_setup_routes(router& routes, const api_context& context) {
  auto ctx = std::make_shared<const api_context>(context);
  auto in_flight = std::make_shared<std::atomic<int>>(0);
  routes.add("POST", "/shop/setup", "shop_setup",
             [ctx, in_flight](http_request request, responder respond) {
               shop_setup(ctx, in_flight, request, std::move(respond));
             });
}

}  // namespace salon::net
