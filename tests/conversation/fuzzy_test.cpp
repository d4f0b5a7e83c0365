#include "conversation/fuzzy.hpp"

#include <gtest/gtest.h>

#include <string>

#include "conversation/catalog_index.hpp"
#include "shop_fixture.hpp"

namespace {

using namespace salon::conversation;

TEST(edit_distance, counts_edits_and_transpositions) {
  EXPECT_EQ(edit_distance("balayage", "balayage", 3), 0);
  EXPECT_EQ(edit_distance("balayage", "ballyage", 3), 1);
  EXPECT_EQ(edit_distance("balayage", "bayalage", 3), 2);
  EXPECT_EQ(edit_distance("keratin", "keratine", 3), 1);
  EXPECT_EQ(edit_distance("kenji", "kenij", 3), 1);  // transposition
  EXPECT_EQ(edit_distance("", "abc", 5), 3);
  EXPECT_EQ(edit_distance("abc", "", 5), 3);
  EXPECT_EQ(edit_distance("", "", 0), 0);
}

TEST(edit_distance, stops_past_the_limit) {
  EXPECT_EQ(edit_distance("blowout", "keratin", 2), 3);
  EXPECT_EQ(edit_distance("a", "abcdefgh", 2), 3);
  const std::string long_a(200, 'a');
  const std::string long_b(200, 'b');
  EXPECT_EQ(edit_distance(long_a, long_b, 2), 3);
  EXPECT_EQ(edit_distance(long_a, long_a, 2), 0);
}

TEST(phonetic_key, sound_alikes_share_a_key) {
  EXPECT_EQ(phonetic_key("balayage"), phonetic_key("ballyage"));
  EXPECT_EQ(phonetic_key("balayage"), phonetic_key("balayahj"));
  EXPECT_EQ(phonetic_key("keratin"), phonetic_key("careatin"));
  EXPECT_EQ(phonetic_key("color"), phonetic_key("kolor"));
  EXPECT_EQ(phonetic_key("philip"), phonetic_key("filip"));
  EXPECT_NE(phonetic_key("blowout"), phonetic_key("balayage"));
  EXPECT_EQ(phonetic_key(""), "");
  EXPECT_EQ(phonetic_key("123 !!"), "");
}

class catalog_matching : public ::testing::Test {
 protected:
  std::shared_ptr<const shop_snapshot> shop = fixture::load_shop("studio_nine.json");
  catalog_index catalog{*shop};

  std::vector<std::string> services_in(std::string_view text) {
    const auto tokens = tokenize(text);
    std::vector<bool> used(tokens.size(), false);
    const auto m = catalog.match(tokens, used);
    std::vector<std::string> ids;
    for (auto s : m.services) ids.push_back(shop->services[s].id);
    return ids;
  }
  std::string stylist_in(std::string_view text) {
    const auto tokens = tokenize(text);
    std::vector<bool> used(tokens.size(), false);
    const auto m = catalog.match(tokens, used);
    return m.stylists.empty() ? std::string{} : shop->stylists[m.stylists.front()].id;
  }
};

TEST_F(catalog_matching, synonyms_plurals_and_possessives) {
  using v = std::vector<std::string>;
  EXPECT_EQ(services_in("a men's trim"), v{"mens-haircut"});
  EXPECT_EQ(services_in("dye my hair"), v{"single-process-color"});
  EXPECT_EQ(services_in("colour"), v{"single-process-color"});
  EXPECT_EQ(services_in("blow dry"), v{"blowout"});
  EXPECT_EQ(services_in("blowouts"), v{"blowout"});
  EXPECT_EQ(services_in("kids' cuts"), v{"kids-cut"});
  EXPECT_EQ(services_in("ladies cut"), v{"womens-haircut"});
}

TEST_F(catalog_matching, misheard_words) {
  using v = std::vector<std::string>;
  EXPECT_EQ(services_in("ballyage"), v{"balayage"});
  EXPECT_EQ(services_in("bally age"), v{"balayage"});
  EXPECT_EQ(services_in("care a tin"), v{"keratin"});
  EXPECT_EQ(stylist_in("kenjie"), "kenji");
  EXPECT_EQ(stylist_in("mariah"), "maria");
  EXPECT_EQ(stylist_in("leilanie"), "leilani");
  // Everyday words stay themselves.
  EXPECT_TRUE(services_in("i have a question about my bill").empty());
  EXPECT_TRUE(stylist_in("i have a question").empty());
}

TEST_F(catalog_matching, variants_ask_when_unclear) {
  const auto tokens = tokenize("a haircut");
  std::vector<bool> used(tokens.size(), false);
  const auto m = catalog.match(tokens, used);
  EXPECT_TRUE(m.services.empty());
  EXPECT_EQ(m.ambiguous_variants.size(), 3u);
}

TEST_F(catalog_matching, several_services_in_one_sentence) {
  EXPECT_EQ(services_in("women's haircut and balayage and a blowout"),
            (std::vector<std::string>{"womens-haircut", "balayage", "blowout"}));
}

}  // namespace
