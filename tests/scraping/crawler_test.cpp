// The crawler against a real HTTP server on 127.0.0.1: fixture sites, robots.txt, budgets,
// redirects, refused addresses, slow, huge and binary answers, and a port nobody listens on.
#include "scraping/crawler.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fixture_http_server.hpp"
#include "fixture_sites.hpp"

namespace salon::scraping {
namespace {

using namespace testing;
using std::chrono::milliseconds;

// Tests serve fixtures on loopback; every other private range stays refused.
crawl_options loopback_options() {
  crawl_options options;
  options.allow_loopback = true;
  options.request_timeout = milliseconds(5000);
  options.total_budget = milliseconds(20000);
  return options;
}

std::vector<std::string> read_paths(const crawl_report& report, const fixture_http_server& server) {
  std::vector<std::string> paths;
  const std::string prefix = server.url("");
  for (const auto& page : report.pages_read) paths.push_back(page.url.substr(prefix.size()));
  return paths;
}

const skipped_page* skipped(const crawl_report& report, const std::string& url) {
  const auto at = std::find_if(report.pages_skipped.begin(), report.pages_skipped.end(),
                               [&](const skipped_page& page) { return page.url == url; });
  return at == report.pages_skipped.end() ? nullptr : &*at;
}

bool mentions(const std::vector<std::string>& lines, std::string_view words) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.find(words) != std::string::npos;
  });
}

std::string page_with_links(std::string_view body_html) {
  return "<!DOCTYPE html><html><head><title>Test Salon</title></head><body>" +
         std::string(body_html) + "</body></html>";
}

TEST(crawler, reads_studio_nine_over_http) {
  fixture_http_server server(shared_sites / "studio-nine");
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_TRUE(result.report.errors.empty()) << ::testing::PrintToString(result.report.errors);
  EXPECT_EQ(read_paths(result.report, server),
            (std::vector<std::string>{"/", "/services.html", "/team.html"}));
  const skipped_page* contact = skipped(result.report, server.url("/contact.html"));
  ASSERT_NE(contact, nullptr);
  EXPECT_NE(contact->reason.find("HTTP 404"), std::string::npos);
  EXPECT_FALSE(result.report.robots_txt_found);
  EXPECT_EQ(result.found.services.size(), 7u);
  EXPECT_EQ(person_names(result.found),
            (std::vector<std::string>{"Maria Santos", "Kenji Watanabe", "Leilani Kahale"}));
  EXPECT_EQ(result.found.hours.known_days(), 7);
  EXPECT_EQ(result.found.address.city, "Honolulu");
  EXPECT_FALSE(mentions(result.report.warnings, "no prices"));
  for (const auto& page : result.report.pages_read) {
    EXPECT_EQ(page.http_status, 200);
    EXPECT_GT(page.bytes, 0u);
    EXPECT_FALSE(page.truncated);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  }
}

TEST(crawler, reads_curl_and_co_and_does_not_follow_the_external_link) {
  fixture_http_server server(shared_sites / "curl-and-co");
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_EQ(read_paths(result.report, server),
            (std::vector<std::string>{"/", "/menu/", "/about-us/"}));
  const skipped_page* instagram = skipped(result.report, "https://www.instagram.com/curlandco");
  ASSERT_NE(instagram, nullptr);
  EXPECT_EQ(instagram->reason, "external site");
  EXPECT_EQ(result.found.services.size(), 7u);
  EXPECT_EQ(person_names(result.found),
            (std::vector<std::string>{"Jasmine Reyes", "Tom\u00e1s Oliveira"}));
  EXPECT_EQ(result.found.hours.known_days(), 7);
  // Only robots.txt and the three pages were asked for: no stylesheet, no guessing.
  EXPECT_EQ(server.requests().size(), 4u) << ::testing::PrintToString(server.requests());
}

