// Extraction on the two shared sample sites: everything a person reading them would write down.
#include <gtest/gtest.h>

#include "fixture_sites.hpp"
#include "scraping/hours_parser.hpp"

namespace salon::scraping {
namespace {

using namespace testing;

read_site studio_nine() {
  return extract_site(shared_sites / "studio-nine",
                      {{"index.html", "http://studio-nine.test/"},
                       {"services.html", "http://studio-nine.test/services.html"},
                       {"team.html", "http://studio-nine.test/team.html"}});
}

read_site curl_and_co() {
  return extract_site(shared_sites / "curl-and-co",
                      {{"index.html", "http://curl-and-co.test/"},
                       {"menu/index.html", "http://curl-and-co.test/menu/"},
                       {"about-us/index.html", "http://curl-and-co.test/about-us/"}});
}

void expect_service(const findings& found, std::string_view name, std::int64_t cents,
                    std::optional<std::int64_t> max_cents, bool from, std::optional<int> minutes) {
  const service_finding* service = service_named(found, name);
  ASSERT_NE(service, nullptr) << "missing service " << name;
  EXPECT_EQ(service->price_cents, cents) << name;
  EXPECT_EQ(service->price_max_cents, max_cents) << name;
  EXPECT_EQ(service->price_is_from, from) << name;
  EXPECT_EQ(service->duration_minutes, minutes) << name;
  EXPECT_EQ(service->currency, "USD") << name;
}

TEST(studio_nine, every_service_with_price_range_from_and_duration) {
  const auto read = studio_nine();
  const findings& site = read.site;
  EXPECT_EQ(site.services.size(), 7u) << ::testing::PrintToString(service_names(site));
  expect_service(site, "Women's Haircut", 6500, std::nullopt, false, 60);
  expect_service(site, "Men's Haircut", 4000, std::nullopt, false, 30);
  expect_service(site, "Kids' Cut", 3000, std::nullopt, false, 30);
  expect_service(site, "Blowout", 4500, std::nullopt, false, 45);
  expect_service(site, "Single Process Color", 9500, std::nullopt, false, 90);
  expect_service(site, "Balayage", 18000, 26000, false, 180);
  expect_service(site, "Keratin Smoothing Treatment", 25000, std::nullopt, true, 150);
  EXPECT_EQ(service_named(site, "Kids' Cut")->description, "under 12");
  EXPECT_EQ(service_named(site, "Women's Haircut")->description,
            "Consultation, wash, cut and blow-dry.");
  EXPECT_EQ(service_named(site, "Women's Haircut")->category, "Hair services");
  EXPECT_EQ(service_named(site, "Keratin Smoothing Treatment")->price_text, "from $250");
}

TEST(studio_nine, json_ld_and_table_are_merged_not_duplicated) {
  const auto read = studio_nine();
  const service_finding* balayage = service_named(read.site, "Balayage");
  ASSERT_NE(balayage, nullptr);
  // The price range comes from JSON-LD on the home page, the duration from the table.
  EXPECT_EQ(balayage->source_urls,
            (std::vector<std::string>{"http://studio-nine.test/",
                                      "http://studio-nine.test/services.html"}));
  const auto& home = read.pages[0].found;
  EXPECT_EQ(service_named(home, "Balayage")->duration_minutes, std::nullopt);
  EXPECT_EQ(service_named(home, "Balayage")->price_max_cents, 26000);
  EXPECT_EQ(home.services.size(), 5u);
}

TEST(studio_nine, every_stylist_with_role_including_the_one_only_on_the_team_page) {
  const auto read = studio_nine();
  const findings& site = read.site;
  EXPECT_EQ(person_names(site),
            (std::vector<std::string>{"Maria Santos", "Kenji Watanabe", "Leilani Kahale"}));
  EXPECT_EQ(person_named(site, "Maria Santos")->role, "Owner & Color Specialist");
  EXPECT_EQ(person_named(site, "Kenji Watanabe")->role, "Senior Stylist");
  const professional_finding* leilani = person_named(site, "Leilani Kahale");
  ASSERT_NE(leilani, nullptr);
  EXPECT_EQ(leilani->role, "Stylist");
  EXPECT_EQ(leilani->bio, "Blowouts, updos and kids' cuts.");
  EXPECT_EQ(leilani->source_urls, std::vector<std::string>{"http://studio-nine.test/team.html"});
  EXPECT_EQ(leilani->service_names, (std::vector<std::string>{"Blowout", "Kids' Cut"}));
  EXPECT_EQ(person_named(site, "Maria Santos")->specialties,
            (std::vector<std::string>{"balayage", "color correction"}));
  EXPECT_EQ(person_named(site, "Maria Santos")->service_names,
            std::vector<std::string>{"Balayage"});
  // The JSON-LD has no bio; the team page adds it.
  EXPECT_EQ(person_named(site, "Kenji Watanabe")->bio, "Precision cuts for all hair types.");
}

TEST(studio_nine, hours_address_telephone_and_name) {
  const auto read = studio_nine();
  const findings& site = read.site;
  EXPECT_EQ(site.business_name, "Studio Nine Hair & Color");
  EXPECT_EQ(site.telephone_e164, "+18084826296");
  EXPECT_EQ(site.address, (postal_address{"3579 Waialae Ave", "Honolulu", "HI", "96816", "US"}));
  EXPECT_EQ(site.address.one_line(), "3579 Waialae Ave, Honolulu, HI 96816");
  EXPECT_EQ(site.hours, week({{0, closed_day()},
                              {1, closed_day()},
                              {2, hours_of(9, 18)},
                              {3, hours_of(9, 18)},
                              {4, hours_of(9, 18)},
                              {5, hours_of(9, 18)},
                              {6, hours_of(8, 16)}}))
      << describe_hours(site.hours);
  EXPECT_EQ(site.hours_evidence, evidence::structured_data);
}

TEST(studio_nine, the_home_page_text_says_which_days_are_closed) {
  // Without the JSON-LD, "We are closed Sundays and Mondays." still says so.
  const auto hours = parse_opening_hours_text(
      "Free parking behind the building. We are closed Sundays and Mondays.");
  EXPECT_EQ(hours, week({{0, closed_day()}, {1, closed_day()}}));
}

TEST(studio_nine, policies_and_parking) {
  const auto read = studio_nine();
  const findings& site = read.site;
  ASSERT_NE(fact_about(site, "parking"), nullptr);
  EXPECT_EQ(fact_about(site, "parking")->text, "Free parking behind the building.");
  ASSERT_NE(fact_about(site, "cancellation"), nullptr);
  EXPECT_EQ(fact_about(site, "cancellation")->text,
            "A 24-hour notice is required for cancellations.");
  EXPECT_EQ(fact_about(site, "cancellation")->source_url, "http://studio-nine.test/services.html");
  ASSERT_NE(fact_about(site, "walk_ins"), nullptr);
  ASSERT_NE(fact_about(site, "pricing"), nullptr);
  EXPECT_EQ(fact_about(site, "pricing")->text, "Prices for color services depend on hair length.");
}

TEST(studio_nine, links_worth_following_are_ranked) {
  const auto read = studio_nine();
  const auto& links = read.pages[0].links;
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].url, "http://studio-nine.test/services.html");
  EXPECT_EQ(links[1].url, "http://studio-nine.test/team.html");
  EXPECT_EQ(links[2].url, "http://studio-nine.test/contact.html");
  EXPECT_GT(links[0].rank, links[1].rank);
  EXPECT_GT(links[1].rank, links[2].rank);
}

