// The small text readers: prices, durations, hours, addresses, telephones, service lines,
// names and links.
#include <gtest/gtest.h>

#include "fixture_sites.hpp"
#include "scraping/contact_parser.hpp"
#include "scraping/duration_parser.hpp"
#include "scraping/hours_parser.hpp"
#include "scraping/link_ranking.hpp"
#include "scraping/price_parser.hpp"
#include "scraping/service_line.hpp"
#include "scraping/site_url.hpp"
#include "scraping/team_shapes.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

using namespace testing;

struct price_case {
  std::string text;
  std::int64_t cents;
  std::optional<std::int64_t> max_cents;
  bool from;
  std::string currency;
};

TEST(price_parser, the_ways_salons_write_prices) {
  const std::vector<price_case> cases = {
      {"$65", 6500, std::nullopt, false, "USD"},
      {"$65+", 6500, std::nullopt, true, "USD"},
      {"from $250", 25000, std::nullopt, true, "USD"},
      {"From $250", 25000, std::nullopt, true, "USD"},
      {"Starting at $80", 8000, std::nullopt, true, "USD"},
      {"$150\u2013$220", 15000, 22000, false, "USD"},
      {"$150 - $220", 15000, 22000, false, "USD"},
      {"$150-220", 15000, 22000, false, "USD"},
      {"$150 to $220", 15000, 22000, false, "USD"},
      {"$1,200", 120000, std::nullopt, false, "USD"},
      {"$49.99", 4999, std::nullopt, false, "USD"},
      {"65 dollars", 6500, std::nullopt, false, "USD"},
      {"$40 and up", 4000, std::nullopt, true, "USD"},
      {"\u00a335", 3500, std::nullopt, false, "GBP"},
      {"45 \u20ac", 4500, std::nullopt, false, "EUR"},
      {"CA$55", 5500, std::nullopt, false, "CAD"},
  };
  for (const auto& c : cases) {
    const auto price = find_price(c.text);
    ASSERT_TRUE(price.has_value()) << c.text;
    EXPECT_EQ(price->cents, c.cents) << c.text;
    EXPECT_EQ(price->max_cents, c.max_cents) << c.text;
    EXPECT_EQ(price->is_from, c.from) << c.text;
    EXPECT_EQ(price->currency, c.currency) << c.text;
    EXPECT_EQ(price->begin, 0u) << c.text;
    EXPECT_EQ(price->end, c.text.size()) << c.text;
  }
}

TEST(price_parser, numbers_that_are_not_prices) {
  for (const std::string text : {"50%", "Call 512-555-0147", "Kids' Cut (under 12)", "3 hrs", "",
                                 "$", "$abc", "since 2009"}) {
    EXPECT_FALSE(find_price(text).has_value()) << text;
  }
  // A dash after a price does not make a range with a duration.
  const auto price = find_price("$40 - 45 min");
  ASSERT_TRUE(price.has_value());
  EXPECT_EQ(price->max_cents, std::nullopt);
}

TEST(price_parser, structured_amounts) {
  EXPECT_EQ(parse_amount_cents("65.00"), 6500);
  EXPECT_EQ(parse_amount_cents("65"), 6500);
  EXPECT_EQ(parse_amount_cents(" $1,200.50 "), 120050);
  EXPECT_EQ(parse_amount_cents("65 USD"), 6500);
  EXPECT_EQ(parse_amount_cents("-5"), std::nullopt);
  EXPECT_EQ(parse_amount_cents("sixty"), std::nullopt);
  EXPECT_EQ(parse_amount_cents("65-80"), std::nullopt);
  EXPECT_EQ(parse_amount_cents("99999999999999"), std::nullopt);
}

