// Readers of admin and shop-setup request values, and shop setup's pure decisions.

#include "net/request_fields.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "net/shop_from_website.hpp"

namespace salon::net {
namespace {

using namespace std::chrono;

TEST(request_fields, shop_keys_are_uuids_or_positive_location_ids) {
  const auto location = parse_shop_key("12");
  ASSERT_TRUE(location);
  EXPECT_EQ(location->location_id, 12);
  EXPECT_FALSE(location->shop_id);
  const auto uuid = parse_shop_key("6F1C1D2E-0000-4000-8000-00000000ABCD");
  ASSERT_TRUE(uuid);
  EXPECT_EQ(uuid->shop_id, "6f1c1d2e-0000-4000-8000-00000000abcd");
  for (const char* bad :
       {"", "0", "-1", "01x", "1.0", "99999999999", "abc", "6f1c1d2e-0000-4000-8000-00000000abc",
        "6f1c1d2e_0000-4000-8000-00000000abcd", "6f1c1d2e-0000-4000-8000-00000000abcz", "1 ", " 1",
        "\xc3\xa9"}) {
    EXPECT_FALSE(parse_shop_key(bad)) << bad;
  }
  EXPECT_EQ(parse_positive_int("2147483647"), 2147483647);
  EXPECT_FALSE(parse_positive_int("2147483648"));
  EXPECT_EQ(parse_positive_int("007"), 7);
}

TEST(request_fields, e164_and_urls) {
  EXPECT_TRUE(is_e164("+18084826296"));
  EXPECT_TRUE(is_e164("+4420794600"));
  for (const char* bad : {"", "+", "18084826296", "+08084826296", "+1 808 482 6296",
                          "+1808482629612345", "+1808-482", "+123456"}) {
    EXPECT_FALSE(is_e164(bad)) << bad;
  }
  for (const char* good :
       {"https://example.com", "http://example.com/", "http://127.0.0.1:8080/a?b#c",
        "https://user@salon.example/menu", "http://[::1]:9000/"}) {
    EXPECT_TRUE(is_http_url(good)) << good;
  }
  for (const char* bad : {"", "example.com", "ftp://example.com", "https://", "http:///path",
                          "https://exa mple.com", "javascript:alert(1)", "http://host:port/",
                          "https://example.com/\n", "file:///etc/passwd", "http://[::1/"}) {
    EXPECT_FALSE(is_http_url(bad)) << bad;
  }
  EXPECT_FALSE(is_http_url("https://example.com/" + std::string(3000, 'a')));
}

TEST(request_fields, appointment_times_with_and_without_offsets) {
  const auto utc = parse_appointment_time("2024-01-15T10:00:00Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(std::get<sys_seconds>(*utc), sys_days{2024y / 1 / 15} + 10h);
  const auto honolulu = parse_appointment_time("2024-01-15T10:00:00-10:00");
  ASSERT_TRUE(honolulu);
  EXPECT_EQ(std::get<sys_seconds>(*honolulu), sys_days{2024y / 1 / 15} + 20h);
  const auto india = parse_appointment_time("2024-01-15T10:00+05:30");
  ASSERT_TRUE(india);
  EXPECT_EQ(std::get<sys_seconds>(*india), sys_days{2024y / 1 / 15} + 4h + 30min);
  const auto wall = parse_appointment_time("2024-01-15 09:45");
  ASSERT_TRUE(wall);
  EXPECT_EQ(std::get<local_seconds>(*wall), local_days{2024y / 1 / 15} + 9h + 45min);
  EXPECT_TRUE(parse_appointment_time("2024-01-15T10:00:00.000Z"));
  for (const char* bad :
       {"", "2024-01-15", "2024-01-15T10", "2024-01-15T10:00:30Z", "2024-01-15T10:00:00.5Z",
        "2024-02-30T10:00:00Z", "2024-01-15T24:00:00Z", "2024-01-15T10:60Z", "2024-1-15T10:00Z",
        "2024-01-15T10:00:00+1000", "2024-01-15T10:00:00+15:00", "2024-01-15T10:00:00Zjunk",
        "2024-01-15T10:00:00.Z", "tomorrow at 10", "\xff\xfe"}) {
    EXPECT_FALSE(parse_appointment_time(bad)) << bad;
  }
  EXPECT_EQ(utc_text(sys_days{2024y / 1 / 15} + 10h + 5min), "2024-01-15T10:05:00Z");
  EXPECT_EQ(local_text(local_days{2024y / 1 / 5} + 9h), "2024-01-05T09:00");
  EXPECT_EQ(date_text(2024y / 3 / 9), "2024-03-09");
}

TEST(shop_setup_plan, time_zones_from_addresses) {
  EXPECT_EQ(time_zone_for("HI", "US"), "Pacific/Honolulu");
  EXPECT_EQ(time_zone_for("TX", "US"), "America/Chicago");
  EXPECT_EQ(time_zone_for("ca", "us"), "America/Los_Angeles");
  EXPECT_EQ(time_zone_for("NY", ""), "America/New_York");  // a US state code alone
  EXPECT_EQ(time_zone_for("ON", "CA"), "America/Toronto");
  EXPECT_EQ(time_zone_for("BC", ""), "America/Vancouver");  // not a US state: Canada
  EXPECT_EQ(time_zone_for("WA", "AU"), "Australia/Perth");
  EXPECT_EQ(time_zone_for("WA", "US"), "America/Los_Angeles");
  // Alpha-3 codes and names with a state or province.
  EXPECT_EQ(time_zone_for("HI", "USA"), "Pacific/Honolulu");
  EXPECT_EQ(time_zone_for("ON", "CAN"), "America/Toronto");
  EXPECT_EQ(time_zone_for("WA", "AUS"), "Australia/Perth");
  EXPECT_EQ(time_zone_for("QC", "Canada"), "America/Toronto");
  EXPECT_EQ(time_zone_for("", "GB"), "Europe/London");
  EXPECT_EQ(time_zone_for("", "JP"), "Asia/Tokyo");
  EXPECT_FALSE(time_zone_for("", "US"));  // several zones, no state
  EXPECT_FALSE(time_zone_for("", ""));
  EXPECT_FALSE(time_zone_for("ZZ", "US"));
  EXPECT_FALSE(time_zone_for("", "XX"));
}

shop_setup_request request() {
  shop_setup_request r;
  r.location_id = 7;
  r.phone_number = "+15125550123";
  r.website_url = "http://127.0.0.1:9/";
  r.business_name = "Test Salon";
  return r;
}

scraping::service_finding service(std::string name, std::optional<std::int64_t> cents,
                                  std::optional<int> minutes) {
  scraping::service_finding s;
  s.name = std::move(name);
  s.price_cents = cents;
  s.duration_minutes = minutes;
  s.price_text = cents ? "$" + std::to_string(*cents / 100) : "";
  s.source_urls = {"http://127.0.0.1:9/services"};
  return s;
}

TEST(shop_setup_plan, findings_become_the_shop) {
  scraping::findings found;
  found.address.street = "1201 S Lamar Blvd";
  found.address.city = "Austin";
  found.address.region = "TX";
  found.address.postal_code = "78704";
  found.address.country = "US";
  found.hours.days[2] = scraping::day_hours{false, 10 * 60, 19 * 60};
  found.hours.days[0] = scraping::day_hours{true, 0, 0};
  found.hours.days[3] = scraping::day_hours{false, 19 * 60, 10 * 60};  // nonsense
  found.services = {service("Women's Cut", 6500, 60),
                    service("  Blowout ", std::nullopt, std::nullopt),
                    service("women's cut", 7000, 45), service("", 100, 10)};
  found.services[0].price_max_cents = 5000;  // below the price: dropped
  scraping::professional_finding maria;
  maria.name = "Maria";
  maria.role = "Owner";
  maria.service_names = {"Women's Cut"};
  found.professionals = {maria};
  found.facts = {{"parking", "Free parking.", ""},
                 {"parking", "Free parking.", ""},
                 {"payment", "Cards only.", ""}};

  const auto plan = plan_shop(request(), found, std::nullopt, "America/New_York");
  EXPECT_EQ(plan.record.profile.location_id, 7);
  EXPECT_EQ(plan.record.profile.business_name, "Test Salon");
  EXPECT_EQ(plan.record.profile.phone_number, "+15125550123");
  ASSERT_TRUE(plan.record.salon);
  EXPECT_EQ(plan.record.salon->time_zone, "America/Chicago");
  EXPECT_EQ(plan.time_zone_source, "address");
  EXPECT_EQ(plan.record.salon->address, "1201 S Lamar Blvd, Austin, TX 78704");
  EXPECT_EQ(plan.record.salon->country, "US");
  ASSERT_TRUE(plan.record.salon->hours[2]);
  EXPECT_EQ(plan.record.salon->hours[2]->opens, 10h);
  EXPECT_FALSE(plan.record.salon->hours[0]);
  EXPECT_FALSE(plan.record.salon->hours[3]);
  ASSERT_EQ(plan.record.services.size(), 2u);  // duplicate and nameless dropped
  EXPECT_EQ(plan.record.services[0].price_cents, 6500);
  EXPECT_FALSE(plan.record.services[0].price_max_cents);
  EXPECT_EQ(plan.record.services[1].name, "Blowout");
  EXPECT_EQ(plan.record.services[1].duration_minutes, assumed_duration_minutes);
  EXPECT_FALSE(plan.record.services[1].price_cents);
  ASSERT_EQ(plan.record.stylists.size(), 1u);
  EXPECT_EQ(plan.record.stylists[0].role, "Owner");
  ASSERT_EQ(plan.record.facts.size(), 2u);
  EXPECT_EQ(plan.record.facts[0].key, "parking");
  EXPECT_EQ(plan.record.facts[0].value, "Free parking.");
  EXPECT_EQ(plan.scraped.size(), 4u);  // raw findings, as found
  EXPECT_EQ(plan.scraped[0].source_url, "http://127.0.0.1:9/services");
  const auto noted = [&](const std::string& words) {
    return std::any_of(plan.notes.begin(), plan.notes.end(),
                       [&](const std::string& n) { return n.find(words) != std::string::npos; });
  };
  EXPECT_TRUE(noted("60 minutes assumed"));
  EXPECT_TRUE(noted("stored as closed"));
}

TEST(shop_setup_plan, a_site_that_says_nothing_keeps_what_was_stored) {
  db::shop existing;
  existing.profile.location_id = 7;
  existing.salon = db::salon_details{};
  existing.salon->time_zone = "Pacific/Honolulu";
  existing.salon->address = "1 Main St";
  existing.salon->hours[2] = db::opening_span{9h, 17h};
  existing.salon->greeting = "Aloha!";
  existing.services = {db::service{"svc_1", "Cut", {}, {}, {"trim"}, 30, 3000, {}, false}};
  existing.stylists = {db::stylist{"", "Kai", {}, {}, {}, {1}}};
  existing.facts = {{"parking", "Street parking."}};

  auto with_time_zone = request();
  const auto plan = plan_shop(with_time_zone, scraping::findings{}, existing, "America/New_York");
  EXPECT_EQ(plan.record.salon->time_zone, "Pacific/Honolulu");
  EXPECT_EQ(plan.time_zone_source, "existing");
  EXPECT_EQ(plan.record.salon->address, "1 Main St");
  EXPECT_TRUE(plan.record.salon->hours[2]);
  EXPECT_EQ(plan.record.salon->greeting, "Aloha!");
  ASSERT_EQ(plan.record.services.size(), 1u);
  EXPECT_EQ(plan.record.services[0].synonyms, std::vector<std::string>{"trim"});
  ASSERT_EQ(plan.record.stylists.size(), 1u);
  EXPECT_EQ(plan.record.stylists[0].days_off, std::vector<int>{1});
  ASSERT_EQ(plan.record.facts.size(), 1u);
  EXPECT_TRUE(plan.scraped.empty());

  with_time_zone.time_zone = "America/Denver";
  with_time_zone.forward_phone = "+15125550100";
  const auto given = plan_shop(with_time_zone, scraping::findings{}, existing, "America/New_York");
  EXPECT_EQ(given.record.salon->time_zone, "America/Denver");
  EXPECT_EQ(given.time_zone_source, "request");
  EXPECT_EQ(given.record.salon->forward_phone, "+15125550100");

  const auto fresh = plan_shop(request(), scraping::findings{}, std::nullopt, "America/New_York");
  EXPECT_EQ(fresh.record.salon->time_zone, "America/New_York");
  EXPECT_EQ(fresh.time_zone_source, "default");
  EXPECT_TRUE(fresh.record.services.empty());
}

TEST(shop_setup_plan, website_facts_replace_theirs_and_keep_the_others) {
  db::shop existing;
  existing.facts = {{"parking", "Old parking text."}, {"walk_ins", "Walk-ins welcome."}};
  scraping::findings found;
  found.facts = {{"parking", "Validated parking downstairs.", ""}};
  const auto plan = plan_shop(request(), found, existing, "UTC");
  ASSERT_EQ(plan.record.facts.size(), 2u);
  EXPECT_EQ(plan.record.facts[0].value, "Validated parking downstairs.");
  EXPECT_EQ(plan.record.facts[1].key, "walk_ins");
}

TEST(shop_setup_plan, time_zones_from_country_names_and_codes) {
  // Every country of the time-zone table by its English name and its alpha-3 code.
  const std::vector<std::tuple<std::string, std::string, std::string>> countries = {
      {"United Arab Emirates", "ARE", "Asia/Dubai"},
      {"Austria", "AUT", "Europe/Vienna"},
      {"Belgium", "BEL", "Europe/Brussels"},
      {"Brazil", "BRA", "America/Sao_Paulo"},
      {"Switzerland", "CHE", "Europe/Zurich"},
      {"Czech Republic", "CZE", "Europe/Prague"},
      {"Germany", "DEU", "Europe/Berlin"},
      {"Denmark", "DNK", "Europe/Copenhagen"},
      {"Spain", "ESP", "Europe/Madrid"},
      {"Finland", "FIN", "Europe/Helsinki"},
      {"France", "FRA", "Europe/Paris"},
      {"United Kingdom", "GBR", "Europe/London"},
      {"Greece", "GRC", "Europe/Athens"},
      {"Hong Kong", "HKG", "Asia/Hong_Kong"},
      {"Ireland", "IRL", "Europe/Dublin"},
      {"Israel", "ISR", "Asia/Jerusalem"},
      {"India", "IND", "Asia/Kolkata"},
      {"Italy", "ITA", "Europe/Rome"},
      {"Japan", "JPN", "Asia/Tokyo"},
      {"South Korea", "KOR", "Asia/Seoul"},
      {"Mexico", "MEX", "America/Mexico_City"},
      {"Netherlands", "NLD", "Europe/Amsterdam"},
      {"Norway", "NOR", "Europe/Oslo"},
      {"New Zealand", "NZL", "Pacific/Auckland"},
      {"Philippines", "PHL", "Asia/Manila"},
      {"Poland", "POL", "Europe/Warsaw"},
      {"Puerto Rico", "PRI", "America/Puerto_Rico"},
      {"Portugal", "PRT", "Europe/Lisbon"},
      {"Sweden", "SWE", "Europe/Stockholm"},
      {"Singapore", "SGP", "Asia/Singapore"},
      {"South Africa", "ZAF", "Africa/Johannesburg"},
      {"Guam", "GUM", "Pacific/Guam"},
      {"Iceland", "ISL", "Atlantic/Reykjavik"},
  };
  for (const auto& [name, code, zone] : countries) {
    EXPECT_EQ(time_zone_for("", name), zone) << name;
    EXPECT_EQ(time_zone_for("", code), zone) << code;
  }
  EXPECT_EQ(time_zone_for("", "DE"), "Europe/Berlin");
  EXPECT_EQ(time_zone_for("", "deutschland"), "Europe/Berlin");
  EXPECT_EQ(time_zone_for("", "  The Netherlands "), "Europe/Amsterdam");
  EXPECT_EQ(time_zone_for("", "España"), "Europe/Madrid");
  EXPECT_EQ(time_zone_for("", "UK"), "Europe/London");
  EXPECT_EQ(time_zone_for("TX", "United States"), "America/Chicago");
  EXPECT_EQ(time_zone_for("ON", "Canada"), "America/Toronto");
  EXPECT_EQ(time_zone_for("VIC", "Australia"), "Australia/Melbourne");
  EXPECT_FALSE(time_zone_for("", "Atlantis"));

  // An address's country as a website writes it: the zone and the stored code follow.
  scraping::findings found;
  found.address.street =
      "Torstra\xc3\x9f"
      "e 1";
  found.address.city = "Berlin";
  found.address.postal_code = "10119";
  found.address.country = "Germany";
  const auto plan = plan_shop(request(), found, std::nullopt, "America/New_York");
  EXPECT_EQ(plan.record.salon->time_zone, "Europe/Berlin");
  EXPECT_EQ(plan.time_zone_source, "address");
  EXPECT_EQ(plan.record.salon->country, "DE");
}

TEST(shop_setup_plan, stylists_and_facts_keep_the_page_they_came_from) {
  scraping::findings found;
  scraping::professional_finding maria;
  maria.name = "Maria";
  maria.source_urls = {"http://127.0.0.1:9/team", "http://127.0.0.1:9/"};
  scraping::professional_finding ben;
  ben.name = "Ben";
  found.professionals = {maria, ben};
  found.facts = {{"parking", "Free parking.", "http://127.0.0.1:9/visit"},
                 {"parking", "Behind the shop.", "http://127.0.0.1:9/"},
                 {"payment", "Cards only.", ""}};
  db::shop existing;
  existing.facts = {{"walk_ins", "Walk-ins welcome.", "http://old.example/"},
                    {"payment", "Cash only.", "http://old.example/"}};
  const auto plan = plan_shop(request(), found, existing, "UTC");
  ASSERT_EQ(plan.record.stylists.size(), 2u);
  EXPECT_EQ(plan.record.stylists[0].source_url, "http://127.0.0.1:9/team");
  EXPECT_FALSE(plan.record.stylists[1].source_url);
  ASSERT_EQ(plan.record.facts.size(), 3u);
  EXPECT_EQ(plan.record.facts[0].key, "parking");
  EXPECT_EQ(plan.record.facts[0].value, "Free parking. Behind the shop.");
  EXPECT_EQ(plan.record.facts[0].source, "http://127.0.0.1:9/visit");
  EXPECT_EQ(plan.record.facts[1].key, "payment");  // the website's, found on no known page
  EXPECT_FALSE(plan.record.facts[1].source);
  EXPECT_EQ(plan.record.facts[2].key, "walk_ins");  // kept, with where it came from
  EXPECT_EQ(plan.record.facts[2].source, "http://old.example/");
}

TEST(shop_setup_plan, long_names_are_cut_on_a_character_boundary) {
  scraping::findings found;
  std::string name;
  for (int i = 0; i < 150; ++i) name += "\xc3\xa9";  // 150 x "é", 300 bytes
  found.services = {service(name, 100, 10)};
  const auto plan = plan_shop(request(), found, std::nullopt, "UTC");
  ASSERT_EQ(plan.record.services.size(), 1u);
  EXPECT_EQ(plan.record.services[0].name.size(), 200u);
}

}  // namespace
}  // namespace salon::net
