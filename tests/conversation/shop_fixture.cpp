#include "shop_fixture.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "conversation/shop_clock.hpp"

namespace salon::conversation::fixture {

namespace {

int number_at(std::string_view s, std::size_t pos, std::size_t len) {
  return std::stoi(std::string{s.substr(pos, len)});
}

std::chrono::minutes clock_minutes(std::string_view hhmm) {
  return std::chrono::minutes{number_at(hhmm, 0, 2) * 60 + number_at(hhmm, 3, 2)};
}

}  // namespace

std::string data_path(std::string_view file) {
  return std::string{SALON_CONVERSATION_TEST_DATA} + "/" + std::string{file};
}

std::chrono::local_days local_date(std::string_view iso) {
  return std::chrono::local_days{std::chrono::year{number_at(iso, 0, 4)} /
                                 std::chrono::month{static_cast<unsigned>(number_at(iso, 5, 2))} /
                                 std::chrono::day{static_cast<unsigned>(number_at(iso, 8, 2))}};
}

std::chrono::sys_seconds shop_time(const shop_snapshot& shop, std::string_view local) {
  const shop_clock clock{shop.time_zone};
  return clock.to_sys(local_date(local), clock_minutes(local.substr(11, 5)));
}

std::shared_ptr<const shop_snapshot> load_shop(std::string_view file) {
  std::ifstream in{data_path(file)};
  if (!in) throw std::runtime_error("cannot open " + data_path(file));
  const auto j = nlohmann::json::parse(in);
  auto shop = std::make_shared<shop_snapshot>();
  shop->name = j.value("name", "");
  shop->time_zone = j.value("time_zone", "UTC");
  shop->address = j.value("address", "");
  static constexpr std::string_view days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                              "thursday", "friday", "saturday"};
  if (j.contains("hours")) {
    for (std::size_t d = 0; d < 7; ++d) {
      const auto it = j["hours"].find(std::string{days[d]});
      if (it == j["hours"].end()) continue;
      shop->hours[d] = opening_hours{clock_minutes((*it)[0].get<std::string>()),
                                     clock_minutes((*it)[1].get<std::string>())};
    }
  }
  for (const auto& d : j.value("closed_dates", nlohmann::json::array())) {
    shop->closed_dates.emplace_back(local_date(d.get<std::string>()));
  }
  for (const auto& s : j.value("services", nlohmann::json::array())) {
    shop_service service;
    service.id = s.at("id");
    service.name = s.at("name");
    service.synonyms = s.value("synonyms", std::vector<std::string>{});
    service.category = s.value("category", "");
    service.duration_minutes = s.value("duration", 0);
    service.price_cents = s.value("price", 0);
    if (s.contains("max_price")) service.max_price_cents = s["max_price"].get<std::int64_t>();
    service.from_price = s.value("from", false);
    shop->services.push_back(std::move(service));
  }
  for (const auto& s : j.value("stylists", nlohmann::json::array())) {
    shop_stylist stylist;
    stylist.id = s.at("id");
    stylist.name = s.at("name");
    stylist.role = s.value("role", "");
    stylist.service_ids = s.value("services", std::vector<std::string>{});
    stylist.days_off = s.value("days_off", std::vector<unsigned>{});
    shop->stylists.push_back(std::move(stylist));
  }
  shop->chair_count = j.value("chair_count", 1);
  const auto facts = j.value("facts", nlohmann::json::object());
  for (const auto& [key, text] : facts.items()) {
    shop->facts[key] = text.get<std::string>();
  }
  for (const auto& b : j.value("booked", nlohmann::json::array())) {
    shop->booked.push_back({b.at("resource"), shop_time(*shop, b.at("start").get<std::string>()),
                            shop_time(*shop, b.at("end").get<std::string>())});
  }
  return shop;
}

}  // namespace salon::conversation::fixture
