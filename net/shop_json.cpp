#include "net/shop_json.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace salon::net {
namespace {

using nlohmann::json;

template <class T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

std::string clock_text(std::chrono::minutes minutes) {
  return fmt::format("{:02d}:{:02d}", minutes.count() / 60, minutes.count() % 60);
}

json hours_json(const db::salon_details& salon) {
  static constexpr const char* days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                         "thursday", "friday", "saturday"};
  json hours = json::object();
  for (std::size_t day = 0; day < 7; ++day) {
    const auto& span = salon.hours[day];
    hours[days[day]] =
        span ? json{{"opens", clock_text(span->opens)}, {"closes", clock_text(span->closes)}}
             : json(nullptr);
  }
  return hours;
}

}  // namespace

std::string shop_config_json(const db::shop& shop, const std::vector<std::string>& phone_numbers) {
  json out = {
      {"shop_id", shop.profile.id},
      {"location_id", shop.profile.location_id},
      {"business_name", shop.profile.business_name},
      {"phone_number", or_null(shop.profile.phone_number)},
      {"website", or_null(shop.profile.website)},
      {"phone_numbers", phone_numbers},
  };
  if (shop.salon) {
    const auto& salon = *shop.salon;
    out["timezone"] = salon.time_zone;
    out["address"] = or_null(salon.address);
    out["greeting"] = or_null(salon.greeting);
    out["forward_phone"] = or_null(salon.forward_phone);
    out["chairs"] = salon.chairs;
    out["opening_hours"] = hours_json(salon);
    json closed = json::array();
    for (const auto& date : salon.closed_dates) {
      closed.push_back(fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(date.year()),
                                   static_cast<unsigned>(date.month()),
                                   static_cast<unsigned>(date.day())));
    }
    out["closed_dates"] = closed;
    out["booking_rules"] = {{"slot_minutes", salon.rules.slot_minutes},
                            {"min_notice_minutes", salon.rules.min_notice_minutes},
                            {"max_days_ahead", salon.rules.max_days_ahead}};
  } else {
    out["timezone"] = nullptr;
    out["opening_hours"] = nullptr;
  }
  json services = json::array();
  for (const auto& s : shop.services) {
    services.push_back({{"id", s.id},
                        {"name", s.name},
                        {"category", or_null(s.category)},
                        {"description", or_null(s.description)},
                        {"synonyms", s.synonyms},
                        {"duration_minutes", s.duration_minutes},
                        {"price_cents", or_null(s.price_cents)},
                        {"price_max_cents", or_null(s.price_max_cents)},
                        {"price_is_from", s.price_is_from}});
  }
  out["services"] = services;
  json stylists = json::array();
  for (const auto& s : shop.stylists) {
    stylists.push_back({{"id", s.id},
                        {"name", s.name},
                        {"role", or_null(s.role)},
                        {"services", s.service_names},
                        {"days_off", s.days_off}});
  }
  out["stylists"] = stylists;
  json facts = json::object();
  for (const auto& fact : shop.facts) facts[fact.key] = fact.value;
  out["facts"] = facts;
  return out.dump();
}

std::string shop_list_json(const std::vector<db::shop_summary>& shops) {
  json list = json::array();
  for (const auto& s : shops) {
    list.push_back({{"shop_id", s.id},
                    {"location_id", s.location_id},
                    {"business_name", s.business_name},
                    {"phone_number", or_null(s.phone_number)},
                    {"timezone", or_null(s.time_zone)},
                    {"services", s.services},
                    {"stylists", s.stylists}});
  }
  return json{{"shops", list}}.dump();
}

}  // namespace salon::net
