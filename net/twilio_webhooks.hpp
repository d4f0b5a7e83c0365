#pragma once

// What Twilio's voice webhooks carry and what we answer them, as plain functions: the route
// handlers (net/twilio_routes.cpp) only add the signature check and the actors.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "actors/call_types.hpp"
#include "db/records.hpp"
#include "net/form_data.hpp"
#include "net/http_types.hpp"

namespace salon::net {

// ---- URLs ----

// The origin Twilio calls us at: PUBLIC_BASE_URL when it is set (behind a proxy nothing else
// is right), else `http://` and the request's Host header, which is what a direct caller used.
std::string public_origin(std::string_view public_base_url, const http_request& request);

// `https://` becomes `wss://`, `http://` becomes `ws://`.
std::string websocket_origin(std::string_view http_origin);

// The URL Twilio requested and signed: origin, raw path and raw query.
std::string requested_url(std::string_view origin, const http_request& request);

// ---- what the webhooks carry ----

// Twilio's SIDs are two letters and 32 hex digits; the calls table takes 2 to 64 letters and
// digits, and so do we.
bool is_call_sid(std::string_view text) noexcept;

// POST /voice. An error names what is wrong (a missing or malformed CallSid).
std::variant<actors::incoming_call, std::string> read_incoming_call(const form_data& form);

// POST /voice/status. CallSid and a known CallStatus are required; SequenceNumber and
// CallDuration that are not whole numbers are left empty; a missing or unreadable Timestamp
// reads as `now`.
std::variant<db::call_status_update, std::string> read_status_callback(const form_data& form,
                                                                       db::time_point now);

// POST /voice/action.
std::variant<actors::relay_session_end, std::string> read_relay_session_end(const form_data& form);

// RFC 2822 dates as Twilio writes them ("Tue, 10 Jun 2025 18:42:07 +0000"); the day name and
// the seconds are optional, zones are numeric, `GMT`, `UT` or `Z`.
std::optional<db::time_point> parse_rfc2822(std::string_view text);

// ---- what we answer ----

// <Connect action="{origin}/voice/action"><ConversationRelay url="{ws origin}/relay" ...>: the
// shop's greeting (or a plain one with its name), its names as hints, the location as a
// parameter.
std::string relay_answer(const actors::call_answer& answer, std::string_view origin);

// The node is at MAX_CONCURRENT_CALLS: say so and put the caller through to the salon when it
// has a forwarding number.
std::string busy_answer(std::string_view business_name,
                        const std::optional<std::string>& forward_phone);

// No shop answers the number dialled.
std::string unknown_number_answer();

// We could not find out what to do (database down, timeout): apologise and hang up, never an
// HTTP error, which Twilio would play to the caller as "an application error has occurred".
std::string apology_answer();

// After the relay session: hand-off to the salon, goodbye, or hang up.
std::string after_relay_answer(const actors::after_relay& next);

}  // namespace salon::net
