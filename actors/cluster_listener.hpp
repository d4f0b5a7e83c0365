#pragma once

#include <caf/fwd.hpp>
#include <memory>
#include <string>

namespace salon::db {
class notification_listener;
}

namespace salon::actors {

// How this node hears the other nodes of a cluster through the shared database:
// - `salon_shop_changed` ({"location_id": N, ...}, sent by shop setup on any node): the shop
//   directory re-reads the phone numbers and that shop reloads its configuration. The node's own
//   announcements come back too; reloading again is harmless.
// - `salon_ops` (see cluster_publisher.hpp): another node's ops events go to this node's
//   broadcaster, so its dashboards see every call; this node's own are skipped.
// After the listening session is (re)established the numbers are re-read, since notifications
// sent while it was away are lost.
std::unique_ptr<db::notification_listener> listen_to_cluster(const std::string& database_url,
                                                             std::string node_id,
                                                             caf::actor shop_directory,
                                                             caf::actor broadcaster);

}  // namespace salon::actors
