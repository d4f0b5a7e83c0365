#pragma once

// What call and shop actors tell the broadcaster. Plain values; the broadcaster serializes.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "db/records.hpp"

namespace salon::actors {

struct call_started_event {
  std::string call_sid;
  std::string caller;  // as Twilio gave it; the broadcaster masks it
  db::time_point started_at{};
};

struct call_turn_event {
  std::string call_sid;
  int turns = 0;
  std::string intent;  // the primary intent so far
  double sentiment = 0.0;
  std::string sentiment_label;
  std::string caller_said;  // sent only to subscribers that asked for transcripts
  std::string receptionist_said;
};

struct call_ended_event {
  std::string call_sid;
  std::string outcome;
  double duration_seconds = 0.0;
  std::string intent;
  double sentiment = 0.0;
  std::string sentiment_label;
  int turns = 0;
};

struct appointment_created_event {
  std::string appointment_id;
  std::string service;
  std::string resource;
  db::time_point starts_at{};
  db::time_point ends_at{};
  std::string customer_name;
  std::int64_t revenue_cents = 0;
  std::string source;  // phone, admin, ...
  std::optional<std::string> call_sid;
};

struct appointment_cancelled_event {
  std::string appointment_id;
};

struct shop_updated_event {};

using ops_payload =
    std::variant<call_started_event, call_turn_event, call_ended_event, appointment_created_event,
                 appointment_cancelled_event, shop_updated_event>;

// One event of one shop.
struct ops_event {
  int location_id = 0;
  std::string shop_id;    // uuid; empty when the publisher does not know it
  std::string shop_name;  // may be empty
  db::time_point at{};    // zero: stamped by the broadcaster
  ops_payload payload;
  bool from_peer = false;  // heard from another node of the cluster: not shared again
};

}  // namespace salon::actors
