#pragma once

#include <string_view>

#include "net/http_types.hpp"

namespace salon::net {

// Everything the API can refuse with; the only place where a refusal becomes a status.
enum class api_error_kind {
  bad_request,
  unauthorized,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  upgrade_required,
  header_fields_too_large,
  too_many_requests,
  internal,
  database_unavailable,
  service_unavailable,
};

unsigned http_status(api_error_kind kind) noexcept;
// The stable machine-readable code, e.g. "payload_too_large".
std::string_view error_code(api_error_kind kind) noexcept;

// {"error": {"code": "...", "message": "..."}} with the kind's status (and WWW-Authenticate for
// 401).
http_response error_response(api_error_kind kind, std::string_view message);

}  // namespace salon::net
