#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/form_data.hpp"

namespace boost::asio {
class io_context;
}

namespace salon::net {

// Where the simulated Twilio sends its requests, and what it believes it is calling.
struct twilio_target {
  std::string host = "127.0.0.1";  // connect here: the server, or the proxy in front of it
  std::uint16_t port = 8080;
  // The server's PUBLIC_BASE_URL: URLs are signed with it and Host headers name it, as Twilio
  // does behind a proxy. Empty: http://host:port.
  std::string public_base_url;
  std::string auth_token;  // empty: requests go unsigned
  std::string account_sid = "AC00000000000000000000000000000000";
  std::chrono::milliseconds request_timeout{15'000};  // Twilio waits 15 s for a webhook
  std::chrono::milliseconds reply_timeout{10'000};    // prompt sent -> `last: true`
  std::chrono::milliseconds dtmf_reply_wait{1'000};   // a key press need not be answered
};

// One thing the caller does on the line.
struct caller_action {
  enum class kind { say, press };
  kind what = kind::say;
  std::string text;  // the words, or the DTMF digits

  static caller_action say(std::string words) { return {kind::say, std::move(words)}; }
  static caller_action press(std::string digits) { return {kind::press, std::move(digits)}; }
};

// What happened on the line, as it happens, for printing.
enum class call_event_kind {
  answered,           // the webhook's answer: the greeting, or what a busy answer said
  relay_open,         // the relay WebSocket is up and `setup` went out
  caller_said,        // a prompt went out
  caller_pressed,     // DTMF went out
  receptionist_said,  // a whole turn of the reply (its tokens joined)
  session_ended,      // the server sent `end`; text = handoffData
  after_relay,        // what the <Connect action> answer does, e.g. "say: ...; dial +1..."
  hung_up,            // the call is over; text = how it ended
};

struct call_event {
  call_event_kind kind;
  std::string text;
};

// A call to place.
struct call_plan {
  std::string from = "+15555550100";
  std::string to;
  std::optional<std::string> call_sid;      // a random CA... when empty
  std::vector<caller_action> actions;       // in order, then the caller hangs up
  std::chrono::milliseconds think_time{0};  // before each action
  // After the last action's reply the caller stays this long before hanging up, so that an
  // `end` following the reply (a hand-off, a goodbye) still arrives, as it would while Twilio
  // speaks the reply.
  std::chrono::milliseconds hang_up_delay{300};
  // Interactive callers: asked for the next action each time the line is free (instead of
  // `actions`); answer with nullopt to hang up. The answer may come from any thread.
  std::function<void(std::function<void(std::optional<caller_action>)> answer)> next_action;
  // Progress, as it happens (on the I/O thread running the call).
  std::function<void(const call_event&)> observe;
  int status_sequence_number = 0;  // SequenceNumber of the final status callback
};

struct call_turn {
  caller_action action;
  std::string reply;                         // the tokens as sent, joined without trimming
  bool answered = false;                     // `last: true` came
  std::chrono::microseconds first_token{0};  // from sending the action
  std::chrono::microseconds last_token{0};
  std::chrono::steady_clock::time_point sent_at{};  // when the action went out
};

// Everything a call did, for assertions, printing and load statistics.
struct call_report {
  std::string call_sid;
  // POST /voice
  unsigned voice_status = 0;
  std::string voice_twiml;
  std::chrono::microseconds voice_latency{0};
  std::string greeting;  // welcomeGreeting, or what a <Say> answer said
  std::string relay_url;
  std::string action_url;
  std::map<std::string, std::string> relay_parameters;
  // WS /relay
  bool relay_connected = false;
  unsigned relay_refusal_status = 0;  // the HTTP status of a declined upgrade
  std::vector<call_turn> turns;
  bool ended_by_server = false;  // `end` came
  std::string handoff_data;
  std::uint16_t relay_close_code = 0;
  int unreadable_frames = 0;  // frames from the server Twilio would reject
  // POST /voice/action
  std::string session_status;  // what Twilio told it: ended, completed or failed
  unsigned action_status = 0;
  std::string action_twiml;
  std::optional<std::string> dialled;  // <Dial> of the action answer, or of a busy answer
  // POST /voice/status
  unsigned status_callback_status = 0;
  std::chrono::milliseconds duration{0};
  // What went wrong, in order; empty for a clean call.
  std::vector<std::string> problems;

  bool ok() const noexcept { return problems.empty(); }
};

// The answer to one webhook request.
struct webhook_answer {
  unsigned status = 0;  // 0: no HTTP answer (see error)
  std::string body;
  std::string error;
  std::chrono::microseconds latency{0};
};

// A simulated Twilio: for each call, the signed /voice webhook, the TwiML read back, the relay
// WebSocket (signed upgrade, `setup`, prompts and DTMF, text tokens until `last: true`, `end`),
// the <Connect action> callback and the final status callback. Everything runs on the given
// io_context (no threads of its own), so thousands of calls can share one.
class twilio_caller {
 public:
  // Resolves target.host now (a name or an address).
  twilio_caller(boost::asio::io_context& io, twilio_target target);
  ~twilio_caller();
  twilio_caller(const twilio_caller&) = delete;
  twilio_caller& operator=(const twilio_caller&) = delete;

  const twilio_target& target() const noexcept;
  // The origin URLs are signed with: public_base_url, or http://host:port.
  const std::string& origin() const noexcept;

  // Places one call; `done` runs on the io_context once it is over, whatever happened.
  void place_call(call_plan plan, std::function<void(call_report)> done);

  // One signed form POST to `path` (with query) under origin(), as Twilio sends webhooks.
  void post_form(std::string path, form_data form, std::function<void(webhook_answer)> done);

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// Places one call on an io_context of its own and returns when it is over.
call_report run_call(twilio_target target, call_plan plan);

// A Twilio-style SID: the prefix and 32 random hex digits ("CA3f...").
std::string random_sid(std::string_view prefix);

// RFC 2822, as Twilio writes Timestamp: "Tue, 10 Jun 2025 18:42:07 +0000".
std::string rfc2822_time(std::chrono::system_clock::time_point when);

}  // namespace salon::net
