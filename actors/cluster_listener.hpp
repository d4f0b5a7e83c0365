#pragma once

#include <caf/fwd.hpp>
#include <memory>
#include <string>

namespace salon::db {
class notification_listener;
}

namespace salon::actors {

// How this node hears what the other nodes of a cluster changed in the shared database: shop
// setup on any node NOTIFYs `salon_shop_changed` ({"location_id": N, ...}); this node's shop
// directory then re-reads the phone numbers and that shop reloads its configuration. After the
// listening session is (re)established the numbers are re-read too, since notifications sent
// while it was away are lost. The node's own announcements come back as well; reloading again is
// harmless.
std::unique_ptr<db::notification_listener> listen_to_cluster(const std::string& database_url,
                                                             caf::actor shop_directory);

}  // namespace salon::actors
