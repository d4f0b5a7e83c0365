#include <algorithm>

#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "db/errors.hpp"
#include "scratch_database.hpp"

namespace salon::db {
namespace {

using namespace std::chrono_literals;
using testing::migrated_database_test;

class shop_test : public migrated_database_test {
 protected:
  int count(const std::string& sql) { return database().query(sql)[0][0].as<int>(); }
};

const service* find_service(const shop& s, const std::string& name) {
  const auto found = std::find_if(s.services.begin(), s.services.end(),
                                  [&](const service& item) { return item.name == name; });
  return found == s.services.end() ? nullptr : &*found;
}

TEST_F(shop_test, the_demo_seed_is_idempotent) {
  connection db(url());
  const auto first = seed_demo_salon(db);
  ASSERT_EQ(first.status, save_shop_status::created);
  const auto second = seed_demo_salon(db);
  EXPECT_EQ(second.status, save_shop_status::updated);
  EXPECT_EQ(second.shop_id, first.shop_id);

  EXPECT_EQ(count("select count(*) from profiles"), 1);
  EXPECT_EQ(count("select count(*) from salon_info"), 1);
  EXPECT_EQ(count("select count(*) from services"), 7);
  EXPECT_EQ(count("select count(*) from services where active"), 7);
  EXPECT_EQ(count("select count(*) from scraped_professionals"), 3);
  EXPECT_EQ(count("select count(*) from salon_static_data"), 5);
}

TEST_F(shop_test, load_shop_returns_the_seeded_salon) {
  connection db(url());
  const auto seeded = seed_demo_salon(db);
  const auto loaded = db.load_shop(1);
  ASSERT_TRUE(loaded.has_value());

  EXPECT_EQ(loaded->profile.id, seeded.shop_id);
  EXPECT_EQ(loaded->profile.location_id, 1);
  EXPECT_EQ(loaded->profile.business_name, "Studio Nine Hair & Color");
  EXPECT_EQ(loaded->profile.phone_number, "+18084826296");
  EXPECT_GT(loaded->profile.created_at.time_since_epoch().count(), 0);

  ASSERT_TRUE(loaded->salon.has_value());
  const auto& salon = *loaded->salon;
  EXPECT_EQ(salon.time_zone, "Pacific/Honolulu");
  EXPECT_EQ(salon.country, "US");
  EXPECT_FALSE(salon.hours[0].has_value());  // Sunday
  EXPECT_FALSE(salon.hours[1].has_value());  // Monday
  ASSERT_TRUE(salon.hours[2].has_value());   // Tuesday
  EXPECT_EQ(salon.hours[2]->opens, 9h);
  EXPECT_EQ(salon.hours[2]->closes, 18h);
  ASSERT_TRUE(salon.hours[6].has_value());  // Saturday
  EXPECT_EQ(salon.hours[6]->opens, 8h);
  EXPECT_EQ(salon.hours[6]->closes, 16h);
  EXPECT_EQ(salon.chairs, 3);
  ASSERT_TRUE(salon.greeting.has_value());
  EXPECT_NE(salon.greeting->find("Studio Nine"), std::string::npos);

  ASSERT_EQ(loaded->services.size(), 7u);
  const auto* balayage = find_service(*loaded, "Balayage");
  ASSERT_NE(balayage, nullptr);
  EXPECT_EQ(balayage->id, "svc_studio9_balayage");
  EXPECT_EQ(balayage->duration_minutes, 180);
  EXPECT_EQ(balayage->price_cents, 18000);
  EXPECT_EQ(balayage->price_max_cents, 26000);
  EXPECT_FALSE(balayage->price_is_from);
  const auto* keratin = find_service(*loaded, "Keratin Smoothing Treatment");
  ASSERT_NE(keratin, nullptr);
  EXPECT_TRUE(keratin->price_is_from);
  EXPECT_EQ(keratin->price_cents, 25000);
  EXPECT_FALSE(keratin->price_max_cents.has_value());
  const auto* blowout = find_service(*loaded, "Blowout");
  ASSERT_NE(blowout, nullptr);
  EXPECT_NE(std::find(blowout->synonyms.begin(), blowout->synonyms.end(), "blow dry"),
            blowout->synonyms.end());

  ASSERT_EQ(loaded->stylists.size(), 3u);
  EXPECT_EQ(loaded->stylists[0].name, "Kenji Watanabe");  // ordered by name
  EXPECT_EQ(loaded->stylists[1].name, "Leilani Kahale");
  EXPECT_EQ(loaded->stylists[2].name, "Maria Santos");
  EXPECT_EQ(loaded->stylists[2].role, "Owner & Color Specialist");
  EXPECT_NE(std::find(loaded->stylists[2].service_names.begin(),
                      loaded->stylists[2].service_names.end(), "Balayage"),
            loaded->stylists[2].service_names.end());

  std::vector<std::string> keys;
  for (const auto& fact : loaded->facts) keys.push_back(fact.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"cancellation", "color_pricing", "parking", "payment",
                                            "walk_ins"}));
}

