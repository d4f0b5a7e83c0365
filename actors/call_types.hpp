#pragma once

// What the transport (net/) and the call actors exchange about live calls. Plain types: no CAF.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/records.hpp"

namespace salon::actors {

// POST /voice, as the actors need it.
struct incoming_call {
  std::string call_sid;
  std::string from;  // may be "anonymous" or empty
  std::string to;
  std::string call_status;  // Twilio's, e.g. "ringing"
};

// Everything the webhook needs to answer with <Connect><ConversationRelay>.
struct call_answer {
  int location_id = 0;
  std::string shop_id;
  std::string business_name;
  std::string greeting;                      // the welcomeGreeting
  std::vector<std::string> hints;            // service and stylist names
  std::optional<std::string> forward_phone;  // the salon's own phone, for hand-offs
};

// The relay's `setup` frame.
struct relay_setup {
  std::string call_sid;
  std::string session_id;
  std::string from;
  std::string to;
  std::map<std::string, std::string> custom_parameters;  // locationId, ...
};

// The caller's side of a live call, implemented by the relay WebSocket session. Thread-safe:
// call actors use it from actor threads. After the socket is gone every call does nothing.
class call_line {
 public:
  virtual ~call_line() = default;
  // One piece of the reply; `last` closes the turn.
  virtual void say(std::string token, bool last) = 0;
  // Ends the relay session (`end` frame) with handoffData; Twilio then calls /voice/action.
  virtual void end_session(std::string handoff_data_json) = 0;
};

// What the relay session feeds into its call. Thread-safe, never blocks (messages to the call
// actor). Destroying the last handle without hang_up() hangs up with reason "dropped".
class live_call {
 public:
  virtual ~live_call() = default;
  virtual void prompt(std::string text, bool last) = 0;
  virtual void dtmf(std::string digit) = 0;
  // The caller spoke over the reply; `heard` is the part of it they heard.
  virtual void interrupt(std::string heard) = 0;
  virtual void relay_error(std::string description) = 0;
  // The socket closed: settle the call.
  virtual void hang_up(std::string reason) = 0;
};

// POST /voice/action after the relay session.
struct relay_session_end {
  std::string call_sid;
  std::string session_status;  // ended, completed, failed
  std::string handoff_data;    // the string our `end` carried, verbatim
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  std::string to;  // the number the caller dialled: finds the salon to dial on a failure
};

// What to tell Twilio after the relay session.
struct after_relay {
  bool transfer = false;
  std::optional<std::string> forward_phone;  // dial this when transfer
  std::string message;                       // said before dialling or hanging up
};

}  // namespace salon::actors
