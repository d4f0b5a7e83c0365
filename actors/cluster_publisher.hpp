#pragma once

#include <caf/fwd.hpp>
#include <string>

namespace salon::actors {

// The channel that carries ops events between the nodes of a cluster; each payload is
// "<node id> <encoded event>\n<encoded event>..." (pack_ops_events in ops_event_codec.hpp).
inline constexpr const char* ops_channel = "salon_ops";

// Shares this node's ops events with the other nodes, so every node's /ops shows every call:
// events are gathered for a few milliseconds (or up to a batch), packed into as few NOTIFY
// payloads as fit and sent in one transaction through the database pool. Best effort, as the feed
// is a live view: a batch the database refuses is dropped with a log line, and at most
// `max_waiting` events wait.
//   (ops_publish_atom, ops_event) -> void
caf::actor spawn_cluster_publisher(caf::actor_system& system, caf::actor database_pool,
                                   std::string node_id);

}  // namespace salon::actors
