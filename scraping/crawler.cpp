#include "scraping/crawler.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "scraping/findings_merge.hpp"
#include "scraping/page_extractor.hpp"
#include "scraping/page_fetcher.hpp"
#include "scraping/robots_rules.hpp"
#include "scraping/site_url.hpp"

namespace salon::scraping {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int start_rank = std::numeric_limits<int>::max();
constexpr std::size_t max_skipped_entries = 100;
// Less time than this left is no time to read a page.
constexpr milliseconds min_request_time{50};

std::string path_of(const url_parts& url) {
  return url.query.empty() ? url.path : url.path + "?" + url.query;
}

// robots.txt belongs to one scheme, host and port.
std::string origin_of(const url_parts& url) {
  const bool default_port =
      (url.scheme == "http" && url.port == 80) || (url.scheme == "https" && url.port == 443);
  return url.scheme + "://" + url.host + (default_port ? "" : ":" + std::to_string(url.port));
}

std::string start_error(const fetch_result& result) {
  switch (result.status) {
    case fetch_status::unreachable:
      return "site unreachable: " + result.error;
    case fetch_status::refused_address:
      return "site refused: " + result.error;
    case fetch_status::timed_out:
      return "site did not answer: " + result.error;
    case fetch_status::http_error:
      return "start page answered " + result.error;
    case fetch_status::wrong_content_type:
      return "start page is not HTML (" + result.content_type + ")";
    case fetch_status::too_many_redirects:
      return "start page redirects too often: " + result.error;
    case fetch_status::refused_redirect:
      return "start page redirect refused: " + result.error;
    case fetch_status::ok:
    case fetch_status::failed:
      break;
  }
  return "start page could not be read: " + result.error;
}

class site_crawler {
 public:
  site_crawler(std::string_view start_url, const crawl_options& options)
      : start_url_(start_url),
        options_(options),
        fetcher_(address_policy{options.allow_private_addresses, options.allow_loopback},
                 options.user_agent),
        started_(clock::now()) {}

  crawl_result run() {
    const auto start = parse_url(start_url_);
    if (!start) {
      report().errors.push_back("start URL is not an http(s) URL: " + start_url_);
      return finish();
    }
    site_.push_back(*start);
    enqueue(start_url_, start_rank);
    bool first = true;
    while (!queue_.empty()) {
      if (report().pages_read.size() >= options_.max_pages) {
        skip_queue("page budget reached");
        break;
      }
      if (remaining() < min_request_time) {
        note_budget_used_up();
        skip_queue("time budget used up");
        break;
      }
      const queued next = pop();
      if (!read_page(next, first)) break;
      first = false;
    }
    return finish();
  }

 private:
  struct queued {
    std::string url;
    int rank = 0;
    std::size_t order = 0;
  };

  crawl_report& report() { return result_.report; }

  void note_budget_used_up() {
    if (budget_noted_) return;
    budget_noted_ = true;
    report().warnings.push_back("time budget of " + std::to_string(options_.total_budget.count()) +
                                " ms used up before every page was read");
  }

  milliseconds remaining() const {
    return std::chrono::duration_cast<milliseconds>(started_ + options_.total_budget -
                                                    clock::now());
  }

  fetch_limits limits(std::size_t max_bytes, std::vector<std::string> types) const {
    fetch_limits limits;
    limits.timeout = std::min(options_.request_timeout, remaining());
    limits.connect_timeout = options_.connect_timeout;
    limits.max_bytes = max_bytes;
    limits.max_redirects = options_.max_redirects;
    limits.accepted_types = std::move(types);
    return limits;
  }

  bool on_site(const url_parts& url) const {
    return std::any_of(site_.begin(), site_.end(),
                       [&](const url_parts& known) { return same_site(known, url); });
  }

  void enqueue(const std::string& url, int rank) {
    const auto parts = parse_url(url);
    if (!parts || !seen_.insert(page_key(*parts)).second) return;
    queue_.push_back(queued{url, rank, next_order_++});
  }

  queued pop() {
    const auto best =
        std::min_element(queue_.begin(), queue_.end(), [](const queued& a, const queued& b) {
          return a.rank != b.rank ? a.rank > b.rank : a.order < b.order;
        });
    queued next = *best;
    queue_.erase(best);
    return next;
  }

  void skip(const std::string& url, const std::string& reason) {
    if (!skipped_urls_.insert(url).second) return;
    if (report().pages_skipped.size() < max_skipped_entries) {
      report().pages_skipped.push_back(skipped_page{url, reason});
    } else {
      ++skipped_beyond_list_;
    }
  }

  void skip_queue(const std::string& reason) {
    std::sort(queue_.begin(), queue_.end(), [](const queued& a, const queued& b) {
      return a.rank != b.rank ? a.rank > b.rank : a.order < b.order;
    });
    for (const auto& entry : queue_) skip(entry.url, reason);
    queue_.clear();
  }

