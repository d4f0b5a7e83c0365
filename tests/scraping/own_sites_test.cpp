// Extraction on our own fixture sites (tests/scraping/data/), one per site shape.
#include <gtest/gtest.h>

#include "fixture_sites.hpp"
#include "scraping/hours_parser.hpp"

namespace salon::scraping {
namespace {

using namespace testing;

TEST(microdata_site, salon_offers_hours_and_employee_from_itemprops) {
  const auto read =
      extract_site(own_sites / "microdata-salon", {{"index.html", "https://luz.test/"}});
  const findings& site = read.site;
  EXPECT_EQ(site.business_name, "Luz Beauty Bar");
  EXPECT_EQ(site.business_name_evidence, evidence::structured_data);
  EXPECT_EQ(site.telephone_e164, "+14155550199");
  EXPECT_EQ(site.address, (postal_address{"88 Mission St", "San Francisco", "CA", "94105", "US"}));
  EXPECT_EQ(site.hours, week({{0, closed_day()},
                              {1, closed_day()},
                              {2, hours_of(10, 20)},
                              {3, hours_of(10, 20)},
                              {4, hours_of(10, 20)},
                              {5, hours_of(10, 20)},
                              {6, hours_of(9, 18)}}))
      << describe_hours(site.hours);
  EXPECT_EQ(service_names(site),
            (std::vector<std::string>{"Gel Manicure", "Brow Shaping", "Lash Lift & Tint"}));
  const service_finding* gel = service_named(site, "Gel Manicure");
  EXPECT_EQ(gel->price_cents, 4500);
  EXPECT_EQ(gel->duration_minutes, 45);
  EXPECT_EQ(gel->description, "Long-wear gel polish with cuticle care.");
  EXPECT_EQ(service_named(site, "Brow Shaping")->price_cents, 2500);
  EXPECT_EQ(service_named(site, "Brow Shaping")->duration_minutes, 20);
  const service_finding* lash = service_named(site, "Lash Lift & Tint");
  EXPECT_EQ(lash->price_cents, 8000);
  EXPECT_EQ(lash->price_max_cents, 9500);
  EXPECT_EQ(lash->duration_minutes, 60);
  ASSERT_EQ(site.professionals.size(), 1u);
  EXPECT_EQ(site.professionals[0].name, "Ana de la Cruz");
  EXPECT_EQ(site.professionals[0].role, "Lead Nail Artist");
  EXPECT_EQ(site.professionals[0].service_names, std::vector<std::string>{"Gel Manicure"});
  ASSERT_NE(fact_about(site, "parking"), nullptr);
}

TEST(table_site, price_tables_under_headings_with_level_columns_and_category_rows) {
  const auto read =
      extract_site(own_sites / "table-salon", {{"index.html", "http://copper.test/"},
                                               {"prices.html", "http://copper.test/prices.html"},
                                               {"staff/index.html", "http://copper.test/staff/"}});
  const findings& site = read.site;
  EXPECT_EQ(
      service_names(site),
      (std::vector<std::string>{"Women's Cut & Style", "Men's Cut", "Child's Cut", "Root Touch-Up",
                                "Full Highlights", "Hair Extensions", "Tape-In Refresh"}));
  const service_finding* womens = service_named(site, "Women's Cut & Style");
  EXPECT_EQ(womens->category, "Cuts");
  EXPECT_EQ(womens->price_cents, 5500);  // stylist .. master columns
  EXPECT_EQ(womens->price_max_cents, 9000);
  EXPECT_EQ(womens->duration_minutes, std::nullopt);
  EXPECT_EQ(service_named(site, "Child's Cut")->price_max_cents, std::nullopt);
  const service_finding* roots = service_named(site, "Root Touch-Up");
  EXPECT_EQ(roots->category, "Color");
  EXPECT_EQ(roots->price_cents, 8500);
  EXPECT_EQ(roots->duration_minutes, 90);
  const service_finding* highlights = service_named(site, "Full Highlights");
  EXPECT_EQ(highlights->price_cents, 15000);
  EXPECT_EQ(highlights->price_max_cents, 22000);
  EXPECT_EQ(highlights->duration_minutes, 150);
  const service_finding* extensions = service_named(site, "Hair Extensions");
  EXPECT_EQ(extensions->category, "Extensions");
  EXPECT_EQ(extensions->price_cents, 120000);
  EXPECT_EQ(extensions->duration_minutes, 240);
  EXPECT_EQ(extensions->description, "full head");
  EXPECT_EQ(service_named(site, "Tape-In Refresh")->price_cents, 6500);
  EXPECT_EQ(service_named(site, "Tape-In Refresh")->price_text, "65 dollars");
}

TEST(table_site, hours_table_address_block_telephone_link_and_staff_lines) {
  const auto read =
      extract_site(own_sites / "table-salon", {{"index.html", "http://copper.test/"},
                                               {"prices.html", "http://copper.test/prices.html"},
                                               {"staff/index.html", "http://copper.test/staff/"}});
  const findings& site = read.site;
  EXPECT_EQ(site.business_name, "Copper & Comb Salon");
  EXPECT_EQ(site.telephone_e164, "+15125550123");
  EXPECT_EQ(site.telephone_evidence, evidence::page_markup);
  EXPECT_EQ(site.address,
            (postal_address{"400 Congress Ave, Suite 120", "Austin", "TX", "78701", "US"}));
  EXPECT_EQ(site.hours, week({{0, closed_day()},
                              {1, closed_day()},
                              {2, hours_of(9, 18)},
                              {3, hours_of(9, 18)},
                              {4, hours_of(11, 20)},
                              {5, hours_of(9, 18)},
                              {6, hours_of(8, 15)}}))
      << describe_hours(site.hours);
  EXPECT_EQ(person_names(site),
            (std::vector<std::string>{"Dana Kim", "Rafael Ortiz", "Priya Shah"}));
  EXPECT_EQ(person_named(site, "Rafael Ortiz")->role, "Senior Colorist");
  ASSERT_NE(fact_about(site, "payment"), nullptr);
  EXPECT_EQ(fact_about(site, "payment")->text, "We accept cash, Visa, Mastercard and Apple Pay.");
  ASSERT_NE(fact_about(site, "cancellation"), nullptr);
  ASSERT_NE(fact_about(site, "pricing"), nullptr);
}

TEST(table_site, links_skip_blog_mail_telephone_fragments_and_report_the_pdf_menu) {
  const auto home =
      extract_page(read_file(own_sites / "table-salon" / "index.html"), "http://copper.test/");
  ASSERT_EQ(home.links.size(), 2u);
  EXPECT_EQ(home.links[0].url, "http://copper.test/prices.html");
  EXPECT_EQ(home.links[1].url, "http://copper.test/staff/");
  ASSERT_EQ(home.ignored_links.size(), 1u);
  EXPECT_EQ(home.ignored_links[0].url, "http://copper.test/menu.pdf");
}

TEST(lines_site, service_lines_and_headings_with_prices_under_them) {
  const auto read =
      extract_site(own_sites / "lines-salon", {{"index.html", "https://maple.test/"}});
  const findings& site = read.site;
  EXPECT_EQ(
      service_names(site),
      (std::vector<std::string>{"Classic Cut", "Skin Fade", "Beard Trim", "Hot Towel Shave",
                                "The Full Service", "Groom's Party Package", "Grey Blending"}));
  const auto expect = [&](std::string_view name, std::int64_t cents,
                          std::optional<std::int64_t> max, bool from, std::optional<int> minutes,
                          std::string_view category) {
    const service_finding* service = service_named(site, name);
    ASSERT_NE(service, nullptr) << name;
    EXPECT_EQ(service->price_cents, cents) << name;
    EXPECT_EQ(service->price_max_cents, max) << name;
    EXPECT_EQ(service->price_is_from, from) << name;
    EXPECT_EQ(service->duration_minutes, minutes) << name;
    EXPECT_EQ(service->category, category) << name;
  };
  expect("Classic Cut", 4000, std::nullopt, false, 30, "Barbering");
  expect("Skin Fade", 4500, std::nullopt, false, 45, "Barbering");
  expect("Beard Trim", 2000, std::nullopt, false, 15, "Barbering");
  expect("Hot Towel Shave", 5000, std::nullopt, false, 60, "Barbering");
  expect("The Full Service", 9500, std::nullopt, false, 90, "Packages");
  expect("Groom's Party Package", 25000, std::nullopt, true, std::nullopt, "Packages");
  expect("Grey Blending", 15000, 22000, false, 120, "Packages");
  EXPECT_EQ(service_named(site, "The Full Service")->description,
            "Cut, hot towel shave and a scalp massage.");
  // The walk-in policy after the last card is not that card's description.
  EXPECT_EQ(service_named(site, "Grey Blending")->description, "");
}

TEST(lines_site, canadian_address_hours_statement_and_logo_name) {
  const auto read =
      extract_site(own_sites / "lines-salon", {{"index.html", "https://maple.test/"}});
  const findings& site = read.site;
  EXPECT_EQ(site.business_name, "Maple Barber Co.");
  EXPECT_EQ(site.address, (postal_address{"215 Queen St W", "Toronto", "ON", "M5V 1Z4", "CA"}));
  EXPECT_EQ(site.telephone_e164, "+14165550142");
  EXPECT_EQ(site.hours, week({{0, closed_day()},
                              {1, closed_day()},
                              {2, hours_of(9, 19)},
                              {3, hours_of(9, 19)},
                              {4, hours_of(9, 19)},
                              {5, hours_of(9, 19)},
                              {6, hours_of(9, 19)}}))
      << describe_hours(site.hours);
  ASSERT_NE(fact_about(site, "walk_ins"), nullptr);
  ASSERT_NE(fact_about(site, "payment"), nullptr);
  EXPECT_EQ(missing_findings(site), std::vector<std::string>{"no stylists found"});
}

TEST(graph_site, json_ld_graph_with_nested_catalogs_and_entity_encoded_names) {
  const auto read =
      extract_site(own_sites / "graph-salon", {{"index.html", "https://bliss.test/"}});
  const findings& site = read.site;
  EXPECT_EQ(site.business_name, "Shear Bliss & Co");
  EXPECT_EQ(site.telephone_e164, "+13035550177");
  EXPECT_EQ(site.address, (postal_address{"1550 Larimer St", "Denver", "CO", "80202", "US"}));
  EXPECT_EQ(site.hours, week({{0, closed_day()},
                              {1, hours_of(9, 17)},
                              {2, hours_of(9, 17)},
                              {3, hours_of(9, 17)},
                              {4, hours_of(9, 17)},
                              {5, hours_of(9, 17)},
                              {6, hours_of(10, 14)}}));
  EXPECT_EQ(service_names(site), (std::vector<std::string>{"Bob Cut", "Pixie Cut", "Ombr\u00e9",
                                                           "Toner", "Scalp Treatment"}));
  EXPECT_EQ(service_named(site, "Bob Cut")->category, "Cuts");
  EXPECT_EQ(service_named(site, "Bob Cut")->duration_minutes, 45);
  EXPECT_EQ(service_named(site, "Bob Cut")->price_cents, 5800);
  EXPECT_TRUE(service_named(site, "Pixie Cut")->price_is_from);
  EXPECT_EQ(service_named(site, "Pixie Cut")->price_cents, 5000);
  EXPECT_EQ(service_named(site, "Ombr\u00e9")->category, "Color");
  EXPECT_EQ(service_named(site, "Ombr\u00e9")->price_max_cents, 24000);
  EXPECT_TRUE(service_named(site, "Toner")->price_is_from);
  EXPECT_EQ(service_named(site, "Toner")->price_text, "from $35");
  EXPECT_EQ(service_named(site, "Scalp Treatment")->price_cents, 3000);
  EXPECT_EQ(person_names(site), (std::vector<std::string>{"Zo\u00eb Martin", "Ren\u00e9 Dubois"}));
  EXPECT_EQ(person_named(site, "Zo\u00eb Martin")->role, "Owner, Master Stylist");
  EXPECT_EQ(person_named(site, "Zo\u00eb Martin")->service_names,
            (std::vector<std::string>{"Bob Cut", "Ombr\u00e9"}));
  EXPECT_EQ(person_named(site, "Ren\u00e9 Dubois")->role, "Colorist");
  ASSERT_EQ(read.pages[0].warnings.size(), 1u);
  EXPECT_EQ(read.pages[0].warnings[0], "JSON-LD block 2 is not valid JSON; ignored");
}

TEST(beauty_business, health_and_beauty_business_json_ld_gives_services_hours_and_address) {
  const auto read =
      extract_site(own_sites / "beauty-business", {{"index.html", "https://hauthaar.test/"}});
  const findings& site = read.site;
  EXPECT_EQ(site.business_name, "Haut & Haar Berlin");
  EXPECT_EQ(site.business_name_evidence, evidence::structured_data);
  EXPECT_EQ(site.telephone_e164, "+493012345678");
  EXPECT_EQ(site.address, (postal_address{"Torstra\u00dfe 101", "Berlin", "", "10119", "DE"}));
  EXPECT_EQ(site.hours, week({{0, closed_day()},
                              {1, closed_day()},
                              {2, hours_of(10, 19)},
                              {3, hours_of(10, 19)},
                              {4, hours_of(10, 19)},
                              {5, hours_of(10, 19)},
                              {6, hours_of(9, 15)}}))
      << describe_hours(site.hours);
  EXPECT_EQ(service_names(site),
            (std::vector<std::string>{"Damenhaarschnitt", "Gesichtsbehandlung", "Manik\u00fcre"}));
  const service_finding* cut = service_named(site, "Damenhaarschnitt");
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(cut->price_cents, 6500);
  EXPECT_EQ(cut->currency, "EUR");
  EXPECT_EQ(cut->duration_minutes, 60);
  EXPECT_EQ(cut->source_urls, std::vector<std::string>{"https://hauthaar.test/"});
  EXPECT_EQ(service_named(site, "Gesichtsbehandlung")->duration_minutes, 75);
  EXPECT_EQ(service_named(site, "Manik\u00fcre")->price_cents, 3500);
}

TEST(empty_site, nothing_useful_gives_empty_findings_and_warnings) {
  const auto read = extract_site(own_sites / "empty-site", {{"index.html", "https://soon.test/"}});
  const findings& site = read.site;
  EXPECT_TRUE(site.services.empty());
  EXPECT_TRUE(site.professionals.empty());
  EXPECT_TRUE(site.facts.empty());
  EXPECT_TRUE(site.hours.empty());
  EXPECT_TRUE(site.address.empty());
  EXPECT_TRUE(site.telephone.empty());
  EXPECT_TRUE(site.business_name.empty());
  EXPECT_TRUE(read.pages[0].links.empty());
  const auto missing = missing_findings(site);
  EXPECT_NE(std::find(missing.begin(), missing.end(), "no prices found on any page"),
            missing.end());
  EXPECT_NE(std::find(missing.begin(), missing.end(), "no services found on any page"),
            missing.end());
  EXPECT_NE(std::find(missing.begin(), missing.end(), "no opening hours found"), missing.end());
}

}  // namespace
}  // namespace salon::scraping