TEST(curl_and_co, every_service_from_lists_with_dot_leaders_and_the_paragraph_entry) {
  const auto read = curl_and_co();
  const findings& site = read.site;
  EXPECT_EQ(service_names(site),
            (std::vector<std::string>{"Curly Cut", "Wavy Cut", "Men's Curly Cut", "Bang Trim",
                                      "Pintura Highlights", "Gloss", "Deep Hydration Treatment"}));
  expect_service(site, "Curly Cut", 8500, std::nullopt, true, 75);
  expect_service(site, "Wavy Cut", 7500, std::nullopt, true, 60);
  expect_service(site, "Men's Curly Cut", 5500, std::nullopt, false, 45);
  expect_service(site, "Bang Trim", 1500, std::nullopt, false, 15);
  expect_service(site, "Pintura Highlights", 15000, 22000, false, 150);
  expect_service(site, "Gloss", 6000, std::nullopt, false, 45);
  expect_service(site, "Deep Hydration Treatment", 4000, std::nullopt, false, 30);
  EXPECT_EQ(service_named(site, "Curly Cut")->description, "dry cut, diffuse & style");
  EXPECT_EQ(service_named(site, "Curly Cut")->price_text, "$85+");
  EXPECT_EQ(service_named(site, "Pintura Highlights")->price_text, "$150\u2013$220");
  EXPECT_EQ(service_named(site, "Deep Hydration Treatment")->description, "Add-on to any cut.");
  EXPECT_EQ(service_named(site, "Curly Cut")->category, "Cuts");
  EXPECT_EQ(service_named(site, "Gloss")->category, "Color");
  EXPECT_EQ(service_named(site, "Deep Hydration Treatment")->category, "Treatments");
}

