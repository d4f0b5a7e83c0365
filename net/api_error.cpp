#include "net/api_error.hpp"

#include <nlohmann/json.hpp>

namespace salon::net {

unsigned http_status(api_error_kind kind) noexcept {
  switch (kind) {
    case api_error_kind::bad_request:
      return 400;
    case api_error_kind::unauthorized:
      return 401;
    case api_error_kind::forbidden:
      return 403;
    case api_error_kind::not_found:
      return 404;
    case api_error_kind::method_not_allowed:
      return 405;
    case api_error_kind::conflict:
      return 409;
    case api_error_kind::payload_too_large:
      return 413;
    case api_error_kind::upgrade_required:
      return 426;
    case api_error_kind::too_many_requests:
      return 429;
    case api_error_kind::header_fields_too_large:
      return 431;
    case api_error_kind::internal:
      return 500;
    case api_error_kind::database_unavailable:
    case api_error_kind::service_unavailable:
      return 503;
  }
  return 500;
}

std::string_view error_code(api_error_kind kind) noexcept {
  switch (kind) {
    case api_error_kind::bad_request:
      return "bad_request";
    case api_error_kind::unauthorized:
      return "unauthorized";
    case api_error_kind::forbidden:
      return "forbidden";
    case api_error_kind::not_found:
      return "not_found";
    case api_error_kind::method_not_allowed:
      return "method_not_allowed";
    case api_error_kind::conflict:
      return "conflict";
    case api_error_kind::payload_too_large:
      return "payload_too_large";
    case api_error_kind::upgrade_required:
      return "upgrade_required";
    case api_error_kind::too_many_requests:
      return "too_many_requests";
    case api_error_kind::header_fields_too_large:
      return "header_fields_too_large";
    case api_error_kind::internal:
      return "internal";
    case api_error_kind::database_unavailable:
      return "database_unavailable";
    case api_error_kind::service_unavailable:
      return "service_unavailable";
  }
  return "internal";
}

http_response error_response(api_error_kind kind, std::string_view message) {
  nlohmann::json body{{"error", {{"code", error_code(kind)}, {"message", message}}}};
  http_response response;
  response.status = http_status(kind);
  response.content_type = "application/json";
  // Messages may quote client input: invalid UTF-8 is replaced rather than thrown on.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (kind == api_error_kind::unauthorized)
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace salon::net