TEST(duration_parser, the_ways_salons_write_durations) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"45 min", 45},
      {"45 mins", 45},
      {"45 minutes", 45},
      {"1 hr 30 min", 90},
      {"1 hour 30 minutes", 90},
      {"1h30", 90},
      {"1h 30m", 90},
      {"2.5 hours", 150},
      {"(75 min)", 75},
      {"3 hrs", 180},
      {"2 hrs 30 min", 150},
      {"90m", 90},
      {"1 hour and 15 minutes", 75},
      {"45-60 min", 60},
      {"1-2 hours", 120},
      {"1.5 hrs", 90},
  };
  for (const auto& [text, minutes] : cases) {
    const auto duration = find_duration(text);
    ASSERT_TRUE(duration.has_value()) << text;
    EXPECT_EQ(duration->minutes, minutes) << text;
  }
  for (const std::string text :
       {"24-hour notice", "$40", "12 months", "under 12", "Suite 120", "0 min", "30 hours", ""}) {
    EXPECT_FALSE(find_duration(text).has_value()) << text;
  }
}

TEST(duration_parser, iso_8601_from_structured_data) {
  EXPECT_EQ(parse_iso8601_duration("PT45M"), 45);
  EXPECT_EQ(parse_iso8601_duration("PT1H30M"), 90);
  EXPECT_EQ(parse_iso8601_duration("pt2h"), 120);
  EXPECT_EQ(parse_iso8601_duration("P0DT1H"), 60);
  EXPECT_EQ(parse_iso8601_duration("PT"), std::nullopt);
  EXPECT_EQ(parse_iso8601_duration("45"), std::nullopt);
  EXPECT_EQ(parse_iso8601_duration("P2D"), std::nullopt);  // longer than a day
}

TEST(hours_parser, free_text_in_common_spellings) {
  EXPECT_EQ(parse_opening_hours_text(
                "Mon\u2013Fri 10am\u20137pm \u00b7 Sat 9am\u20135pm \u00b7 Sun closed"),
            week({{0, closed_day()},
                  {1, hours_of(10, 19)},
                  {2, hours_of(10, 19)},
                  {3, hours_of(10, 19)},
                  {4, hours_of(10, 19)},
                  {5, hours_of(10, 19)},
                  {6, hours_of(9, 17)}}));
  EXPECT_EQ(parse_opening_hours_text("Tuesday - Saturday: 9:00 AM - 7:00 PM"),
            week({{2, hours_of(9, 19)},
                  {3, hours_of(9, 19)},
                  {4, hours_of(9, 19)},
                  {5, hours_of(9, 19)},
                  {6, hours_of(9, 19)}}));
  EXPECT_EQ(parse_opening_hours_text("Tues-Thurs 10-8\nFri 9 to 5:30\nSunday & Monday: Closed"),
            week({{0, closed_day()},
                  {1, closed_day()},
                  {2, hours_of(10, 20)},
                  {3, hours_of(10, 20)},
                  {4, hours_of(10, 20)},
                  {5, hours_of(9, 17, 0, 30)}}));
  EXPECT_EQ(parse_opening_hours_text("Open daily 9am to 9pm"), week({{0, hours_of(9, 21)},
                                                                     {1, hours_of(9, 21)},
                                                                     {2, hours_of(9, 21)},
                                                                     {3, hours_of(9, 21)},
                                                                     {4, hours_of(9, 21)},
                                                                     {5, hours_of(9, 21)},
                                                                     {6, hours_of(9, 21)}}));
  EXPECT_EQ(parse_opening_hours_text("Weekdays 8:30-17:00, weekends 10-4"),
            week({{0, hours_of(10, 16)},
                  {1, hours_of(8, 17, 30)},
                  {2, hours_of(8, 17, 30)},
                  {3, hours_of(8, 17, 30)},
                  {4, hours_of(8, 17, 30)},
                  {5, hours_of(8, 17, 30)},
                  {6, hours_of(10, 16)}}));
  EXPECT_EQ(parse_opening_hours_text("Saturday 9-12, 1-5"), week({{6, hours_of(9, 17)}}));
  EXPECT_EQ(parse_opening_hours_text("Friday noon to midnight"), week({{5, hours_of(12, 24)}}));
  EXPECT_EQ(parse_opening_hours_text("Closed on holidays. Mon 9-5"), week({{1, hours_of(9, 17)}}));
}

TEST(hours_parser, text_without_hours) {
  for (const std::string text : {"", "Call (512) 555-0147", "Sun-kissed highlights $120",
                                 "We sat down with our founder", "Open 7 days", "10 - 7"}) {
    EXPECT_TRUE(parse_opening_hours_text(text).empty()) << text;
  }
}

