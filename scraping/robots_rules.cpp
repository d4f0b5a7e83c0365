#include "scraping/robots_rules.hpp"

#include <algorithm>
#include <cctype>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr std::size_t max_rules = 5000;
constexpr std::size_t max_pattern_bytes = 2048;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

// Glob matching from the start of the path: "*" matches any run, a final "$" anchors the end.
bool pattern_matches(std::string_view pattern, std::string_view path) {
  bool anchored = false;
  if (!pattern.empty() && pattern.back() == '$') {
    anchored = true;
    pattern.remove_suffix(1);
  }
  std::size_t p = 0;
  std::size_t s = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_s = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p >= pattern.size() && !anchored) {
      return true;  // the pattern is a prefix of the path
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The product token of a user-agent line: "salon-phone/1.0" → "salon-phone".
std::string agent_token(std::string_view value) {
  const auto end = value.find_first_of("/ \t");
  return lower_ascii(value.substr(0, end));
}

}  // namespace

robots_rules robots_rules::disallow_all() {
  robots_rules rules;
  rules.rules_.push_back(rule{"/", false});
  return rules;
}

robots_rules robots_rules::parse(std::string_view text, std::string_view agent) {
  const std::string our_agent = lower_ascii(agent);
  struct group {
    std::vector<std::string> agents;
    std::vector<rule> rules;
  };
  std::vector<group> groups;
  bool in_agent_lines = false;
  std::size_t rule_count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    const auto comment = line.find('#');
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = lower_ascii(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agent_lines) groups.emplace_back();
      groups.back().agents.push_back(agent_token(value));
      in_agent_lines = true;
      continue;
    }
    if (key != "allow" && key != "disallow") continue;  // sitemap, crawl-delay, ...
    in_agent_lines = false;
    if (groups.empty() || value.empty() || value.size() > max_pattern_bytes) continue;
    if (++rule_count > max_rules) break;
    groups.back().rules.push_back(rule{std::string(value), key == "allow"});
  }
  const auto collect = [&](std::string_view wanted) {
    robots_rules rules;
    bool found = false;
    for (const auto& g : groups) {
      if (std::find(g.agents.begin(), g.agents.end(), wanted) == g.agents.end()) continue;
      found = true;
      rules.rules_.insert(rules.rules_.end(), g.rules.begin(), g.rules.end());
    }
    return std::pair{found, rules};
  };
  if (auto [found, rules] = collect(our_agent); found) return rules;
  return collect("*").second;
}

bool robots_rules::allows(std::string_view path) const {
  if (path.empty()) path = "/";
  if (path == "/robots.txt") return true;
  std::size_t best_length = 0;
  bool allowed = true;
  for (const auto& rule : rules_) {
    if (!pattern_matches(rule.pattern, path)) continue;
    const std::size_t length = rule.pattern.size();
    if (length > best_length || (length == best_length && rule.allow)) {
      best_length = length;
      allowed = rule.allow;
    }
  }
  return allowed;
}

}  // namespace salon::scraping
