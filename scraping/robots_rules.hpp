#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace salon::scraping {

// A site's robots.txt as it applies to us (RFC 9309): the groups naming our agent, or else the
// "*" groups; the longest matching Allow/Disallow pattern decides, Allow winning a tie; "*" and
// "$" work as wildcards.
class robots_rules {
 public:
  static robots_rules parse(std::string_view text, std::string_view agent);
  static robots_rules allow_all() { return robots_rules{}; }
  static robots_rules disallow_all();

  // `path` is the URL's path and query ("/team.html", "/search?q=x").
  bool allows(std::string_view path) const;

 private:
  struct rule {
    std::string pattern;
    bool allow = false;
  };

  std::vector<rule> rules_;
};

}  // namespace salon::scraping