TEST_F(shop_test, an_unknown_location_loads_nothing) {
  connection db(url());
  seed_demo_salon(db);
  EXPECT_FALSE(db.load_shop(2).has_value());
  EXPECT_FALSE(db.load_shop(-1).has_value());
}

TEST_F(shop_test, shops_routes_and_locations_are_listed) {
  connection db(url());
  const auto demo = seed_demo_salon(db);
  shop other;
  other.profile.location_id = 7;
  other.profile.business_name = "Salón Ñandú 美容室";
  const auto saved = db.save_shop(other);
  ASSERT_EQ(saved.status, save_shop_status::created);

  const auto shops = db.list_shops();
  ASSERT_EQ(shops.size(), 2u);
  EXPECT_EQ(shops[0].location_id, 1);
  EXPECT_EQ(shops[0].services, 7);
  EXPECT_EQ(shops[0].stylists, 3);
  EXPECT_EQ(shops[0].time_zone, "Pacific/Honolulu");
  EXPECT_EQ(shops[1].location_id, 7);
  EXPECT_EQ(shops[1].business_name, "Salón Ñandú 美容室");
  EXPECT_FALSE(shops[1].phone_number.has_value());
  EXPECT_FALSE(shops[1].time_zone.has_value());

  const auto routes = db.load_phone_routes();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].phone_number, "+18084826296");
  EXPECT_EQ(routes[0].location_id, 1);

  EXPECT_EQ(db.find_location_id(demo.shop_id), 1);
  EXPECT_EQ(db.find_location_id(saved.shop_id), 7);
  EXPECT_FALSE(db.find_location_id("00000000-0000-0000-0000-000000000000").has_value());
  EXPECT_FALSE(db.find_location_id("not a uuid").has_value());
  EXPECT_FALSE(db.find_location_id("").has_value());

  const auto other_loaded = db.load_shop(7);
  ASSERT_TRUE(other_loaded.has_value());
  EXPECT_FALSE(other_loaded->salon.has_value());
  EXPECT_TRUE(other_loaded->services.empty());
}

TEST_F(shop_test, saving_again_updates_in_place_and_retires_what_is_gone) {
  connection db(url());
  seed_demo_salon(db);
  auto changed = demo_salon();
  // Renamed by id, re-priced by name, one service and one stylist dropped, a new service added.
  changed.services[0].name = "Ladies' Haircut";
  changed.services[1].id.clear();
  changed.services[1].price_cents = 4200;
  changed.services.pop_back();
  service added;
  added.name = "Beard Trim";
  added.duration_minutes = 15;
  added.price_cents = 2000;
  changed.services.push_back(added);
  changed.stylists.pop_back();
  changed.facts.erase(changed.facts.begin());
  changed.salon->hours[1] = opening_span{10h, 14h};
  changed.salon->closed_dates = {std::chrono::year{2030} / 12 / 25};

  const auto result = db.save_shop(changed);
  EXPECT_EQ(result.status, save_shop_status::updated);
  const auto loaded = db.load_shop(1);
  ASSERT_TRUE(loaded.has_value());

  ASSERT_EQ(loaded->services.size(), 7u);
  const auto* ladies = find_service(*loaded, "Ladies' Haircut");
  ASSERT_NE(ladies, nullptr);
  EXPECT_EQ(ladies->id, "svc_studio9_womens_cut");
  EXPECT_EQ(find_service(*loaded, "Women's Haircut"), nullptr);
  const auto* mens = find_service(*loaded, "Men's Haircut");
  ASSERT_NE(mens, nullptr);
  EXPECT_EQ(mens->id, "svc_studio9_mens_cut");
  EXPECT_EQ(mens->price_cents, 4200);
  EXPECT_EQ(find_service(*loaded, "Keratin Smoothing Treatment"), nullptr);
  const auto* beard = find_service(*loaded, "Beard Trim");
  ASSERT_NE(beard, nullptr);
  EXPECT_EQ(beard->id.rfind("svc_", 0), 0u) << beard->id;
  EXPECT_FALSE(beard->price_max_cents.has_value());

  EXPECT_EQ(loaded->stylists.size(), 2u);
  EXPECT_EQ(loaded->facts.size(), 4u);
  ASSERT_TRUE(loaded->salon->hours[1].has_value());
  EXPECT_EQ(loaded->salon->hours[1]->opens, 10h);
  ASSERT_EQ(loaded->salon->closed_dates.size(), 1u);
  EXPECT_EQ(loaded->salon->closed_dates[0], std::chrono::year{2030} / 12 / 25);

  // Retired rows are kept (appointments point at them) but inactive.
  EXPECT_EQ(count("select count(*) from services where not active"), 1);
  EXPECT_EQ(count("select count(*) from scraped_professionals where not active"), 1);

  // Seeding again brings everything back, with the same ids.
  seed_demo_salon(db);
  const auto restored = db.load_shop(1);
  EXPECT_EQ(restored->services.size(), 7u);
  EXPECT_EQ(find_service(*restored, "Keratin Smoothing Treatment")->id, "svc_studio9_keratin");
  EXPECT_EQ(restored->stylists.size(), 3u);
}

