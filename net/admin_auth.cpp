#include "net/admin_auth.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "net/api_error.hpp"

namespace salon::net {

bool secrets_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<http_response> refuse_unless_admin(const http_request& request,
                                                 std::string_view api_key) {
  if (api_key.empty()) {
    return error_response(api_error_kind::service_unavailable,
                          "admin API disabled: set ADMIN_API_KEY on the server");
  }
  auto header = request.header("authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (!header || header->size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), header->begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      })) {
    spdlog::info("{} {} refused: no bearer token", request.method, request.path);
    return error_response(api_error_kind::unauthorized, "missing bearer token");
  }
  if (!secrets_equal(header->substr(scheme.size()), api_key)) {
    spdlog::warn("{} {} refused: wrong bearer token from {}", request.method, request.path,
                 request.remote_address);
    return error_response(api_error_kind::unauthorized, "wrong bearer token");
  }
  return std::nullopt;
}

}  // namespace salon::net
