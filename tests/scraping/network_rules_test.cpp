// Which addresses the crawler may connect to, and what robots.txt allows.
#include <gtest/gtest.h>

#include "scraping/address_policy.hpp"
#include "scraping/robots_rules.hpp"

namespace salon::scraping {
namespace {

TEST(address_policy, private_loopback_link_local_and_friends_are_recognised) {
  const std::vector<std::pair<std::string, address_kind>> cases = {
      {"8.8.8.8", address_kind::global},
      {"93.184.216.34", address_kind::global},
      {"10.0.0.1", address_kind::private_network},
      {"10.255.255.255", address_kind::private_network},
      {"172.16.0.1", address_kind::private_network},
      {"172.31.255.255", address_kind::private_network},
      {"172.32.0.1", address_kind::global},
      {"192.168.1.1", address_kind::private_network},
      {"127.0.0.1", address_kind::loopback},
      {"127.8.9.10", address_kind::loopback},
      {"169.254.169.254", address_kind::link_local},
      {"169.254.0.1", address_kind::link_local},
      {"0.0.0.0", address_kind::unspecified},
      {"0.1.2.3", address_kind::unspecified},
      {"100.64.0.1", address_kind::carrier_nat},
      {"100.127.255.255", address_kind::carrier_nat},
      {"100.128.0.1", address_kind::global},
      {"224.0.0.1", address_kind::multicast},
      {"239.255.255.250", address_kind::multicast},
      {"255.255.255.255", address_kind::reserved},
      {"198.18.0.1", address_kind::reserved},
      {"::1", address_kind::loopback},
      {"[::1]", address_kind::loopback},
      {"::", address_kind::unspecified},
      {"fe80::1", address_kind::link_local},
      {"fe80::1%eth0", address_kind::link_local},
      {"febf::1", address_kind::link_local},
      {"fc00::1", address_kind::unique_local},
      {"fd12:3456::1", address_kind::unique_local},
      {"ff02::1", address_kind::multicast},
      {"::ffff:127.0.0.1", address_kind::loopback},
      {"::ffff:10.0.0.1", address_kind::private_network},
      {"::ffff:169.254.169.254", address_kind::link_local},
      {"::ffff:8.8.8.8", address_kind::global},
      {"64:ff9b::a9fe:a9fe", address_kind::link_local},      // NAT64 of 169.254.169.254
      {"2002:0a00:0001::1", address_kind::private_network},  // 6to4 of 10.0.0.1
      {"2001:db8::1", address_kind::reserved},
      {"2606:4700:4700::1111", address_kind::global},
  };
  for (const auto& [text, kind] : cases) {
    const auto classified = classify_address(text);
    ASSERT_TRUE(classified.has_value()) << text;
    EXPECT_EQ(*classified, kind) << text;
  }
  for (const std::string text : {"", "localhost", "example.com", "1.2.3", "999.1.1.1", "::g"}) {
    EXPECT_FALSE(classify_address(text).has_value()) << text;
  }
}

TEST(address_policy, what_each_setting_allows) {
  const address_policy strict;
  EXPECT_TRUE(strict.allows(address_kind::global));
  EXPECT_FALSE(strict.allows(address_kind::loopback));
  EXPECT_FALSE(strict.allows(address_kind::link_local));
  const address_policy loopback_only{false, true};
  EXPECT_TRUE(loopback_only.allows(address_kind::loopback));
  EXPECT_FALSE(loopback_only.allows(address_kind::private_network));
  EXPECT_FALSE(loopback_only.allows(address_kind::link_local));
  const address_policy open{true, false};
  EXPECT_TRUE(open.allows(address_kind::private_network));
  EXPECT_TRUE(open.allows(address_kind::loopback));
}

TEST(robots_rules, star_group_longest_match_and_allow_on_ties) {
  const auto rules = robots_rules::parse(
      "# comment\nUser-agent: *\nDisallow: /team\nDisallow: /private/\nAllow: /private/prices\n"
      "Disallow: /*.php$\nDisallow: /search*q=\n",
      "salon-phone");
  EXPECT_TRUE(rules.allows("/"));
  EXPECT_TRUE(rules.allows("/services.html"));
  EXPECT_FALSE(rules.allows("/team"));
  EXPECT_FALSE(rules.allows("/team.html"));
  EXPECT_FALSE(rules.allows("/private/x"));
  EXPECT_TRUE(rules.allows("/private/prices.html"));
  EXPECT_FALSE(rules.allows("/index.php"));
  EXPECT_TRUE(rules.allows("/index.php?x=1"));
  EXPECT_FALSE(rules.allows("/search?page=2&q=cut"));
  EXPECT_TRUE(rules.allows("/robots.txt"));
  const auto tie =
      robots_rules::parse("User-agent: *\nDisallow: /page\nAllow: /page\n", "salon-phone");
  EXPECT_TRUE(tie.allows("/page"));
}

TEST(robots_rules, our_own_group_replaces_the_star_group) {
  const auto rules = robots_rules::parse(
      "User-agent: *\nDisallow: /\n\nUser-agent: Salon-Phone/1.0\nUser-agent: otherbot\n"
      "Disallow: /services\nAllow: /services/public\n",
      "salon-phone");
  EXPECT_TRUE(rules.allows("/"));
  EXPECT_TRUE(rules.allows("/team.html"));
  EXPECT_FALSE(rules.allows("/services.html"));
  EXPECT_TRUE(rules.allows("/services/public/menu.html"));
  const auto other = robots_rules::parse("User-agent: googlebot\nDisallow: /\n", "salon-phone");
  EXPECT_TRUE(other.allows("/anything"));
}

TEST(robots_rules, odd_files) {
  EXPECT_TRUE(robots_rules::parse("", "salon-phone").allows("/"));
  EXPECT_TRUE(robots_rules::parse("Disallow: /\n", "salon-phone").allows("/"));  // no group
  EXPECT_TRUE(robots_rules::parse("User-agent: *\nDisallow:\n", "salon-phone").allows("/x"));
  EXPECT_TRUE(robots_rules::parse("<html>not robots</html>", "salon-phone").allows("/"));
  EXPECT_FALSE(robots_rules::parse("user-agent: *\r\ndisallow: /\r\n", "salon-phone").allows("/x"));
  EXPECT_FALSE(robots_rules::disallow_all().allows("/"));
  std::string huge = "User-agent: *\n";
  for (int i = 0; i < 20000; ++i) huge += "Disallow: /*a*b*c*d*e" + std::to_string(i) + "\n";
  const auto many = robots_rules::parse(huge, "salon-phone");
  EXPECT_TRUE(many.allows("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

}  // namespace
}  // namespace salon::scraping
