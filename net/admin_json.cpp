#include "net/admin_json.hpp"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "conversation/shop_clock.hpp"
#include "net/request_fields.hpp"

namespace salon::net {
namespace {

using nlohmann::json;
using std::chrono::time_point_cast;

template <class T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string utc(db::time_point at) {
  return utc_text(time_point_cast<std::chrono::seconds>(at));
}

json counts_json(const db::call_counts& calls) {
  return {{"total", calls.total},
          {"answered", calls.answered},
          {"booked", calls.booked},
          {"inquiry", calls.inquiry},
          {"missed", calls.missed},
          {"transferred", calls.transferred},
          {"in_progress", calls.in_progress}};
}

std::string local_start(std::chrono::sys_seconds at, const conversation::shop_clock& clock) {
  const auto local = clock.to_local(at);
  return local_text(std::chrono::local_seconds{local.day + local.minute_of_day});
}

// The chair of a resource booked without a stylist ("2"), or nullopt for a stylist's name.
std::optional<int> chair_number(std::string_view resource) {
  int number = 0;
  const auto [end, ec] =
      std::from_chars(resource.data(), resource.data() + resource.size(), number);
  if (resource.empty() || ec != std::errc{} || end != resource.data() + resource.size()) {
    return std::nullopt;
  }
  return number;
}

std::string dollars(std::int64_t cents) {
  if (cents % 100 == 0) return fmt::format("${}", cents / 100);
  return fmt::format("${}.{:02d}", cents / 100, cents % 100);
}

}  // namespace

std::string platform_metrics_json(const db::platform_metrics& metrics, int live_calls) {
  auto calls = counts_json(metrics.calls);
  calls["today"] = metrics.calls_today;
  return dump({{"period_days", metrics.period_days},
               {"shops", metrics.shops},
               {"active_shops", metrics.active_shops},
               {"calls", calls},
               {"conversion_rate", metrics.conversion_rate},
               {"appointments_booked", metrics.appointments_booked},
               {"booked_revenue_cents", metrics.revenue_cents},
               {"live_calls", live_calls}});
}

std::string shops_overview_json(const std::vector<db::salon_overview>& shops) {
  json rows = json::array();
  for (const auto& shop : shops) {
    auto calls = counts_json(shop.calls);
    calls["today"] = shop.calls_today;
    rows.push_back({{"shop_id", shop.shop_id},
                    {"location_id", shop.location_id},
                    {"business_name", shop.business_name},
                    {"phone_number", or_null(shop.phone_number)},
                    {"timezone", shop.time_zone},
                    {"created_at", utc(shop.created_at)},
                    {"calls", calls},
                    {"conversion_rate", shop.conversion_rate},
                    {"appointments_booked", shop.appointments_booked},
                    {"booked_revenue_cents", shop.revenue_cents},
                    {"last_call_at", shop.last_call_at ? json(utc(*shop.last_call_at)) : json()}});
  }
  return dump({{"period_days", 30}, {"shops", rows}});
}

std::string shop_metrics_json(int location_id, int days, const db::shop_kpis& kpis,
                              const std::vector<db::daily_calls>& series) {
  json timeseries = json::array();
  for (const auto& day : series) {
    auto row = counts_json(day.calls);
    row["date"] = date_text(day.day);
    row["after_hours_captured"] = day.after_hours_captured;
    timeseries.push_back(std::move(row));
  }
  return dump({{"shop_id", kpis.shop_id},
               {"location_id", location_id},
               {"timezone", kpis.time_zone},
               {"days", days},
               {"first_day", date_text(kpis.first_day)},
               {"last_day", date_text(kpis.last_day)},
               {"kpis",
                {{"calls", counts_json(kpis.calls)},
                 {"after_hours_captured", kpis.after_hours_captured},
                 {"conversion_rate", kpis.conversion_rate},
                 {"appointments_booked", kpis.appointments_booked},
                 {"booked_revenue_cents", kpis.revenue_cents},
                 {"average_duration_seconds", or_null(kpis.average_duration_seconds)},
                 {"average_sentiment", or_null(kpis.average_sentiment)}}},
               {"timeseries", timeseries}});
}

std::string price_text(const db::service& service) {
  if (!service.price_cents) return {};
  if (service.price_max_cents && *service.price_max_cents != *service.price_cents) {
    return dollars(*service.price_cents) + "\u2013" + dollars(*service.price_max_cents);
  }
  return (service.price_is_from ? "from " : "") + dollars(*service.price_cents);
}

std::string shop_services_json(const db::shop& shop) {
  json services = json::array();
  for (const auto& s : shop.services) {
    const auto text = price_text(s);
    services.push_back({{"id", s.id},
                        {"name", s.name},
                        {"category", or_null(s.category)},
                        {"description", or_null(s.description)},
                        {"duration_minutes", s.duration_minutes},
                        {"price_cents", or_null(s.price_cents)},
                        {"price_max_cents", or_null(s.price_max_cents)},
                        {"price_is_from", s.price_is_from},
                        {"price_text", text.empty() ? json() : json(text)}});
  }
  return dump({{"shop_id", shop.profile.id},
               {"location_id", shop.profile.location_id},
               {"business_name", shop.profile.business_name},
               {"services", services}});
}

std::string appointment_json(const db::appointment& a, int location_id,
                             const std::string& time_zone) {
  const conversation::shop_clock clock(time_zone);
  const auto chair = chair_number(a.resource);
  return dump(
      {{"appointment_id", a.id},
       {"shop_id", a.shop_id},
       {"location_id", location_id},
       {"call_id", or_null(a.call_sid)},
       {"service_id", or_null(a.service_id)},
       {"service_name", a.service_name},
       {"stylist", chair ? json() : json(a.resource)},
       {"chair", or_null(chair)},
       {"starts_at", utc(a.starts_at)},
       {"ends_at", utc(a.ends_at)},
       {"local_start", local_start(time_point_cast<std::chrono::seconds>(a.starts_at), clock)},
       {"timezone", time_zone},
       {"customer_name", or_null(a.customer_name)},
       {"customer_phone", or_null(a.customer_phone)},
       {"estimated_revenue_cents", a.estimated_revenue_cents},
       {"status", db::to_string(a.status)},
       {"source", db::to_string(a.source)}});
}

std::string free_times_json(const std::vector<actors::free_time>& times,
                            const std::string& time_zone) {
  const conversation::shop_clock clock(time_zone);
  json out = json::array();
  for (const auto& t : times) {
    const std::string_view resource = t.resource;
    const auto chair =
        resource.starts_with("chair ") ? chair_number(resource.substr(6)) : std::nullopt;
    out.push_back({{"starts_at", utc_text(t.start)},
                   {"ends_at", utc_text(t.end)},
                   {"local_start", local_start(t.start, clock)},
                   {"stylist", chair ? json() : json(t.resource)},
                   {"chair", or_null(chair)}});
  }
  return dump(out);
}

}  // namespace salon::net