TEST(hours_parser, schema_org_values) {
  EXPECT_EQ(parse_schema_opening_hours("Mo-Fr 10:00-19:00"), week({{1, hours_of(10, 19)},
                                                                   {2, hours_of(10, 19)},
                                                                   {3, hours_of(10, 19)},
                                                                   {4, hours_of(10, 19)},
                                                                   {5, hours_of(10, 19)}}));
  EXPECT_EQ(parse_schema_opening_hours("Tu,We,Th 09:00-17:00"),
            week({{2, hours_of(9, 17)}, {3, hours_of(9, 17)}, {4, hours_of(9, 17)}}));
  EXPECT_EQ(weekday_from_name("https://schema.org/Saturday"), 6);
  EXPECT_EQ(weekday_from_name("Su", true), 0);
  EXPECT_EQ(weekday_from_name("Su"), std::nullopt);
  EXPECT_EQ(parse_clock("09:00:00"), 540);
  EXPECT_EQ(parse_clock("24:00"), 1440);
  EXPECT_EQ(parse_clock("25:00"), std::nullopt);
  EXPECT_EQ(clock_text(1440), "24:00");
  EXPECT_EQ(weekday_key(0), "sun");
}

TEST(contact_parser, addresses_in_running_text) {
  EXPECT_EQ(find_postal_address(
                "Curl & Co. is Austin's curly hair studio. 1201 S Lamar Blvd, Austin, TX 78704."),
            (postal_address{"1201 S Lamar Blvd", "Austin", "TX", "78704", "US"}));
  EXPECT_EQ(find_postal_address("3579 Waialae Ave\nHonolulu, HI 96816"),
            (postal_address{"3579 Waialae Ave", "Honolulu", "HI", "96816", "US"}));
  EXPECT_EQ(find_postal_address("10 Main St, Suite 4, Springfield, Illinois 62701-1234"),
            (postal_address{"10 Main St, Suite 4", "Springfield", "IL", "62701-1234", "US"}));
  EXPECT_EQ(find_postal_address("Open since 1998 at 77 Elm Street, New Haven, CT 06510"),
            (postal_address{"77 Elm Street", "New Haven", "CT", "06510", "US"}));
  EXPECT_FALSE(find_postal_address("Call us at 808-482-6296").has_value());
  EXPECT_FALSE(find_postal_address("We are in TX").has_value());
  EXPECT_FALSE(find_postal_address("").has_value());
}

TEST(contact_parser, telephone_numbers) {
  const auto found = find_telephone("Call or text (512) 555-0147.");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->text, "(512) 555-0147");
  EXPECT_EQ(found->e164, "+15125550147");
  EXPECT_EQ(find_telephone("Ph 808.482.6296")->e164, "+18084826296");
  EXPECT_EQ(find_telephone("+44 20 7946 0958 (London)")->e164, "+442079460958");
  EXPECT_EQ(telephone_e164("tel:+1-808-482-6296"), "+18084826296");
  EXPECT_EQ(telephone_e164("+1 (303) 555-0177"), "+13035550177");
  EXPECT_EQ(telephone_e164("555-0147"), "");
  EXPECT_EQ(telephone_e164("123-456-7890"), "");  // no area code starts with 1
  EXPECT_FALSE(find_telephone("Since 2009. Suite 120, TX 78701").has_value());
  EXPECT_FALSE(find_telephone("2024-01-15").has_value());
  EXPECT_EQ(normalize_country("United States"), "US");
  EXPECT_EQ(normalize_country("usa"), "US");
  EXPECT_EQ(normalize_country("Germany"), "DE");
  EXPECT_EQ(normalize_country("Deutschland"), "DE");
  EXPECT_EQ(normalize_country("deu"), "DE");
  EXPECT_EQ(normalize_country("\u00d6sterreich"), "AT");
  EXPECT_EQ(normalize_country("United Kingdom"), "GB");
  EXPECT_EQ(normalize_country("uk"), "GB");
  EXPECT_EQ(normalize_country("fr"), "FR");
  EXPECT_EQ(normalize_country(" Atlantis "), "Atlantis");
  EXPECT_EQ(normalize_country(""), "");
  EXPECT_EQ(region_code("Texas"), "TX");
  EXPECT_EQ(region_country("ON"), "CA");
}

