#include "scraping/site_url.hpp"

#include <curl/curl.h>

#include <cctype>
#include <memory>

#include "scraping/text_cleaning.hpp"

namespace salon::scraping {
namespace {

constexpr std::size_t max_url_bytes = 4096;

struct url_handle_deleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using url_handle = std::unique_ptr<CURLU, url_handle_deleter>;

std::string get_part(CURLU* handle, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(handle, part, &value, flags) != CURLUE_OK || value == nullptr) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

// Links in the wild hold spaces and other bytes curl refuses; encode them.
std::string encode_unsafe(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
        c == '`' || c == '{' || c == '|' || c == '}') {
      out.push_back('%');
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0x0F]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view strip_www(std::string_view host) {
  if (host.substr(0, 4) == "www.") host.remove_prefix(4);
  return host;
}

// http://site and https://site are one website.
bool is_default_port(const url_parts& url) {
  return (url.scheme == "http" && url.port == 80) || (url.scheme == "https" && url.port == 443);
}

}  // namespace

std::string url_scheme(std::string_view reference) {
  std::size_t at = 0;
  while (at < reference.size() && reference[at] == ' ') ++at;
  const std::size_t start = at;
  while (at < reference.size() &&
         (std::isalnum(static_cast<unsigned char>(reference[at])) != 0 || reference[at] == '+' ||
          reference[at] == '-' || reference[at] == '.')) {
    ++at;
  }
  if (at == start || at >= reference.size() || reference[at] != ':') return {};
  if (std::isalpha(static_cast<unsigned char>(reference[start])) == 0) return {};
  return lower_ascii(reference.substr(start, at - start));
}

std::optional<url_parts> parse_url(std::string_view url) {
  if (url.empty() || url.size() > max_url_bytes) return std::nullopt;
  const std::string scheme = url_scheme(url);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const url_handle handle(curl_url());
  if (!handle) return std::nullopt;
  const std::string encoded = encode_unsafe(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, encoded.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  url_parts parts;
  parts.scheme = lower_ascii(get_part(handle.get(), CURLUPART_SCHEME));
  parts.host = lower_ascii(get_part(handle.get(), CURLUPART_HOST));
  const std::string port = get_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  parts.path = get_part(handle.get(), CURLUPART_PATH);
  parts.query = get_part(handle.get(), CURLUPART_QUERY);
  if (parts.host.empty() || (parts.scheme != "http" && parts.scheme != "https")) {
    return std::nullopt;
  }
  if (parts.path.empty()) parts.path = "/";
  try {
    parts.port = std::stoi(port);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return parts;
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view reference) {
  if (reference.size() > max_url_bytes || base.size() > max_url_bytes) return std::nullopt;
  const std::string scheme = url_scheme(reference);
  if (!scheme.empty() && scheme != "http" && scheme != "https") return std::nullopt;
  const url_handle handle(curl_url());
  if (!handle) return std::nullopt;
  const std::string encoded_base = encode_unsafe(base);
  if (curl_url_set(handle.get(), CURLUPART_URL, encoded_base.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  const std::string encoded = encode_unsafe(reference);
  if (curl_url_set(handle.get(), CURLUPART_URL, encoded.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  curl_url_set(handle.get(), CURLUPART_FRAGMENT, nullptr, 0);
  std::string resolved = get_part(handle.get(), CURLUPART_URL);
  if (!parse_url(resolved)) return std::nullopt;
  return resolved;
}

bool same_site(const url_parts& a, const url_parts& b) {
  return strip_www(a.host) == strip_www(b.host) &&
         (a.port == b.port || (is_default_port(a) && is_default_port(b)));
}

std::string page_key(const url_parts& url) {
  std::string key(strip_www(url.host));
  if (!is_default_port(url)) key += ":" + std::to_string(url.port);
  key += url.path;
  if (!url.query.empty()) key += "?" + url.query;
  return key;
}

}  // namespace salon::scraping
