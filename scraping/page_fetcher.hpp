#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scraping/address_policy.hpp"

namespace salon::scraping {

struct fetch_limits {
  // For the whole fetch, redirects included.
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  // The body is cut here: the transfer stops and what arrived is kept.
  std::size_t max_bytes = 2 * 1024 * 1024;
  int max_redirects = 5;
  // Media types accepted for a successful answer ("text/html"); empty accepts any.
  std::vector<std::string> accepted_types;
};

enum class fetch_status {
  ok,
  http_error,          // 4xx or 5xx
  wrong_content_type,  // not one of the accepted types
  timed_out,
  refused_address,  // private, loopback, link-local, ... (see address_policy)
  unreachable,      // name not found, connection refused
  too_many_redirects,
  refused_redirect,  // not http(s), or the caller's redirect check said no
  failed,            // TLS, protocol and other transfer errors
};

struct fetch_result {
  fetch_status status = fetch_status::failed;
  std::string url;
  std::string final_url;  // after redirects
  long http_status = 0;
  std::string content_type;
  std::string body;       // UTF-8
  std::size_t bytes = 0;  // as received, before charset conversion
  bool truncated = false;
  int redirects = 0;
  std::string error;  // why, when status is not ok
};

// GETs pages over HTTP(S) with libcurl, one at a time. Every connection goes through the address
// policy: curl resolves the name, and the socket is refused before connecting when the address
// it is about to use is not allowed; redirects are followed here, hop by hop, with the same
// checks. Only http and https, on every hop. Never throws.
class page_fetcher {
 public:
  // Returns a reason to refuse a redirect target, or nothing to follow it.
  using redirect_check = std::function<std::optional<std::string>(const std::string& url)>;

  page_fetcher(address_policy policy, std::string user_agent);
  ~page_fetcher();
  page_fetcher(const page_fetcher&) = delete;
  page_fetcher& operator=(const page_fetcher&) = delete;

  fetch_result fetch(std::string_view url, const fetch_limits& limits,
                     const redirect_check& check_redirect = {}) noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

std::string_view describe(fetch_status status);

}  // namespace salon::scraping