TEST(service_line, shapes_of_one_line) {
  const auto dots =
      parse_service_line("Curly Cut (dry cut, diffuse & style) ........ $85+ (75 min)");
  ASSERT_TRUE(dots.has_value());
  EXPECT_EQ(dots->name, "Curly Cut");
  EXPECT_EQ(dots->description, "dry cut, diffuse & style");
  EXPECT_EQ(dots->price_text, "$85+");
  EXPECT_EQ(dots->duration_minutes, 75);

  const auto dashes = parse_service_line(
      "Deep Hydration Treatment \u2014 $40 \u2014 30 minutes. Add-on to any cut.");
  ASSERT_TRUE(dashes.has_value());
  EXPECT_EQ(dashes->name, "Deep Hydration Treatment");
  EXPECT_EQ(dashes->price->cents, 4000);
  EXPECT_EQ(dashes->duration_minutes, 30);
  EXPECT_EQ(dashes->description, "Add-on to any cut.");

  const auto colon = parse_service_line("Blowout: from $45");
  ASSERT_TRUE(colon.has_value());
  EXPECT_EQ(colon->name, "Blowout");
  EXPECT_TRUE(colon->price->is_from);

  const auto price_first = parse_service_line("$40 \u2014 Men\u2019s Haircut \u2014 30 min");
  ASSERT_TRUE(price_first.has_value());
  EXPECT_EQ(price_first->name, "Men's Haircut");

  const auto free = parse_service_line("Consultation \u2014 Complimentary \u2014 15 min");
  ASSERT_TRUE(free.has_value());
  EXPECT_EQ(free->name, "Consultation");
  EXPECT_EQ(free->price->cents, 0);
}

TEST(service_line, sentences_and_policies_are_not_services) {
  for (const std::string line :
       {"A cancellation fee of $25 applies", "Prices start at $30", "No-shows are charged $50",
        "Gift cards available from $25", "We are open 9-5", "Walk-ins welcome when a chair is free",
        "Free parking behind the building.", "$65",
        "This is a very long sentence that happens to mention a price of $30 somewhere"}) {
    EXPECT_FALSE(parse_service_line(line).has_value()) << line;
  }
  EXPECT_TRUE(parse_price_and_duration("$65 \u00b7 60 min").has_value());
  EXPECT_TRUE(parse_price_and_duration("Price: from $250").has_value());
  EXPECT_FALSE(parse_price_and_duration("Haircut $65").has_value());
}

TEST(text_cleaning, names_and_keys) {
  EXPECT_EQ(clean_name("  Men\u2019s   Cut ......:  "), "Men's Cut");
  EXPECT_EQ(clean_name("\u2022 Bang Trim \u2014"), "Bang Trim");
  EXPECT_EQ(clean_name("Curl & Co."), "Curl & Co.");
  EXPECT_EQ(clean_name("Wash & Blow Dry."), "Wash & Blow Dry");
  EXPECT_EQ(name_key("Men\u2019s Cut"), name_key("mens cut"));
  EXPECT_EQ(name_key("Tom\u00e1s"), "tomas");
  EXPECT_EQ(name_key("Hair & Color"), "hair and color");
  EXPECT_EQ(decode_entities("Men&#8217;s Tom&aacute;s &amp; Zo&euml; &#x41;"),
            "Men\u2019s Tom\u00e1s & Zo\u00eb A");
  EXPECT_EQ(decode_entities("AT&T &unknown; &#99999999;"), "AT&T &unknown; &#99999999;");
  EXPECT_EQ(collapse_spaces(" a\u00a0\u00a0b \u200b c\n"), "a b c");
  EXPECT_EQ(collapse_spaces("a \n b", true), "a\nb");
  EXPECT_EQ(to_utf8("caf\xe9 \x93quoted\x94", "windows-1252"), "caf\u00e9 \u201cquoted\u201d");
  EXPECT_EQ(to_utf8("ok \xff", "utf-8"), "ok \ufffd");
  EXPECT_EQ(detect_charset("text/html; charset=ISO-8859-1", ""), "iso-8859-1");
  EXPECT_EQ(detect_charset("text/html", "<meta charset=\"windows-1252\">"), "windows-1252");
  EXPECT_EQ(
      split_sentences("Free parking. We are closed Sundays. Curl & Co. is here"),
      (std::vector<std::string>{"Free parking.", "We are closed Sundays.", "Curl & Co. is here"}));
}