TEST(crawler, robots_txt_disallows_a_path_for_everyone) {
  fixture_http_server server(shared_sites / "studio-nine");
  server.route("/robots.txt", {200, "text/plain", "User-agent: *\nDisallow: /team\n", {}, {}});
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_TRUE(result.report.robots_txt_found);
  EXPECT_FALSE(server.was_requested("/team.html"));
  const skipped_page* team = skipped(result.report, server.url("/team.html"));
  ASSERT_NE(team, nullptr);
  EXPECT_EQ(team->reason, "disallowed by robots.txt");
  EXPECT_EQ(person_named(result.found, "Leilani Kahale"), nullptr);  // only on the team page
}

TEST(crawler, robots_txt_group_for_our_agent_wins_over_the_star_group) {
  fixture_http_server server(shared_sites / "studio-nine");
  server.route("/robots.txt",
               {200,
                "text/plain",
                "User-agent: *\nDisallow: /\n\nUser-agent: salon-phone\nDisallow: /services\n",
                {},
                {}});
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_EQ(read_paths(result.report, server), (std::vector<std::string>{"/", "/team.html"}));
  EXPECT_FALSE(server.was_requested("/services.html"));
}

TEST(crawler, robots_txt_that_errors_means_nothing_is_read) {
  fixture_http_server server(shared_sites / "studio-nine");
  server.route("/robots.txt", {503, "text/plain", "busy", {}, {}});
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_TRUE(result.report.pages_read.empty());
  EXPECT_TRUE(mentions(result.report.errors, "disallowed by robots.txt"));
  EXPECT_TRUE(mentions(result.report.warnings, "HTTP 503"));
  EXPECT_FALSE(server.was_requested("/"));
}

TEST(crawler, page_budget_caps_the_pages_read) {
  fixture_http_server server;
  std::string links;
  for (int i = 0; i < 15; ++i) {
    const std::string path = "/services-" + std::to_string(i) + ".html";
    links += "<a href=\"" + path + "\">Services " + std::to_string(i) + "</a>";
    server.route(
        path,
        {200, "text/html", page_with_links("<p>Cut " + std::to_string(i) + " $40</p>"), {}, {}});
  }
  server.route("/", {200, "text/html", page_with_links(links), {}, {}});
  auto options = loopback_options();
  options.max_pages = 3;
  const auto result = crawl(server.url("/"), options);
  EXPECT_EQ(result.report.pages_read.size(), 3u);
  const auto budget_skips =
      std::count_if(result.report.pages_skipped.begin(), result.report.pages_skipped.end(),
                    [](const skipped_page& page) { return page.reason == "page budget reached"; });
  EXPECT_EQ(budget_skips, 13);
  EXPECT_EQ(server.requests().size(), 4u);  // robots.txt and three pages
}

TEST(crawler, links_are_read_best_first) {
  fixture_http_server server;
  server.route("/",
               {200,
                "text/html",
                page_with_links("<a href=\"/contact\">Contact</a><a href=\"/gift-ideas\">Gifts</a>"
                                "<nav><a href=\"/specials\">Specials</a></nav>"
                                "<a href=\"/about\">About</a><a href=\"/our-team\">Team</a>"
                                "<a href=\"/prices\">Prices</a><a href=\"/blog/post\">Blog</a>"),
                {},
                {}});
  for (const std::string path :
       {"/contact", "/gift-ideas", "/about", "/our-team", "/prices", "/specials"}) {
    server.route(path, {200, "text/html", page_with_links("<p>page</p>"), {}, {}});
  }
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_EQ(read_paths(result.report, server),
            (std::vector<std::string>{"/", "/prices", "/our-team", "/about", "/contact",
                                      "/specials", "/gift-ideas"}));
  EXPECT_FALSE(server.was_requested("/blog/post"));
}