TEST(curl_and_co, stylists_with_entity_decoded_names_and_roles) {
  const auto read = curl_and_co();
  const findings& site = read.site;
  EXPECT_EQ(person_names(site), (std::vector<std::string>{"Jasmine Reyes", "Tom\u00e1s Oliveira"}));
  EXPECT_EQ(person_named(site, "Jasmine Reyes")->role, "Founder, Curl Specialist");
  EXPECT_EQ(person_named(site, "Tom\u00e1s Oliveira")->role, "Stylist");
  EXPECT_EQ(person_named(site, "Jasmine Reyes")->service_names,
            (std::vector<std::string>{"Curly Cut", "Pintura Highlights"}));
  EXPECT_EQ(person_named(site, "Tom\u00e1s Oliveira")->service_names,
            (std::vector<std::string>{"Wavy Cut", "Men's Curly Cut"}));
}

TEST(curl_and_co, hours_from_free_text_address_telephone_and_name) {
  const auto read = curl_and_co();
  const findings& site = read.site;
  EXPECT_EQ(site.business_name, "Curl & Co.");
  EXPECT_EQ(site.telephone, "(512) 555-0147");
  EXPECT_EQ(site.telephone_e164, "+15125550147");
  EXPECT_EQ(site.address, (postal_address{"1201 S Lamar Blvd", "Austin", "TX", "78704", "US"}));
  EXPECT_EQ(site.hours, week({{0, closed_day()},
                              {1, hours_of(10, 19)},
                              {2, hours_of(10, 19)},
                              {3, hours_of(10, 19)},
                              {4, hours_of(10, 19)},
                              {5, hours_of(10, 19)},
                              {6, hours_of(9, 17)}}))
      << describe_hours(site.hours);
}

TEST(curl_and_co, policies) {
  const auto read = curl_and_co();
  ASSERT_NE(fact_about(read.site, "booking"), nullptr);
  EXPECT_EQ(fact_about(read.site, "booking")->text, "A card is required to hold appointments.");
  ASSERT_NE(fact_about(read.site, "cancellation"), nullptr);
  EXPECT_EQ(fact_about(read.site, "cancellation")->text,
            "No-shows are charged 50% of the service.");
}

TEST(curl_and_co, the_external_link_is_not_followed) {
  const auto read = curl_and_co();
  const auto& home = read.pages[0];
  for (const auto& link : home.links) EXPECT_EQ(link.url.find("instagram"), std::string::npos);
  ASSERT_EQ(home.links.size(), 2u);
  EXPECT_EQ(home.links[0].url, "http://curl-and-co.test/menu/");
  EXPECT_EQ(home.links[1].url, "http://curl-and-co.test/about-us/");
  ASSERT_EQ(home.ignored_links.size(), 1u);
  EXPECT_EQ(home.ignored_links[0].url, "https://www.instagram.com/curlandco");
  EXPECT_EQ(home.ignored_links[0].reason, "external site");
}

TEST(curl_and_co, nothing_is_missing) {
  const auto read = curl_and_co();
  EXPECT_TRUE(missing_findings(read.site).empty())
      << ::testing::PrintToString(missing_findings(read.site));
}

}  // namespace
}  // namespace salon::scraping