TEST_F(shop_test, a_phone_number_of_another_location_is_refused) {
  connection db(url());
  seed_demo_salon(db);
  shop other;
  other.profile.location_id = 2;
  other.profile.business_name = "Copycat Cuts";
  other.profile.phone_number = "+18084826296";
  const auto result = db.save_shop(other);
  EXPECT_EQ(result.status, save_shop_status::phone_taken);
  EXPECT_EQ(result.phone_owner_location_id, 1);
  EXPECT_FALSE(db.load_shop(2).has_value());
}

TEST_F(shop_test, scraped_services_are_replaced_by_the_latest_scrape) {
  connection db(url());
  const auto shop_id = seed_demo_salon(db).shop_id;
  scraped_service balayage;
  balayage.name = "Balayage";
  balayage.price_text = "$180 - $260";
  balayage.price_cents = 18000;
  balayage.price_max_cents = 26000;
  balayage.duration_minutes = 180;
  balayage.source_url = "https://studionine.example/services.html";
  scraped_service mystery;
  mystery.name = "Mystery Treatment ✨";
  db.replace_scraped_services(shop_id, {balayage, mystery});
  db.replace_scraped_services(shop_id, {balayage, mystery});
  EXPECT_EQ(count("select count(*) from scraped_services"), 2);
  EXPECT_EQ(count("select count(*) from scraped_services where price_text = '$180 - $260' and "
                  "price_max_cents = 26000 and duration_minutes = 180"),
            1);

  db.replace_scraped_services(shop_id, {});
  EXPECT_EQ(count("select count(*) from scraped_services"), 0);

  scraped_service negative = balayage;
  negative.price_cents = -5;
  try {
    db.replace_scraped_services(shop_id, {balayage, negative});
    ADD_FAILURE() << "a negative scraped price was accepted";
  } catch (const query_error& e) {
    EXPECT_EQ(e.sqlstate(), "23514");
  }
  EXPECT_EQ(count("select count(*) from scraped_services"), 0);
}

TEST_F(shop_test, a_shop_and_its_scraped_services_are_saved_together_or_not_at_all) {
  connection db(url());
  shop record;
  record.profile.location_id = 4;
  record.profile.business_name = "Together";
  scraped_service cut;
  cut.name = "Cut";
  cut.price_cents = 4000;
  scraped_service negative = cut;
  negative.price_cents = -5;
  try {
    db.save_shop(record, {cut, negative});
    ADD_FAILURE() << "a negative scraped price was accepted";
  } catch (const query_error& e) {
    EXPECT_EQ(e.sqlstate(), "23514") << e.what();
  }
  // The refused scrape took the shop with it: the next attempt creates it.
  EXPECT_EQ(count("select count(*) from profiles where location_id = 4"), 0);
  const auto saved = db.save_shop(record, {cut});
  EXPECT_EQ(saved.status, save_shop_status::created);
  EXPECT_EQ(count("select count(*) from scraped_services where shop_id = '" + saved.shop_id + "'"),
            1);
  // Again: the scrape is replaced, not added to.
  EXPECT_EQ(db.save_shop(record, {cut}).status, save_shop_status::updated);
  EXPECT_EQ(count("select count(*) from scraped_services"), 1);
}

