#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace salon::net {

enum class send_result {
  queued,      // accepted into the session's outgoing queue
  closed,      // the session is closing or gone; the message was dropped
  queue_full,  // over the session's cap: dropped, and the session is being closed (1008)
};

// What a sender talks to: a live WebSocket session, or a stand-in in tests of handlers.
class websocket_channel {
 public:
  virtual ~websocket_channel() = default;
  virtual send_result send_text(std::shared_ptr<const std::string> payload) = 0;
  // A message that discard_unsent() may still drop while it waits for the socket (a token of a
  // reply the listener can interrupt). Plain channels send it like any other.
  virtual send_result send_droppable(std::shared_ptr<const std::string> payload) {
    return send_text(std::move(payload));
  }
  // Drops the droppable messages sent before this call that are not written to the socket yet;
  // what is sent after it goes out as usual.
  virtual void discard_unsent() {}
  // Sends what is already queued, then the close frame.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

// A thread-safe handle to a session that never keeps it alive: safe to hold in actors and to use
// after the session has ended (every call then does nothing and reports `closed`).
class websocket_sender {
 public:
  websocket_sender() = default;
  explicit websocket_sender(std::weak_ptr<websocket_channel> channel);

  // One immutable payload may be shared by many sessions (a broadcast serializes once).
  send_result send_text(std::shared_ptr<const std::string> payload) const;
  send_result send_text(std::string payload) const;
  send_result send_droppable(std::shared_ptr<const std::string> payload) const;
  send_result send_droppable(std::string payload) const;
  void discard_unsent() const;
  void close(std::uint16_t code, std::string reason) const;
  bool expired() const noexcept;

 private:
  std::weak_ptr<websocket_channel> channel_;
};

}  // namespace salon::net
