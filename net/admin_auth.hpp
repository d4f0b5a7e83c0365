#pragma once

#include <optional>
#include <string_view>

#include "net/http_types.hpp"

namespace salon::net {

// The refusal for a request to an admin endpoint, or nullopt when it carries
// `Authorization: Bearer <api_key>`. With no key configured every request is refused with 503:
// an unconfigured server is never open.
std::optional<http_response> refuse_unless_admin(const http_request& request,
                                                 std::string_view api_key);

// Compares secrets in time independent of where they differ.
bool secrets_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace salon::net