TEST(crawler, redirects_are_followed_up_to_the_limit) {
  fixture_http_server server(shared_sites / "studio-nine");
  server.route("/start", {301, "text/html", "", {{"Location", "/hop"}}, {}});
  server.route("/hop", {302, "text/html", "", {{"Location", "/"}}, {}});
  for (int i = 0; i < 8; ++i) {
    server.route("/loop" + std::to_string(i),
                 {302, "text/html", "", {{"Location", "/loop" + std::to_string(i + 1)}}, {}});
  }
  server.route("/", {200,
                     "text/html",
                     page_with_links("<a href=\"/loop0\">Services</a><p>Blowout $45 (45 min)</p>"),
                     {},
                     {}});
  auto options = loopback_options();
  options.max_redirects = 3;
  const auto result = crawl(server.url("/start"), options);
  ASSERT_FALSE(result.report.pages_read.empty());
  EXPECT_EQ(result.report.pages_read[0].final_url, server.url("/"));
  EXPECT_EQ(result.report.pages_read[0].redirects, 2);
  EXPECT_NE(service_named(result.found, "Blowout"), nullptr);
  const skipped_page* loop = skipped(result.report, server.url("/loop0"));
  ASSERT_NE(loop, nullptr);
  EXPECT_NE(loop->reason.find("too many redirects"), std::string::npos);
  EXPECT_TRUE(server.was_requested("/loop3"));
  EXPECT_FALSE(server.was_requested("/loop4"));
}

TEST(crawler, redirects_to_private_addresses_and_other_schemes_are_refused) {
  fixture_http_server server;
  server.route("/", {200,
                     "text/html",
                     page_with_links("<a href=\"/services\">Services</a><a href=\"/team\">Team</a>"
                                     "<a href=\"/about\">About</a><a href=\"/contact\">Contact</a>"
                                     "<p>Gloss $60 (45 min)</p>"),
                     {},
                     {}});
  server.route(
      "/services",
      {302, "text/html", "", {{"Location", "http://169.254.169.254/latest/meta-data/"}}, {}});
  server.route("/team", {302, "text/html", "", {{"Location", "http://10.1.2.3/team"}}, {}});
  server.route("/about", {302, "text/html", "", {{"Location", "file:///etc/passwd"}}, {}});
  server.route("/contact", {302, "text/html", "", {{"Location", "http://[fd00::1]/contact"}}, {}});
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_EQ(read_paths(result.report, server), std::vector<std::string>{"/"});
  const skipped_page* metadata = skipped(result.report, server.url("/services"));
  ASSERT_NE(metadata, nullptr);
  EXPECT_NE(metadata->reason.find("link-local"), std::string::npos) << metadata->reason;
  EXPECT_NE(metadata->reason.find("169.254.169.254"), std::string::npos) << metadata->reason;
  const skipped_page* private_network = skipped(result.report, server.url("/team"));
  ASSERT_NE(private_network, nullptr);
  EXPECT_NE(private_network->reason.find("private network"), std::string::npos);
  const skipped_page* file = skipped(result.report, server.url("/about"));
  ASSERT_NE(file, nullptr);
  EXPECT_NE(file->reason.find("not http(s)"), std::string::npos) << file->reason;
  const skipped_page* unique_local = skipped(result.report, server.url("/contact"));
  ASSERT_NE(unique_local, nullptr);
  EXPECT_NE(unique_local->reason.find("unique local"), std::string::npos);
  EXPECT_NE(service_named(result.found, "Gloss"), nullptr);
}

TEST(crawler, a_start_page_redirecting_to_the_metadata_address_is_refused) {
  fixture_http_server server;
  server.route(
      "/", {302, "text/html", "", {{"Location", "http://169.254.169.254/latest/meta-data/"}}, {}});
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_TRUE(result.report.pages_read.empty());
  EXPECT_TRUE(mentions(result.report.errors, "site refused"))
      << ::testing::PrintToString(result.report.errors);
  EXPECT_TRUE(mentions(result.report.errors, "169.254.169.254"));
}

TEST(crawler, redirects_off_the_site_are_refused_after_the_start_page) {
  fixture_http_server server;
  fixture_http_server elsewhere;
  server.route("/", {200, "text/html", page_with_links("<a href=\"/menu\">Menu</a>"), {}, {}});
  server.route("/menu", {302, "text/html", "", {{"Location", elsewhere.url("/menu")}}, {}});
  const auto result = crawl(server.url("/"), loopback_options());
  const skipped_page* menu = skipped(result.report, server.url("/menu"));
  ASSERT_NE(menu, nullptr);
  EXPECT_NE(menu->reason.find("off the site"), std::string::npos);
  EXPECT_TRUE(elsewhere.requests().empty());
}

