#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/call_types.hpp"
#include "net/websocket_handler.hpp"
#include "net/websocket_sender.hpp"

namespace salon::net {

struct relay_session_options {
  // No `setup` this long after the handshake: the socket is closed (1008).
  std::chrono::milliseconds setup_timeout{10'000};
  // Twilio's own rule for what it receives: this many malformed frames in a row closes (1007).
  int max_bad_frames_in_a_row = 10;
};

// Starts the call at `setup` (runtime::start_call in the server); may return null when it
// cannot, and the socket is then closed.
using call_starter = std::function<std::shared_ptr<actors::live_call>(
    actors::relay_setup setup, std::shared_ptr<actors::call_line> line)>;

// Runs `action` once, `delay` from now, on any thread.
using delayed_action =
    std::function<void(std::chrono::milliseconds delay, std::function<void()> action)>;

// One ConversationRelay WebSocket (WS /relay): Twilio's frames go to the call's `live_call`,
// the call's replies come back through `call_line` as `text` and `end` frames.
//
// Bad input never ends the call by itself: malformed frames, frames before `setup` and a second
// `setup` are logged and ignored; only `max_bad_frames_in_a_row` of them in a row close the
// socket. Frames of unknown types are logged and ignored without counting (Twilio adds types).
class relay_session final : public websocket_handler,
                            public actors::call_line,
                            public std::enable_shared_from_this<relay_session> {
 public:
  relay_session(call_starter start, delayed_action after, relay_session_options options = {});

  // websocket_handler: on the session's strand.
  void on_open(websocket_sender sender) override;
  void on_text(std::string message) override;
  void on_close(const websocket_close& close) override;

  // call_line: thread-safe, from the call's actor.
  void say(std::string token, bool last) override;
  void end_session(std::string handoff_data_json) override;

 private:
  enum class phase { awaiting_setup, live, timed_out };

  void on_setup_deadline();
  void count_bad_frame(std::string_view why, std::string_view message);
  void close(std::uint16_t code, std::string reason);

  const call_starter start_;
  const delayed_action after_;
  const relay_session_options options_;
  websocket_sender sender_;  // set in on_open, before the call exists; read-only afterwards
  std::atomic<phase> phase_{phase::awaiting_setup};

  // Touched on the session's strand only.
  std::shared_ptr<actors::live_call> call_;
  std::string call_sid_;
  std::string closed_because_;  // our own reason when we closed the socket
  int bad_in_a_row_ = 0;
};

}  // namespace salon::net
