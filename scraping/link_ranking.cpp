#include "scraping/link_ranking.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "scraping/site_url.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr int refresh_rank = 1000;
constexpr int other_page_rank = 10;
constexpr std::size_t max_ranked_links = 200;
constexpr std::size_t max_ignored_links = 50;

struct rank_rule {
  int rank;
  std::array<std::string_view, 12> words;
};

constexpr std::array<rank_rule, 5> rank_rules = {{
    {100,
     {"services", "service", "prices", "price", "pricing", "menu", "rates", "treatments",
      "pricelist", "offerings", "", ""}},
    {80,
     {"team", "staff", "stylists", "stylist", "artists", "people", "barbers", "professionals",
      "crew", "meet", "who", ""}},
    {60, {"about", "story", "salon", "", "", "", "", "", "", "", "", ""}},
    {50,
     {"contact", "hours", "location", "locations", "visit", "directions", "find", "", "", "", "",
      ""}},
    {30,
     {"book", "booking", "appointments", "appointment", "policies", "policy", "faq", "faqs", "", "",
      "", ""}},
}};

// Pages with nothing about the salon's services, staff or hours.
constexpr std::array<std::string_view, 24> unwanted_words = {
    "blog",    "news",     "post",    "posts",   "tag",      "category", "author",   "feed",
    "cart",    "checkout", "account", "login",   "logout",   "register", "privacy",  "terms",
    "careers", "jobs",     "shop",    "product", "products", "gallery",  "wp-admin", "wp-login"};

constexpr std::array<std::string_view, 34> asset_extensions = {
    "css",  "js",    "json", "xml", "txt", "png", "jpg",  "jpeg", "gif",  "svg", "webp", "ico",
    "bmp",  "tif",   "tiff", "pdf", "zip", "gz",  "rar",  "mp3",  "mp4",  "mov", "avi",  "webm",
    "woff", "woff2", "ttf",  "eot", "otf", "doc", "docx", "xls",  "xlsx", "csv"};

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string extension_of(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = file.find_last_of('.');
  if (dot == std::string_view::npos) return {};
  return lower_ascii(file.substr(dot + 1));
}

// A dated path ("/2023/05/...") is a blog post.
bool dated_path(std::string_view path) {
  const auto words = words_of(path);
  return std::any_of(words.begin(), words.end(), [](const std::string& word) {
    return word.size() == 4 && (word.rfind("19", 0) == 0 || word.rfind("20", 0) == 0) &&
           std::all_of(word.begin(), word.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
  });
}

}  // namespace

bool is_asset_path(std::string_view path) {
  const std::string extension = extension_of(path);
  return !extension.empty() && std::find(asset_extensions.begin(), asset_extensions.end(),
                                         extension) != asset_extensions.end();
}

int link_rank(std::string_view path, std::string_view link_text) {
  if (is_asset_path(path) || dated_path(path)) return 0;
  const auto path_words = words_of(path);
  for (const auto& word : path_words) {
    if (std::find(unwanted_words.begin(), unwanted_words.end(), word) != unwanted_words.end()) {
      return 0;
    }
  }
  auto words = path_words;
  const auto text_words = words_of(link_text);
  words.insert(words.end(), text_words.begin(), text_words.end());
  int best = other_page_rank;
  for (const auto& rule : rank_rules) {
    for (const auto& word : words) {
      if (!word.empty() &&
          std::find(rule.words.begin(), rule.words.end(), word) != rule.words.end()) {
        best = std::max(best, rule.rank);
      }
    }
  }
  return best;
}

void collect_links(const page_content& page, const std::string& page_url, page_findings& out) {
  const auto here = parse_url(page_url);
  if (!here) return;
  std::string base = page_url;
  if (!page.base_href.empty()) {
    if (auto resolved = resolve_url(page_url, page.base_href)) base = *resolved;
  }
  std::vector<std::string> seen = {page_key(*here)};
  const auto consider = [&](const std::string& href, const std::string& text, int forced_rank,
                            bool in_navigation) {
    const std::string scheme = url_scheme(href);
    if (!scheme.empty() && scheme != "http" && scheme != "https") return;  // mailto:, tel:, ...
    const auto resolved = resolve_url(base, href);
    if (!resolved) return;
    const auto target = parse_url(*resolved);
    if (!target) return;
    const std::string key = page_key(*target);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) return;
    seen.push_back(key);
    if (!same_site(*here, *target)) {
      if (out.ignored_links.size() < max_ignored_links) {
        out.ignored_links.push_back(ignored_link{*resolved, "external site"});
      }
      return;
    }
    if (extension_of(target->path) == "pdf") {
      if (out.ignored_links.size() < max_ignored_links) {
        out.ignored_links.push_back(ignored_link{*resolved, "PDF document, not read"});
      }
      return;
    }
    int rank = forced_rank > 0 ? forced_rank : link_rank(target->path, text);
    // Of the pages with no telling words, the site's own menu names the main ones.
    if (rank == other_page_rank && !in_navigation) rank = other_page_rank / 2;
    if (rank <= 0 || out.links.size() >= max_ranked_links) return;
    out.links.push_back(ranked_link{*resolved, text, rank});
  };
  if (!page.refresh_url.empty()) consider(page.refresh_url, {}, refresh_rank, true);
  for (const auto& link : page.links) consider(link.href, link.text, 0, link.in_navigation);
  std::stable_sort(out.links.begin(), out.links.end(),
                   [](const ranked_link& a, const ranked_link& b) { return a.rank > b.rank; });
}

}  // namespace salon::scraping