TEST(crawler, loopback_start_is_refused_when_private_addresses_are_not_allowed) {
  fixture_http_server server(shared_sites / "studio-nine");
  crawl_options strict;
  const std::vector<std::string> starts = {
      server.url("/"), "http://localhost:" + std::to_string(server.port()) + "/",
      "http://[::1]:" + std::to_string(server.port()) + "/"};
  for (const auto& start : starts) {
    const auto result = crawl(start, strict);
    EXPECT_TRUE(result.report.pages_read.empty()) << start;
    EXPECT_TRUE(mentions(result.report.errors, "site refused")) << start;
    EXPECT_TRUE(mentions(result.report.errors, "loopback")) << start;
    EXPECT_TRUE(result.found.services.empty());
  }
  // Refused before connecting: the server never saw a request.
  EXPECT_TRUE(server.requests().empty());
}

TEST(crawler, allow_private_addresses_reaches_loopback) {
  fixture_http_server server(shared_sites / "curl-and-co");
  crawl_options options;
  options.allow_private_addresses = true;
  const auto result = crawl(server.url("/"), options);
  EXPECT_EQ(result.report.pages_read.size(), 3u);
}

TEST(crawler, a_slow_page_times_out_and_the_crawl_goes_on) {
  fixture_http_server server;
  server.route("/",
               {200,
                "text/html",
                page_with_links("<a href=\"/slow-prices\">Prices</a><a href=\"/team\">Team</a>"),
                {},
                {}});
  server.route("/slow-prices",
               {200, "text/html", page_with_links("<p>Cut $40</p>"), {}, milliseconds(4000)});
  server.route("/team",
               {200, "text/html", page_with_links("<h3>Maria Santos</h3><p>Stylist</p>"), {}, {}});
  auto options = loopback_options();
  options.request_timeout = milliseconds(1000);
  const auto result = crawl(server.url("/"), options);
  EXPECT_EQ(read_paths(result.report, server), (std::vector<std::string>{"/", "/team"}));
  const skipped_page* slow = skipped(result.report, server.url("/slow-prices"));
  ASSERT_NE(slow, nullptr);
  EXPECT_NE(slow->reason.find("timed out"), std::string::npos);
  EXPECT_NE(person_named(result.found, "Maria Santos"), nullptr);
}

TEST(crawler, the_total_budget_ends_a_crawl_of_slow_pages) {
  fixture_http_server server;
  std::string links;
  for (int i = 0; i < 5; ++i) {
    const std::string path = "/menu-" + std::to_string(i);
    links += "<a href=\"" + path + "\">Menu</a>";
    server.route(path, {200, "text/html", page_with_links("<p>x</p>"), {}, milliseconds(5000)});
  }
  server.route("/", {200, "text/html", page_with_links(links), {}, {}});
  auto options = loopback_options();
  options.request_timeout = milliseconds(1000);
  options.total_budget = milliseconds(1500);
  const auto result = crawl(server.url("/"), options);
  EXPECT_EQ(result.report.pages_read.size(), 1u);
  EXPECT_EQ(result.report.pages_skipped.size(), 5u);
  EXPECT_TRUE(mentions(result.report.warnings, "time budget"));
}

TEST(crawler, a_slow_start_page_is_reported) {
  fixture_http_server server;
  server.route("/", {200, "text/html", page_with_links("<p>late</p>"), {}, milliseconds(4000)});
  auto options = loopback_options();
  options.request_timeout = milliseconds(1000);
  const auto result = crawl(server.url("/"), options);
  EXPECT_TRUE(result.report.pages_read.empty());
  EXPECT_TRUE(mentions(result.report.errors, "did not answer"));
}

