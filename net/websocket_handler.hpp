#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "net/http_types.hpp"
#include "net/websocket_sender.hpp"

namespace salon::net {

// Why a WebSocket session ended.
enum class websocket_close_cause {
  peer_closed,       // the client sent a close frame
  handler_closed,    // the handler asked to close through its sender
  send_queue_full,   // the client read too slowly; closed with 1008
  message_too_big,   // a message over the size limit; closed with 1009
  unsupported_data,  // a binary message; closed with 1003
  handler_failed,    // the handler threw; closed with 1011
  timeout,           // no traffic (not even pongs) within the idle timeout
  server_stopping,   // graceful shutdown; closed with 1001
  connection_lost,   // the TCP connection failed without a close handshake
};

std::string_view to_string(websocket_close_cause cause) noexcept;

struct websocket_close {
  websocket_close_cause cause = websocket_close_cause::connection_lost;
  std::uint16_t code = 1006;  // sent or received; 1006 when there was no close frame
  std::string reason;
};

// One per accepted session. Every callback runs on the session's strand (never two at once for
// one session) on an I/O thread, so none may block. on_close comes exactly once, after on_open.
class websocket_handler {
 public:
  virtual ~websocket_handler() = default;
  virtual void on_open(websocket_sender sender) = 0;
  virtual void on_text(std::string message) = 0;
  virtual void on_close(const websocket_close& close) = 0;
  // Whether messages that queue up behind a write may go out together as one message, one per
  // line (newline-delimited JSON): for feeds of single-line JSON whose clients split on '\n'.
  // Under load that is one write and one frame for many messages instead of one each.
  virtual bool joins_queued_lines() const { return false; }
  // Whether the session runs on the server's feed thread instead of the I/O threads: for feeds
  // that write much to many readers at once (WS /ops), whose bursts must not hold up the calls'
  // replies. The feed thread runs under the normal scheduler even when the server's threads are
  // real-time (REALTIME_PRIORITY).
  virtual bool runs_on_feed_thread() const { return false; }
};

// An upgrade handler decides before the handshake: an http_response rejects the upgrade (401,
// 403, ...); a handler accepts it (a null handler counts as a failure and answers 500).
using websocket_upgrade = std::variant<http_response, std::shared_ptr<websocket_handler>>;
using websocket_upgrade_handler = std::function<websocket_upgrade(const http_request&)>;

}  // namespace salon::net
