#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scraping/findings.hpp"

namespace salon::scraping {

struct crawl_options {
  std::size_t max_pages = 10;
  std::chrono::milliseconds request_timeout{10'000};  // one page, redirects included
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_budget{30'000};  // the whole crawl, robots.txt included
  std::size_t max_page_bytes = 2 * 1024 * 1024;    // larger pages are cut here
  std::size_t max_robots_bytes = 512 * 1024;
  int max_redirects = 5;
  // Private, loopback, link-local, metadata, ... addresses are refused unless this is set
  // (SCRAPE_ALLOW_PRIVATE=true).
  bool allow_private_addresses = false;
  // Loopback only, for tests that serve fixtures on 127.0.0.1 and still check the other ranges.
  bool allow_loopback = false;
  std::string user_agent = "salon-phone/0.1 (salon website reader; honours robots.txt)";
};

// The agent name robots.txt groups are matched against.
inline constexpr std::string_view robots_agent = "salon-phone";

struct page_visit {
  std::string url;
  std::string final_url;  // after redirects
  long http_status = 0;
  std::size_t bytes = 0;
  std::string content_type;
  bool truncated = false;  // cut at max_page_bytes
  int redirects = 0;
};

struct skipped_page {
  std::string url;
  std::string reason;  // "disallowed by robots.txt", "page budget reached", "HTTP 404", ...
};

struct crawl_report {
  std::vector<page_visit> pages_read;
  std::vector<skipped_page> pages_skipped;
  // What the caller should pass on: missing prices, cut pages, ignored PDF menus, ...
  std::vector<std::string> warnings;
  // Why nothing (or not everything) could be read: "site unreachable: ...".
  std::vector<std::string> errors;
  bool robots_txt_found = false;
  std::chrono::milliseconds elapsed{0};
};

struct crawl_result {
  findings found;  // merged over every page read
  crawl_report report;
};

// Reads a salon's website: the start page, then the same-site links most likely to hold
// services, prices, staff, hours and contact details, best first, within the page, byte and time
// budgets and robots.txt. A site that is down, slow, huge, not HTML or hostile gives a report
// saying so. Every request's timeout is cut to what is left of total_budget, so the crawl ends
// within it (plus the time to parse the last page read). Never throws.
crawl_result crawl(std::string_view start_url, const crawl_options& options = {}) noexcept;

}  // namespace salon::scraping
