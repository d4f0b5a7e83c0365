#include "net/admin_replies.hpp"

#include <nlohmann/json.hpp>

namespace salon::net {

http_response json_response(unsigned status, std::string body) {
  return {status, "application/json", std::move(body), {}};
}

http_response failure_response(actors::failure reason, std::string_view what) {
  using actors::failure;
  switch (reason) {
    case failure::shop_not_found:
      return error_response(api_error_kind::not_found, std::string(what) + " not found");
    case failure::database_unavailable:
      return error_response(api_error_kind::database_unavailable, "database unavailable");
    case failure::overloaded:
      return error_response(api_error_kind::service_unavailable, "server busy, try again");
    case failure::timeout:
      return error_response(api_error_kind::service_unavailable, "timed out, try again");
    case failure::shutting_down:
      return error_response(api_error_kind::service_unavailable, "server shutting down");
    case failure::database_error:
    case failure::internal:
      break;
  }
  return error_response(api_error_kind::internal, "internal error");
}

http_response field_error(api_error_kind kind, std::string_view field, std::string_view message) {
  auto response = error_response(kind, message);
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error")) {
    body["error"]["field"] = field;
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return response;
}

}  // namespace salon::net
