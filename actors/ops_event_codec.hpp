#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "actors/ops_event.hpp"

namespace salon::actors {

// An ops event as it travels between the nodes of a cluster (a PostgreSQL NOTIFY payload, at
// most 8000 bytes): every field, the caller's number unmasked (each node masks it for its own
// dashboards), times as microseconds since the epoch. What was said in a turn is cut to
// `said_limit` bytes each (at a character boundary) so the payload always fits.
inline constexpr std::size_t said_limit = 2000;

std::string encode_ops_event(const ops_event& event);

// The event, or nullopt when `text` is not one (another version's payload, a stray NOTIFY).
std::optional<ops_event> decode_ops_event(std::string_view text);

// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.
inline constexpr std::size_t notify_payload_limit = 7999;

// Encoded events (encode_ops_event) of node `node_id` packed into as few NOTIFY payloads as fit
// under notify_payload_limit, in order: "<node id> <event>\n<event>...". One NOTIFY per event
// cost PostgreSQL and every listening node a notification each, thousands a second on a busy
// node. An event too long to share a payload travels alone.
std::vector<std::string> pack_ops_events(std::string_view node_id,
                                         std::span<const std::string> events);

// What pack_ops_events packed: the sending node and its encoded events (views into `payload`);
// nullopt when the payload names no node.
struct ops_packet {
  std::string_view node_id;
  std::vector<std::string_view> events;
};
std::optional<ops_packet> unpack_ops_events(std::string_view payload);

}  // namespace salon::actors