  // The robots.txt rules for a URL's origin, read once. Empty when the origin cannot be reached
  // at all; the error is in the report then.
  const robots_rules* robots_for(const url_parts& url, bool start) {
    // Trouble with the start page's origin ends the crawl; with another origin, one page.
    auto& trouble = start ? report().errors : report().warnings;
    const std::string origin = origin_of(url);
    if (const auto known = robots_.find(origin); known != robots_.end()) return &known->second;
    if (unreachable_.contains(origin)) return nullptr;
    const fetch_result answer =
        fetcher_.fetch(origin + "/robots.txt", limits(options_.max_robots_bytes, {}));
    robots_rules rules = robots_rules::allow_all();
    switch (answer.status) {
      case fetch_status::ok:
        rules = robots_rules::parse(answer.body, robots_agent);
        if (same_site(url, site_.front())) report().robots_txt_found = true;
        break;
      case fetch_status::http_error:
        if (answer.http_status >= 500) {
          rules = robots_rules::disallow_all();
          report().warnings.push_back("robots.txt at " + origin + " answered HTTP " +
                                      std::to_string(answer.http_status) +
                                      "; the site is treated as disallowing everything");
        }
        break;  // 4xx: there is no robots.txt, everything is allowed
      case fetch_status::too_many_redirects:
      case fetch_status::refused_redirect:
      case fetch_status::wrong_content_type:
        break;  // unavailable: allowed (RFC 9309, 2.3.1.3)
      case fetch_status::refused_address:
        trouble.push_back("site refused: " + answer.error);
        unreachable_.insert(origin);
        return nullptr;
      case fetch_status::unreachable:
        trouble.push_back("site unreachable: " + answer.error);
        unreachable_.insert(origin);
        return nullptr;
      case fetch_status::timed_out:
      case fetch_status::failed:
        trouble.push_back("robots.txt at " + origin + " could not be read (" + answer.error +
                          "); the site is treated as disallowing everything");
        unreachable_.insert(origin);
        return nullptr;
    }
    return &robots_.emplace(origin, std::move(rules)).first->second;
  }

  // Reads one page; false when the crawl cannot go on.
  bool read_page(const queued& next, bool first) {
    const auto parts = parse_url(next.url);
    const robots_rules* rules = robots_for(*parts, first);
    if (rules == nullptr) {
      skip(next.url, first ? "site could not be reached" : "robots.txt could not be read");
      if (first) return false;
      return true;
    }
    if (!rules->allows(path_of(*parts))) {
      skip(next.url, "disallowed by robots.txt");
      if (first) report().errors.push_back("start page is disallowed by robots.txt");
      return !first;
    }
    const auto check_redirect = [&](const std::string& target) -> std::optional<std::string> {
      const auto hop = parse_url(target);
      if (!first && !on_site(*hop)) return "redirects off the site to " + target;
      const auto known = robots_.find(origin_of(*hop));
      if (known != robots_.end() && !known->second.allows(path_of(*hop))) {
        return "redirect target disallowed by robots.txt: " + target;
      }
      return std::nullopt;
    };
    const bool cut_by_budget = remaining() < options_.request_timeout;
    const fetch_result answer = fetcher_.fetch(
        next.url, limits(options_.max_page_bytes, {"text/html", "application/xhtml+xml"}),
        check_redirect);
    if (answer.status == fetch_status::timed_out && cut_by_budget) {
      note_budget_used_up();
      skip(next.url, "time budget used up: " + answer.error);
      if (first) report().errors.push_back(start_error(answer));
      return !first;
    }
    if (answer.status != fetch_status::ok) {
      skip(next.url, std::string(describe(answer.status)) + ": " + answer.error);
      if (first) report().errors.push_back(start_error(answer));
      return !first;
    }
    report().pages_read.push_back(page_visit{next.url, answer.final_url, answer.http_status,
                                             answer.bytes, answer.content_type, answer.truncated,
                                             answer.redirects});
    if (answer.truncated) {
      report().warnings.push_back("page cut at " + std::to_string(options_.max_page_bytes) +
                                  " bytes: " + next.url);
    }
    const auto landed = parse_url(answer.final_url);
    if (first && landed && !on_site(*landed)) site_.push_back(*landed);  // the site moved
    if (landed && answer.final_url != next.url) seen_.insert(page_key(*landed));

    const page_findings page = extract_page(answer.body, answer.final_url);
    merge_findings(result_.found, page.found);
    for (const auto& warning : page.warnings) {
      report().warnings.push_back(answer.final_url + ": " + warning);
    }
    for (const auto& link : page.links) {
      const auto target = parse_url(link.url);
      if (target && on_site(*target)) enqueue(link.url, link.rank);
    }
    for (const auto& ignored : page.ignored_links) {
      if (ignored.reason == "external site") {
        skip(ignored.url, "external site");
      } else if (pdfs_.insert(ignored.url).second) {
        report().warnings.push_back("not read (" + ignored.reason + "): " + ignored.url);
      }
    }
    return true;
  }

  crawl_result finish() {
    finish_site_findings(result_.found);
    if (!report().pages_read.empty()) {
      for (auto& missing : missing_findings(result_.found))
        report().warnings.push_back(std::move(missing));
    }
    if (skipped_beyond_list_ > 0) {
      report().warnings.push_back(std::to_string(skipped_beyond_list_) +
                                  " more skipped links are not listed");
    }
    report().elapsed = std::chrono::duration_cast<milliseconds>(clock::now() - started_);
    return std::move(result_);
  }

  std::string start_url_;
  crawl_options options_;
  page_fetcher fetcher_;
  clock::time_point started_;
  crawl_result result_;
  std::vector<url_parts> site_;  // the start URL's site, and where it redirected to
  std::vector<queued> queue_;
  std::size_t next_order_ = 0;
  std::set<std::string> seen_;
  std::set<std::string> skipped_urls_;
  std::set<std::string> pdfs_;
  std::size_t skipped_beyond_list_ = 0;
  bool budget_noted_ = false;
  std::map<std::string, robots_rules> robots_;
  std::set<std::string> unreachable_;  // origins whose robots.txt could not be fetched
};

}  // namespace

crawl_result crawl(std::string_view start_url, const crawl_options& options) noexcept {
  try {
    site_crawler crawler(start_url, options);
    return crawler.run();
  } catch (const std::exception& error) {
    crawl_result result;
    result.report.errors.push_back(std::string("crawl failed: ") + error.what());
    return result;
  } catch (...) {
    crawl_result result;
    result.report.errors.emplace_back("crawl failed");
    return result;
  }
}

}  // namespace salon::scraping
