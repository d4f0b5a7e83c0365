#pragma once

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace salon::actors
