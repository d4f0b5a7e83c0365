#pragma once

#include <caf/actor.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace salon::actors {

struct runtime_stats;

struct broadcaster_environment {
  caf::actor database_pool;        // today's numbers per shop; null: they stay zero
  runtime_stats* stats = nullptr;  // spool depth; may be null
  // How often a `metrics` event goes out (and today's numbers are read again).
  std::chrono::milliseconds metrics_interval{5000};
  // Takes (ops_publish_atom, ops_event) for the other nodes of a cluster; null: a single node.
  caf::actor peers{};
  // How long events gather before they go out together, one per line of one message.
  std::chrono::milliseconds batch_interval{50};
};

// The live-operations feed behind WS /ops. Call and shop actors publish events; each event is
// serialized once per feed (subscribers with the same filter share one) and gathered for
// `batch_interval`; then each feed's events go out as one payload, one event per line, the same
// payload object to every subscriber of the feed. At a few thousand events a second, one
// message per event to each of hundreds of dashboards cost the server more than the calls. A
// subscriber whose deliver() fails (gone, or its bounded queue is full) is forgotten at once,
// so a slow dashboard never holds memory or time of the calls. Keeps the live calls, so a new
// subscriber first gets a snapshot (live calls and today's numbers), then the stream.
//   (ops_publish_atom, ops_event)
//   (ops_subscribe_atom, std::shared_ptr<ops_subscriber>, ops_filter)
//   (ops_unsubscribe_atom, std::shared_ptr<ops_subscriber>)
//   (ops_count_atom) -> std::size_t (subscribers now; delivers what was gathered first)
caf::actor spawn_broadcaster(caf::actor_system& system, broadcaster_environment environment);

// What a dashboard shows of a caller's number: the country code and the last four digits
// ("+1******0100"). Anything that is not a phone number shows as "unknown" or "anonymous".
std::string mask_caller(std::string_view phone);

}  // namespace salon::actors