TEST(team_shapes, names_roles_and_specialties) {
  EXPECT_TRUE(looks_like_person_name("Maria Santos"));
  EXPECT_TRUE(looks_like_person_name("Tom\u00e1s Oliveira"));
  EXPECT_TRUE(looks_like_person_name("Ana de la Cruz"));
  EXPECT_FALSE(looks_like_person_name("Meet the team"));
  EXPECT_FALSE(looks_like_person_name("Senior Stylist"));
  EXPECT_FALSE(looks_like_person_name("Studio Nine Hair & Color"));
  EXPECT_FALSE(looks_like_person_name("Suite 120"));
  EXPECT_TRUE(looks_like_role("Owner & Color Specialist"));
  EXPECT_TRUE(looks_like_role("Founder, Curl Specialist"));
  EXPECT_FALSE(looks_like_role("Precision cuts for all hair types."));
  EXPECT_EQ(specialties_from_bio("Jasmine specializes in curly cuts and Pintura highlights."),
            (std::vector<std::string>{"curly cuts", "Pintura highlights"}));
  EXPECT_EQ(specialties_from_bio("Blowouts, updos and kids' cuts."),
            (std::vector<std::string>{"Blowouts", "updos", "kids' cuts"}));
  EXPECT_EQ(specialties_from_bio("Wavy and men\u2019s curly cuts."),
            (std::vector<std::string>{"Wavy cuts", "men's curly cuts"}));
  EXPECT_TRUE(specialties_from_bio("She has been cutting hair since 2001 and loves her clients, "
                                   "her dog and the beach in the summer months.")
                  .empty());
  EXPECT_TRUE(specialties_from_bio("").empty());
}

TEST(links, resolution_and_ranking) {
  EXPECT_EQ(resolve_url("http://salon.test/menu/", "../team.html#top"),
            "http://salon.test/team.html");
  EXPECT_EQ(resolve_url("http://salon.test/", "//cdn.test/a b.html"), "http://cdn.test/a%20b.html");
  EXPECT_EQ(resolve_url("http://salon.test/", "mailto:x@y.test"), std::nullopt);
  EXPECT_EQ(resolve_url("http://salon.test/", "javascript:void(0)"), std::nullopt);
  EXPECT_EQ(resolve_url("http://salon.test/", "ftp://salon.test/x"), std::nullopt);
  const auto www = parse_url("https://www.salon.test/prices");
  const auto bare = parse_url("http://salon.test/");
  ASSERT_TRUE(www && bare);
  EXPECT_TRUE(same_site(*www, *bare));
  EXPECT_EQ(page_key(*www), "salon.test/prices");
  EXPECT_FALSE(same_site(*parse_url("http://salon.test:8080/"), *bare));
  EXPECT_FALSE(parse_url("file:///etc/passwd").has_value());
  EXPECT_FALSE(parse_url("not a url").has_value());
  EXPECT_GT(link_rank("/services/", ""), link_rank("/team/", ""));
  EXPECT_GT(link_rank("/team/", ""), link_rank("/about/", ""));
  EXPECT_GT(link_rank("/about/", ""), link_rank("/contact/", ""));
  EXPECT_GT(link_rank("/p/12", "Our Stylists"), link_rank("/p/13", "Gift ideas"));
  EXPECT_EQ(link_rank("/blog/our-services", ""), 0);
  EXPECT_EQ(link_rank("/2023/05/new-prices", ""), 0);
  EXPECT_EQ(link_rank("/images/menu.png", "Menu"), 0);
  EXPECT_EQ(link_rank("/cart", "Cart"), 0);
}

}  // namespace
}  // namespace salon::scraping
