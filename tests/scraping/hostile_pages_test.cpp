// Pages that are broken, hostile or not HTML at all: extraction returns, never crashes.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "scraping/page_extractor.hpp"
#include "scraping/structured_data.hpp"

namespace salon::scraping {
namespace {

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(hostile_pages, empty_and_tiny_inputs) {
  for (const std::string html : {"", "<", ">", "<<<>>>", "<html", "</html>", "&", "&#", "&#x;",
                                 "\0\0\0", "<script>", "<!--", "<table><tr><td>$5"}) {
    const auto page = extract_page(html, "http://salon.test/");
    EXPECT_TRUE(page.found.services.empty());
  }
  const auto no_url = extract_page("<a href='/menu'>Menu</a>", "");
  EXPECT_TRUE(no_url.links.empty());
}

TEST(hostile_pages, deep_nesting_is_cut_with_a_warning) {
  for (const std::string_view tag : {"<div>", "<b>", "<font>", "<b><i>", "<a><b>", "<span>"}) {
    const std::string html = "<p>Haircut $40</p>" + repeat(tag, 200000) + "Blowout $35";
    const auto page = extract_page(html, "http://salon.test/");
    ASSERT_FALSE(page.warnings.empty()) << tag;
    EXPECT_NE(page.warnings[0].find("nests its tags too deeply"), std::string::npos);
    ASSERT_FALSE(page.found.services.empty()) << tag;
    EXPECT_EQ(page.found.services[0].name, "Haircut");
  }
}

TEST(hostile_pages, many_flat_elements) {
  const std::string html =
      repeat("<p>Cut $10</p><li>Mon 9-5</li><td>Free parking here.</td><option>z", 5000);
  const auto page = extract_page(html, "http://salon.test/");
  EXPECT_EQ(page.found.services.size(), 1u);  // the same line, merged
}

TEST(hostile_pages, random_bytes_and_invalid_utf8) {
  std::mt19937 random(20240115);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 10; ++round) {
    std::string html;
    for (int i = 0; i < 20000; ++i) html.push_back(static_cast<char>(byte(random)));
    const auto page = extract_page(html, "http://salon.test/");
    (void)page;
  }
  const auto mixed = extract_page(
      "<p>Cut\xff\xfe \xc3\x28 $40 \xe2\x82</p><p>Caf\xe9 Color $80</p>", "http://salon.test/");
  EXPECT_EQ(mixed.found.services.size(), 2u);
}

TEST(hostile_pages, markup_soup) {
  std::mt19937 random(7);
  const std::vector<std::string> pieces = {
      "<div>",
      "</div>",
      "<table>",
      "<tr>",
      "<td>",
      "</table>",
      "<li>",
      "<ul>",
      "</ul>",
      "<h2>",
      "</h2>",
      "<br>",
      "$45",
      " 30 min ",
      "Cut ",
      "Mon-Fri 9-5 ",
      "<script>",
      "</script>",
      "<a href='/x'>",
      "</a>",
      "&amp;",
      "&#8217;",
      "<p>",
      "<em>",
      "</b>",
      "<!--",
      "-->",
      "<div itemscope itemtype='https://schema.org/Offer'>",
      "<span itemprop='price'>",
      "<script type='application/ld+json'>{\"@type\":\"HairSalon\",\"name\":\"X\"}</script>"};
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  for (int round = 0; round < 20; ++round) {
    std::string html;
    for (int i = 0; i < 3000; ++i) html += pieces[pick(random)];
    const auto page = extract_page(html, "http://salon.test/");
    (void)page;
  }
}

// Shapes that make naive scanners quadratic; each must finish like any page of its size.
TEST(hostile_pages, pathological_shapes) {
  const std::vector<std::string> pages = {
      repeat("< ", 200000),
      repeat("<a ", 100000) + ">",
      repeat("<script>x</script>", 50000),
      repeat("<table><tr><td>", 350) + repeat("Lorem ipsum dolor sit amet. ", 20000),
      repeat("<div itemscope>", 350) + repeat("<span itemprop=name>x</span>", 5000),
      repeat("<a href='/services'>", 20000),
      "<div class='logo'>" + repeat("<div class='brand'>", 350) + repeat("word ", 50000),
      repeat("<!-- -->", 100000) + repeat("</div>", 100000),
  };
  for (const auto& html : pages) {
    const auto page = extract_page(html, "http://salon.test/");
    EXPECT_LE(page.links.size(), 200u);
  }
}

TEST(hostile_pages, huge_text_blocks) {
  const std::string html =
      "<p>" + repeat("Haircut $40 Mon-Fri 9-5 (512) 555-0147 ", 20000) + "</p>";
  const auto page = extract_page(html, "http://salon.test/");
  EXPECT_LE(page.found.services.size(), 1u);
}

TEST(hostile_pages, structured_data_that_is_not_what_it_claims) {
  findings out;
  EXPECT_FALSE(read_structured_data("{", "http://salon.test/", out));
  EXPECT_FALSE(read_structured_data("", "http://salon.test/", out));
  EXPECT_TRUE(
      read_structured_data(repeat("[", 50000) + repeat("]", 50000), "http://salon.test/", out));
  EXPECT_TRUE(read_structured_data(
      R"({"@type": "HairSalon", "name": 5, "address": [], "telephone": {"x": 1},
          "openingHoursSpecification": [{"dayOfWeek": 7, "opens": "99:99"}, "nonsense", null],
          "openingHours": [1, null, {"a": "b"}],
          "makesOffer": [{"@type": "Offer", "price": "-5", "itemOffered": {"name": ["A", "B"]}},
                         {"@type": "Offer", "price": 1e300, "itemOffered": "Big"}],
          "employee": ["Ana", {"@type": "Person"}, {"@type": "Person", "name": {"@value": "Lee"}}]})",
      "http://salon.test/", out));
  EXPECT_EQ(out.business_name, "5");
  ASSERT_EQ(out.services.size(), 2u);
  EXPECT_EQ(out.services[0].name, "A");
  EXPECT_EQ(out.services[0].price_cents, std::nullopt);
  EXPECT_EQ(out.services[1].price_cents, std::nullopt);
  ASSERT_EQ(out.professionals.size(), 1u);
  EXPECT_EQ(out.professionals[0].name, "Lee");
}

}  // namespace
}  // namespace salon::scraping
