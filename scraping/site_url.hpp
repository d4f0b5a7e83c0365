#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace salon::scraping {

struct url_parts {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // lower case; IPv6 literals keep their brackets
  int port = 0;        // the scheme's default when the URL names none
  std::string path;    // "/" at least
  std::string query;   // without "?"
};

// Parses an absolute http(s) URL; empty for anything else.
std::optional<url_parts> parse_url(std::string_view url);

// Resolves a link against the page it is on. Only http(s) results; the fragment is dropped.
std::optional<std::string> resolve_url(std::string_view base, std::string_view reference);

// The scheme of a reference ("mailto", "tel", "javascript", "http"), lower case; empty when it
// is relative.
std::string url_scheme(std::string_view reference);

// Same salon website: same host (a leading "www." ignored) and same port (http and https on
// their default ports count as the same site).
bool same_site(const url_parts& a, const url_parts& b);

// What tells pages apart: host without "www.", a non-default port, path and query; the scheme
// and fragment do not count.
std::string page_key(const url_parts& url);

}  // namespace salon::scraping
