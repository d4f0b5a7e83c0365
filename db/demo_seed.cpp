#include "db/demo_seed.hpp"

#include "db/connection.hpp"

namespace salon::db {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

service make_service(std::string id, std::string name, std::string category,
                     std::vector<std::string> synonyms, int duration_minutes,
                     std::int64_t price_cents, std::optional<std::int64_t> price_max_cents = {},
                     bool price_is_from = false) {
  service s;
  s.id = std::move(id);
  s.name = std::move(name);
  s.category = std::move(category);
  s.synonyms = std::move(synonyms);
  s.duration_minutes = duration_minutes;
  s.price_cents = price_cents;
  s.price_max_cents = price_max_cents;
  s.price_is_from = price_is_from;
  return s;
}

stylist make_stylist(std::string name, std::string role, std::string bio,
                     std::vector<std::string> service_names) {
  stylist s;
  s.name = std::move(name);
  s.role = std::move(role);
  s.bio = std::move(bio);
  s.service_names = std::move(service_names);
  return s;
}

}  // namespace

shop demo_salon() {
  shop demo;
  demo.profile.location_id = 1;
  demo.profile.business_name = "Studio Nine Hair & Color";
  demo.profile.phone_number = "+18084826296";
  demo.profile.website = "https://studionine.example/";

  salon_details salon;
  salon.time_zone = "Pacific/Honolulu";
  salon.address = "3579 Waialae Ave, Honolulu, HI 96816";
  salon.region = "HI";
  salon.country = "US";
  // Tuesday to Friday 9 to 6, Saturday 8 to 4; closed Sundays and Mondays.
  const opening_span weekday{hours{9}, hours{18}};
  salon.hours[2] = weekday;
  salon.hours[3] = weekday;
  salon.hours[4] = weekday;
  salon.hours[5] = weekday;
  salon.hours[6] = opening_span{hours{8}, hours{16}};
  salon.greeting =
      "Aloha, thank you for calling Studio Nine Hair & Color! How can I help you today?";
  salon.chairs = 3;
  demo.salon = salon;

  demo.services = {
      make_service("svc_studio9_womens_cut", "Women's Haircut", "Cuts",
                   {"women's cut", "ladies cut", "ladies haircut", "trim"}, 60, 6500),
      make_service("svc_studio9_mens_cut", "Men's Haircut", "Cuts",
                   {"men's cut", "mens cut", "gents cut", "fade"}, 30, 4000),
      make_service("svc_studio9_kids_cut", "Kids' Cut (under 12)", "Cuts",
                   {"kids cut", "kids haircut", "children's haircut", "child's cut"}, 30, 3000),
      make_service("svc_studio9_blowout", "Blowout", "Styling",
                   {"blow dry", "blow-dry", "blowdry", "wash and style"}, 45, 4500),
      make_service("svc_studio9_single_color", "Single Process Color", "Color",
                   {"color", "colour", "hair color", "dye", "root touch up"}, 90, 9500),
      make_service("svc_studio9_balayage", "Balayage", "Color",
                   {"highlights", "babylights", "ombre", "bayalage"}, 180, 18000, 26000),
      make_service("svc_studio9_keratin", "Keratin Smoothing Treatment", "Treatments",
                   {"keratin", "smoothing treatment", "brazilian blowout", "straightening"}, 150,
                   25000, std::nullopt, true),
  };

  demo.stylists = {
      make_stylist(
          "Maria Santos", "Owner & Color Specialist",
          "Maria has 15 years of experience with balayage and color correction.",
          {"Balayage", "Single Process Color", "Keratin Smoothing Treatment", "Women's Haircut"}),
      make_stylist("Kenji Watanabe", "Senior Stylist", "Precision cuts for all hair types.",
                   {"Women's Haircut", "Men's Haircut", "Kids' Cut (under 12)"}),
      make_stylist("Leilani Kahale", "Stylist", "Blowouts, updos and kids' cuts.",
                   {"Blowout", "Kids' Cut (under 12)"}),
  };

  demo.facts = {
      {"cancellation", "We ask for 24 hours' notice for cancellations."},
      {"color_pricing", "Prices for color services depend on hair length."},
      {"parking", "Free parking behind the building."},
      {"payment", "We accept cash and all major credit cards."},
      {"walk_ins", "Walk-ins are welcome when a chair is free; calling ahead is best."},
  };
  return demo;
}

save_shop_result seed_demo_salon(connection& database) {
  return database.save_shop(demo_salon());
}

}  // namespace salon::db