TEST(crawler, a_five_megabyte_page_is_cut_at_the_byte_cap) {
  fixture_http_server server;
  std::string huge = "<html><body><ul><li>Big Chop $99 (60 min)</li></ul><p>";
  while (huge.size() < 5 * 1024 * 1024)
    huge += "Lorem ipsum dolor sit amet, consectetur adipiscing. ";
  huge += "</p></body></html>";
  server.route("/", {200, "text/html", huge, {}, {}});
  auto options = loopback_options();
  options.max_page_bytes = 256 * 1024;
  const auto result = crawl(server.url("/"), options);
  ASSERT_EQ(result.report.pages_read.size(), 1u);
  const page_visit& page = result.report.pages_read[0];
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.bytes, options.max_page_bytes);
  EXPECT_TRUE(mentions(result.report.warnings, "page cut at 262144 bytes"));
  EXPECT_NE(service_named(result.found, "Big Chop"), nullptr);
}

TEST(crawler, binary_answers_are_skipped_by_content_type) {
  fixture_http_server server;
  server.route("/",
               {200,
                "text/html",
                page_with_links("<a href=\"/services\">Services</a><a href=\"/prices\">Prices</a>"),
                {},
                {}});
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string(200000, '\0');
  server.route("/services", {200, "image/png", png, {}, {}});
  server.route("/prices", {200, "application/pdf", "%PDF-1.4 ...", {}, {}});
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_EQ(read_paths(result.report, server), std::vector<std::string>{"/"});
  const skipped_page* image = skipped(result.report, server.url("/services"));
  ASSERT_NE(image, nullptr);
  EXPECT_NE(image->reason.find("image/png"), std::string::npos);
  const skipped_page* pdf = skipped(result.report, server.url("/prices"));
  ASSERT_NE(pdf, nullptr);
  EXPECT_NE(pdf->reason.find("application/pdf"), std::string::npos);
}

TEST(crawler, a_start_page_that_is_not_html_is_an_error) {
  fixture_http_server server;
  server.route("/", {200, "application/octet-stream", std::string(1000, '\x01'), {}, {}});
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_TRUE(result.report.pages_read.empty());
  EXPECT_TRUE(mentions(result.report.errors, "not HTML"));
}

TEST(crawler, an_unreachable_port_is_reported) {
  const auto result =
      crawl("http://127.0.0.1:" + std::to_string(closed_port()) + "/", loopback_options());
  EXPECT_TRUE(result.report.pages_read.empty());
  EXPECT_TRUE(mentions(result.report.errors, "site unreachable"))
      << ::testing::PrintToString(result.report.errors);
  EXPECT_TRUE(result.found.services.empty());
}

TEST(crawler, start_urls_that_are_not_http) {
  const std::vector<std::string> starts = {
      "",          "ftp://salon.test/",  "javascript:alert(1)",  "http://",
      "not a url", "file:///etc/passwd", std::string(10000, 'a')};
  for (const auto& start : starts) {
    const auto result = crawl(start, loopback_options());
    EXPECT_TRUE(result.report.pages_read.empty()) << start;
    EXPECT_TRUE(mentions(result.report.errors, "not an http(s) URL")) << start;
  }
}

TEST(crawler, a_site_with_nothing_useful_warns_about_what_is_missing) {
  fixture_http_server server(own_sites / "empty-site");
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_EQ(result.report.pages_read.size(), 1u);
  EXPECT_TRUE(result.report.errors.empty());
  EXPECT_TRUE(mentions(result.report.warnings, "no prices found on any page"));
  EXPECT_TRUE(mentions(result.report.warnings, "no services found on any page"));
}

TEST(crawler, own_fixture_site_with_a_pdf_menu_and_a_blog) {
  fixture_http_server server(own_sites / "table-salon");
  const auto result = crawl(server.url("/"), loopback_options());
  EXPECT_EQ(read_paths(result.report, server),
            (std::vector<std::string>{"/", "/prices.html", "/staff/"}));
  EXPECT_TRUE(mentions(result.report.warnings, "menu.pdf"));
  EXPECT_FALSE(server.was_requested("/menu.pdf"));
  EXPECT_EQ(result.found.services.size(), 7u);
  EXPECT_EQ(result.found.professionals.size(), 3u);
}

}  // namespace
}  // namespace salon::scraping
