#pragma once

#include <chrono>

#include "config/settings.hpp"

namespace salon::actors {
class runtime;
}

namespace salon::net {

class router;

// What the Twilio handlers reach; everything outlives the server.
struct twilio_context {
  const config::settings& settings;
  actors::runtime& runtime;
  // A relay WebSocket that sends no `setup` this long after its handshake is closed.
  std::chrono::milliseconds relay_setup_timeout{10'000};
  // Twilio waits 15 s for /voice and /voice/action, then plays an error to the caller; past
  // this, the caller hears an apology instead of waiting on the actors.
  std::chrono::milliseconds answer_timeout{10'000};
};

// POST /voice, POST /voice/status, POST /voice/action and WS /relay. Every request is checked
// against X-Twilio-Signature over PUBLIC_BASE_URL (when TWILIO_AUTH_TOKEN is set); Twilio never
// gets a 5xx from /voice or /voice/action, since it would play an error to the caller.
void add_twilio_routes(router& routes, twilio_context context);

}  // namespace salon::net
