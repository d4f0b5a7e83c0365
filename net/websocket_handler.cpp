#include "net/websocket_handler.hpp"

namespace salon::net {

std::string_view to_string(websocket_close_cause cause) noexcept {
  switch (cause) {
    case websocket_close_cause::peer_closed:
      return "peer_closed";
    case websocket_close_cause::handler_closed:
      return "handler_closed";
    case websocket_close_cause::send_queue_full:
      return "send_queue_full";
    case websocket_close_cause::message_too_big:
      return "message_too_big";
    case websocket_close_cause::unsupported_data:
      return "unsupported_data";
    case websocket_close_cause::handler_failed:
      return "handler_failed";
    case websocket_close_cause::timeout:
      return "timeout";
    case websocket_close_cause::server_stopping:
      return "server_stopping";
    case websocket_close_cause::connection_lost:
      return "connection_lost";
  }
  return "unknown";
}

}  // namespace salon::net
