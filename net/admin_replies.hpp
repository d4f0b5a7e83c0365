#pragma once

// The answers the admin and shop-setup routes give; every refusal goes through error_response
// (net/api_error.hpp).

#include <string>
#include <string_view>

#include "actors/failure.hpp"
#include "net/api_error.hpp"
#include "net/http_types.hpp"

namespace salon::net {

http_response json_response(unsigned status, std::string body);

// An actor failure as an HTTP answer: shop_not_found is 404 ("<what> not found"), an unreachable
// database 503 database_unavailable, busy / timed out / stopping 503 service_unavailable, the
// rest 500.
http_response failure_response(actors::failure reason, std::string_view what);

// A refusal naming the request field at fault: {"error": {"code", "message", "field"}}.
http_response field_error(api_error_kind kind, std::string_view field, std::string_view message);

}  // namespace salon::net
