#include "actors/shop_snapshot_builder.hpp"

#include <algorithm>
#include <cctype>

namespace salon::actors {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::chrono::sys_seconds seconds(db::time_point t) {
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

}  // namespace

std::string database_resource(std::string_view conversation_resource) {
  constexpr std::string_view chair = "chair ";
  if (conversation_resource.substr(0, chair.size()) == chair) {
    return std::string(conversation_resource.substr(chair.size()));
  }
  return std::string(conversation_resource);
}

conversation::booked_interval to_interval(const db::booked_slot& slot) {
  return {slot.resource, seconds(slot.starts_at), seconds(slot.ends_at)};
}

conversation::shop_snapshot build_snapshot(const db::shop& shop,
                                           const std::vector<db::booked_slot>& book,
                                           const std::string& default_time_zone) {
  conversation::shop_snapshot snapshot;
  snapshot.name = shop.profile.business_name;
  snapshot.time_zone = default_time_zone;
  if (shop.salon) {
    const auto& salon = *shop.salon;
    if (!salon.time_zone.empty()) snapshot.time_zone = salon.time_zone;
    snapshot.address = salon.address.value_or("");
    snapshot.greeting = salon.greeting.value_or("");
    snapshot.forward_phone = salon.forward_phone.value_or("");
    for (std::size_t day = 0; day < 7; ++day) {
      if (salon.hours[day]) {
        snapshot.hours[day] =
            conversation::opening_hours{salon.hours[day]->opens, salon.hours[day]->closes};
      }
    }
    snapshot.closed_dates = salon.closed_dates;
    snapshot.chair_count = salon.chairs;
  }
  for (const auto& s : shop.services) {
    conversation::shop_service service;
    service.id = s.id;
    service.name = s.name;
    service.synonyms = s.synonyms;
    service.category = s.category.value_or("");
    service.duration_minutes = s.duration_minutes;
    service.price_cents = s.price_cents.value_or(0);
    service.max_price_cents = s.price_max_cents;
    service.from_price = s.price_is_from;
    snapshot.services.push_back(std::move(service));
  }
  for (const auto& s : shop.stylists) {
    conversation::shop_stylist stylist;
    stylist.id = s.id;
    stylist.name = s.name;
    stylist.role = s.role.value_or("");
    // The salon words a stylist's services its own way; match them to the catalog by name.
    for (const auto& wording : s.service_names) {
      auto wanted = lower(wording);
      for (const auto& service : snapshot.services) {
        auto name = lower(service.name);
        if (name == wanted || name.find(wanted) != std::string::npos ||
            lower(service.category) == wanted) {
          if (std::find(stylist.service_ids.begin(), stylist.service_ids.end(), service.id) ==
              stylist.service_ids.end()) {
            stylist.service_ids.push_back(service.id);
          }
        }
      }
    }
    for (int day : s.days_off) stylist.days_off.push_back(static_cast<unsigned>(day));
    snapshot.stylists.push_back(std::move(stylist));
  }
  for (const auto& fact : shop.facts) snapshot.facts[fact.key] = fact.value;
  snapshot.booked.reserve(book.size());
  for (const auto& slot : book) snapshot.booked.push_back(to_interval(slot));
  return snapshot;
}

}  // namespace salon::actors