TEST_F(shop_test, stylists_and_facts_remember_their_source_page) {
  connection db(url());
  shop record;
  record.profile.location_id = 5;
  record.profile.business_name = "Sourced";
  stylist kai;
  kai.name = "Kai";
  kai.source_url = "https://sourced.example/team";
  stylist lee;
  lee.name = "Lee";  // entered by hand
  record.stylists = {kai, lee};
  record.facts = {{"parking", "Free parking.", "https://sourced.example/visit"},
                  {"walk_ins", "Walk-ins welcome."}};
  const auto shop_id = db.save_shop(record).shop_id;
  const auto column = [&](const std::string& sql) {
    const auto rows = database().query(sql);
    return rows[0][0].is_null() ? std::string("null") : rows[0][0].as<std::string>();
  };
  EXPECT_EQ(column("select source_url from scraped_professionals where name = 'Kai'"),
            "https://sourced.example/team");
  EXPECT_EQ(column("select source_url from scraped_professionals where name = 'Lee'"), "null");
  EXPECT_EQ(column("select source from salon_static_data where key = 'parking'"),
            "https://sourced.example/visit");
  EXPECT_EQ(column("select source from salon_static_data where key = 'walk_ins'"), "null");

  // load_shop gives them back, so a save of what was loaded keeps them.
  auto loaded = db.load_shop(5);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->stylists.size(), 2u);
  EXPECT_EQ(loaded->stylists[0].source_url, "https://sourced.example/team");
  ASSERT_EQ(loaded->facts.size(), 2u);
  EXPECT_EQ(loaded->facts[0].source, "https://sourced.example/visit");

  // A later scrape that reads the stylist elsewhere moves the source, by id as by name.
  loaded->stylists[0].source_url = "https://sourced.example/about";
  loaded->facts[0].source = std::nullopt;  // now typed in by hand
  db.save_shop(*loaded);
  EXPECT_EQ(column("select source_url from scraped_professionals where name = 'Kai'"),
            "https://sourced.example/about");
  EXPECT_EQ(column("select source from salon_static_data where key = 'parking'"), "null");
  EXPECT_EQ(count("select count(*) from scraped_professionals where shop_id = '" + shop_id + "'"),
            2);
}

TEST_F(shop_test, invalid_shop_values_are_refused_by_the_database) {
  connection db(url());
  const auto expect_check_violation = [&](const shop& record, const char* what) {
    try {
      db.save_shop(record);
      ADD_FAILURE() << what << " was accepted";
    } catch (const query_error& e) {
      EXPECT_EQ(e.sqlstate(), "23514") << what << ": " << e.what();
    }
  };
  shop base;
  base.profile.location_id = 3;
  base.profile.business_name = "Base";

  auto bad = base;
  bad.profile.location_id = 0;
  expect_check_violation(bad, "location 0");
  bad = base;
  bad.profile.phone_number = "808-482-6296";
  expect_check_violation(bad, "a phone number that is not E.164");
  bad = base;
  bad.profile.business_name = "   ";
  expect_check_violation(bad, "a blank name");
  bad = base;
  bad.salon = salon_details{};
  bad.salon->time_zone = "Mars/Olympus_Mons";
  expect_check_violation(bad, "an unknown time zone");
  bad = base;
  bad.salon = salon_details{};
  bad.salon->time_zone = "UTC";
  bad.salon->hours[3] = opening_span{18h, 9h};
  expect_check_violation(bad, "closing before opening");
  bad = base;
  service negative;
  negative.name = "Refund";
  negative.duration_minutes = 10;
  negative.price_cents = -100;
  bad.services.push_back(negative);
  expect_check_violation(bad, "a negative price");
  bad = base;
  service inverted;
  inverted.name = "Inverted";
  inverted.duration_minutes = 10;
  inverted.price_cents = 5000;
  inverted.price_max_cents = 4000;
  bad.services.push_back(inverted);
  expect_check_violation(bad, "a range whose top is below its bottom");
  bad = base;
  bad.facts.push_back({"Not A Key!", "x"});
  expect_check_violation(bad, "a malformed fact key");

  // Nothing of the refused saves stayed.
  EXPECT_EQ(count("select count(*) from profiles"), 0);
}

}  // namespace
}  // namespace salon::db
