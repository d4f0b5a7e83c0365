#include "net/twilio_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <vector>

namespace salon::net {
namespace {

bool equal_in_constant_time(std::string_view expected, std::string_view given) noexcept {
  // Only the length leaks, and every signature (and every SHA-256 hex) has the same length.
  return expected.size() == given.size() &&
         CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

std::string_view default_port(std::string_view scheme) noexcept {
  if (iequals(scheme, "https") || iequals(scheme, "wss")) return "443";
  if (iequals(scheme, "http") || iequals(scheme, "ws")) return "80";
  return {};
}

// The URL with its default port removed when it is written out, or added when it is absent;
// empty when neither applies (unknown scheme, another port, no authority).
std::string default_port_variant(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string_view port_for_scheme = default_port(url.substr(0, scheme_end));
  if (port_for_scheme.empty()) return {};
  const std::size_t authority_begin = scheme_end + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority_begin);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  const std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
  const std::size_t at = authority.rfind('@');
  const std::size_t host_begin = at == std::string_view::npos ? 0 : at + 1;
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  const bool has_port = colon != std::string_view::npos && colon >= host_begin &&
                        (bracket == std::string_view::npos || colon > bracket);
  if (authority.size() == host_begin) return {};
  std::string variant{url};
  if (!has_port) {
    variant.insert(authority_end, ":" + std::string{port_for_scheme});
    return variant;
  }
  if (authority.substr(colon + 1) != port_for_scheme) return {};
  variant.erase(authority_begin + colon, authority.size() - colon);
  return variant;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string encoded(4 * ((size + 2) / 3), '\0');
  // EVP_EncodeBlock writes a terminating NUL after the output: give it room, then drop it.
  encoded.push_back('\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), data,
                                      static_cast<int>(size));
  encoded.resize(static_cast<std::size_t>(written));
  return encoded;
}

signature_check check_url_signature(std::string_view auth_token, std::string_view url,
                                    std::span<const form_field> params,
                                    std::string_view signature) {
  if (auth_token.empty()) return signature_check::no_auth_token;
  if (signature.empty()) return signature_check::missing_signature;
  if (equal_in_constant_time(sign(auth_token, url, params), signature)) {
    return signature_check::valid;
  }
  const std::string variant = default_port_variant(url);
  if (!variant.empty() && equal_in_constant_time(sign(auth_token, variant, params), signature)) {
    return signature_check::valid;
  }
  return signature_check::mismatch;
}

}  // namespace

std::string_view to_string(signature_check check) noexcept {
  switch (check) {
    case signature_check::valid:
      return "valid";
    case signature_check::no_auth_token:
      return "no auth token configured";
    case signature_check::missing_signature:
      return "missing X-Twilio-Signature";
    case signature_check::mismatch:
      return "signature mismatch";
    case signature_check::body_hash_missing:
      return "bodySHA256 missing";
    case signature_check::body_hash_mismatch:
      return "body does not match bodySHA256";
  }
  return "unknown";
}

std::string signature_payload(std::string_view url, std::span<const form_field> params) {
  std::vector<const form_field*> sorted;
  sorted.reserve(params.size());
  std::size_t size = url.size();
  for (const auto& field : params) {
    sorted.push_back(&field);
    size += field.name.size() + field.value.size();
  }
  const auto by_name_then_value = [](const form_field* a, const form_field* b) {
    return a->name != b->name ? a->name < b->name : a->value < b->value;
  };
  std::sort(sorted.begin(), sorted.end(), by_name_then_value);
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [](const form_field* a, const form_field* b) { return *a == *b; }),
               sorted.end());
  std::string payload;
  payload.reserve(size);
  payload += url;
  for (const form_field* field : sorted) {
    payload += field->name;
    payload += field->value;
  }
  return payload;
}

std::string sign(std::string_view auth_token, std::string_view url,
                 std::span<const form_field> params) {
  const std::string payload = signature_payload(url, params);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest.data(),
       &digest_size);
  return base64(digest.data(), digest_size);
}

signature_check check_form_request(std::string_view auth_token, std::string_view url,
                                   std::span<const form_field> params, std::string_view signature) {
  return check_url_signature(auth_token, url, params, signature);
}

signature_check check_json_request(std::string_view auth_token, std::string_view url,
                                   std::string_view raw_body, std::string_view signature) {
  const signature_check url_check = check_url_signature(auth_token, url, {}, signature);
  if (url_check != signature_check::valid) return url_check;
  const std::size_t query_begin = url.find('?');
  if (query_begin == std::string_view::npos) return signature_check::body_hash_missing;
  std::string_view query = url.substr(query_begin + 1);
  query = query.substr(0, query.find('#'));
  const auto parsed = form_data::parse(query);
  const auto* query_fields = std::get_if<form_data>(&parsed);
  if (query_fields == nullptr) return signature_check::body_hash_missing;
  const auto claimed = query_fields->first("bodySHA256");
  if (!claimed) return signature_check::body_hash_missing;
  std::string claimed_lower{*claimed};
  std::transform(claimed_lower.begin(), claimed_lower.end(), claimed_lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return equal_in_constant_time(sha256_hex(raw_body), claimed_lower)
             ? signature_check::valid
             : signature_check::body_hash_mismatch;
}

signature_check check_websocket_upgrade(std::string_view auth_token, std::string_view url,
                                        std::string_view signature) {
  return check_url_signature(auth_token, url, {}, signature);
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest.size());
  for (const unsigned char byte : digest) {
    hex.push_back(digits[byte >> 4]);
    hex.push_back(digits[byte & 0x0F]);
  }
  return hex;
}

std::string url_with_body_hash(std::string_view url, std::string_view body) {
  const std::size_t fragment = url.find('#');
  const std::string_view before_fragment = url.substr(0, fragment);
  std::string result{before_fragment};
  if (before_fragment.find('?') == std::string_view::npos) {
    result.push_back('?');
  } else if (result.back() != '?' && result.back() != '&') {
    result.push_back('&');
  }
  result += "bodySHA256=" + sha256_hex(body);
  if (fragment != std::string_view::npos) result += url.substr(fragment);
  return result;
}

}  // namespace salon::net
