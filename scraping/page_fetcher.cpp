#include "scraping/page_fetcher.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <mutex>

#include "scraping/site_url.hpp"
#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

// What one HTTP exchange (one hop) collects through curl's callbacks.
struct fetch_transfer {
  CURL* easy = nullptr;
  const fetch_limits* limits = nullptr;
  address_policy policy;
  std::string body;
  bool looked_at_type = false;
  bool keep_body = true;  // bodies of redirects and errors are counted, not kept
  bool truncated = false;
  bool discarded_too_much = false;
  std::string rejected_type;
  std::string refused_address;  // why the socket was refused
  std::size_t received = 0;
};

std::string media_type(std::string_view content_type) {
  const auto end = content_type.find(';');
  std::string type = lower_ascii(content_type.substr(0, end));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  return type;
}

bool accepted(const fetch_limits& limits, std::string_view content_type) {
  if (limits.accepted_types.empty() || content_type.empty()) return true;
  const std::string type = media_type(content_type);
  return std::find(limits.accepted_types.begin(), limits.accepted_types.end(), type) !=
         limits.accepted_types.end();
}

long response_code(CURL* easy) {
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

std::string content_type_of(CURL* easy) {
  char* type = nullptr;
  curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
  return type ? std::string(type) : std::string{};
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<fetch_transfer*>(user);
  const std::size_t length = size * count;
  if (!transfer.looked_at_type) {
    transfer.looked_at_type = true;
    const long code = response_code(transfer.easy);
    transfer.keep_body = code >= 200 && code < 300;
    if (transfer.keep_body) {
      const std::string type = content_type_of(transfer.easy);
      if (!accepted(*transfer.limits, type)) {
        transfer.rejected_type = type;
        return 0;  // abort: no need to download an image or a PDF
      }
    }
  }
  const std::size_t room = transfer.limits->max_bytes - transfer.received;
  if (!transfer.keep_body) {
    if (length > room) {
      transfer.discarded_too_much = true;
      return 0;
    }
    transfer.received += length;
    return length;
  }
  if (length > room) {
    transfer.body.append(data, room);
    transfer.received += room;
    transfer.truncated = true;
    return 0;  // abort the transfer at the byte cap
  }
  transfer.body.append(data, length);
  transfer.received += length;
  return length;
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text;
}

// Called for every connection curl opens, after name resolution and before connect: the address
// checked is the address used, so DNS rebinding cannot slip a private address past the check.
curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto& transfer = *static_cast<fetch_transfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN) {
    const address_kind kind = classify_address(&address->addr);
    if (!transfer.policy.allows(kind)) {
      transfer.refused_address = "refused to connect to " + std::string(describe(kind)) + " " +
                                 address_text(&address->addr);
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::once_flag curl_initialised;

struct slist_deleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

long milliseconds(std::chrono::milliseconds value) {
  return static_cast<long>(std::max<std::chrono::milliseconds::rep>(1, value.count()));
}

}  // namespace

struct page_fetcher::impl {
  address_policy policy;
  std::string user_agent;
  CURL* easy = nullptr;
  std::unique_ptr<curl_slist, slist_deleter> headers;

  ~impl() {
    if (easy) curl_easy_cleanup(easy);
  }
};

page_fetcher::page_fetcher(address_policy policy, std::string user_agent)
    : impl_(std::make_unique<impl>()) {
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->policy = policy;
  impl_->user_agent = std::move(user_agent);
  impl_->easy = curl_easy_init();
  impl_->headers.reset(curl_slist_append(
      nullptr, "Accept: text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,*/*;q=0.1"));
}

page_fetcher::~page_fetcher() = default;

fetch_result page_fetcher::fetch(std::string_view url, const fetch_limits& limits,
                                 const redirect_check& check_redirect) noexcept {
  fetch_result result;
  try {
    result.url = std::string(url);
    result.final_url = result.url;
    CURL* easy = impl_->easy;
    if (easy == nullptr) {
      result.error = "libcurl could not start";
      return result;
    }
    const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
    std::string current = result.url;
    for (;;) {
      const auto parts = parse_url(current);
      if (!parts) {
        result.status =
            result.redirects > 0 ? fetch_status::refused_redirect : fetch_status::failed;
        result.error = "not an http(s) URL: " + current;
        return result;
      }
      if (const auto kind = classify_address(parts->host); kind && !impl_->policy.allows(*kind)) {
        result.status = fetch_status::refused_address;
        result.error = "refused to connect to " + std::string(describe(*kind)) + " " + parts->host;
        return result;
      }
      const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (remaining.count() <= 0) {
        result.status = fetch_status::timed_out;
        result.error = "no answer within " + std::to_string(limits.timeout.count()) + " ms";
        return result;
      }

      fetch_transfer transfer;
      transfer.easy = easy;
      transfer.limits = &limits;
      transfer.policy = impl_->policy;
      char error_text[CURL_ERROR_SIZE] = {};
      curl_easy_reset(easy);
      curl_easy_setopt(easy, CURLOPT_URL, current.c_str());
      curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
      curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
      curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // every hop is checked here
      curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, milliseconds(remaining));
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                       milliseconds(std::min(limits.connect_timeout, remaining)));
      curl_easy_setopt(easy, CURLOPT_USERAGENT, impl_->user_agent.c_str());
      curl_easy_setopt(easy, CURLOPT_HTTPHEADER, impl_->headers.get());
      curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // the byte cap counts decoded bytes
      curl_easy_setopt(easy, CURLOPT_PROXY, "");            // no proxy from the environment
      curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
      curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &transfer);
      curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
      curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
      curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
      const CURLcode code = curl_easy_perform(easy);
      const long status = response_code(easy);
      result.http_status = status;
      result.final_url = current;
      result.bytes += transfer.received;

      const bool cut_at_cap = code == CURLE_WRITE_ERROR && transfer.truncated;
      if (code != CURLE_OK && !cut_at_cap &&
          !(code == CURLE_WRITE_ERROR && transfer.discarded_too_much)) {
        if (!transfer.rejected_type.empty()) {
          result.status = fetch_status::wrong_content_type;
          result.content_type = transfer.rejected_type;
          result.error = "content type " + media_type(transfer.rejected_type) + " is not wanted";
        } else if (!transfer.refused_address.empty()) {
          result.status = fetch_status::refused_address;
          result.error = transfer.refused_address;
        } else if (code == CURLE_OPERATION_TIMEDOUT) {
          result.status = fetch_status::timed_out;
          result.error = "no answer within " + std::to_string(limits.timeout.count()) + " ms";
        } else if (code == CURLE_COULDNT_RESOLVE_HOST) {
          result.status = fetch_status::unreachable;
          result.error = "host name not found: " + parts->host;
        } else if (code == CURLE_COULDNT_CONNECT) {
          result.status = fetch_status::unreachable;
          result.error = "could not connect to " + parts->host + ":" + std::to_string(parts->port);
        } else {
          result.status = fetch_status::failed;
          result.error = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
        }
        return result;
      }

      if (status >= 300 && status < 400) {
        char* location = nullptr;
        curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
        if (location == nullptr) {
          result.status = fetch_status::http_error;
          result.error = "HTTP " + std::to_string(status) + " without a Location";
          return result;
        }
        const std::string target(location);
        if (++result.redirects > limits.max_redirects) {
          result.status = fetch_status::too_many_redirects;
          result.error = "more than " + std::to_string(limits.max_redirects) + " redirects";
          return result;
        }
        const auto hop = parse_url(target);
        if (!hop) {
          result.status = fetch_status::refused_redirect;
          result.error = "redirect to a URL that is not http(s): " + target;
          result.final_url = target;
          return result;
        }
        if (const auto kind = classify_address(hop->host); kind && !impl_->policy.allows(*kind)) {
          result.status = fetch_status::refused_address;
          result.error = "redirect refused: " + std::string(describe(*kind)) + " " + hop->host;
          result.final_url = target;
          return result;
        }
        if (check_redirect) {
          if (auto reason = check_redirect(target)) {
            result.status = fetch_status::refused_redirect;
            result.error = *reason;
            result.final_url = target;
            return result;
          }
        }
        current = target;
        continue;
      }
      result.content_type = content_type_of(easy);
      if (status < 200 || status >= 300) {
        result.status = fetch_status::http_error;
        result.error = "HTTP " + std::to_string(status);
        return result;
      }
      if (!accepted(limits, result.content_type)) {
        result.status = fetch_status::wrong_content_type;
        result.error = "content type " + media_type(result.content_type) + " is not wanted";
        return result;
      }
      result.truncated = transfer.truncated;
      result.body = to_utf8(transfer.body, detect_charset(result.content_type, transfer.body));
      result.status = fetch_status::ok;
      return result;
    }
  } catch (const std::exception& error) {
    result.status = fetch_status::failed;
    result.error = error.what();
  } catch (...) {
    result.status = fetch_status::failed;
    result.error = "unexpected error";
  }
  return result;
}

std::string_view describe(fetch_status status) {
  switch (status) {
    case fetch_status::ok:
      return "ok";
    case fetch_status::http_error:
      return "HTTP error";
    case fetch_status::wrong_content_type:
      return "not HTML";
    case fetch_status::timed_out:
      return "timed out";
    case fetch_status::refused_address:
      return "refused address";
    case fetch_status::unreachable:
      return "unreachable";
    case fetch_status::too_many_redirects:
      return "too many redirects";
    case fetch_status::refused_redirect:
      return "refused redirect";
    case fetch_status::failed:
      return "failed";
  }
  return "failed";
}

}  // namespace salon::scraping
