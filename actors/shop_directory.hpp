#pragma once

#include <caf/fwd.hpp>
#include <chrono>
#include <optional>

#include "actors/shop.hpp"
#include "config/settings.hpp"

namespace salon::actors {

struct shop_directory_options {
  config::phone_map configured_numbers;
  std::optional<int> default_location_id;
  // A route for a number that only the database may know waits this long after start-up for the
  // first read of the numbers; past it, routes answer from what is known.
  std::chrono::milliseconds first_read_wait{3000};
  // A failed read is retried after this, doubling up to `longest_retry`, until one succeeds.
  std::chrono::milliseconds first_retry{250};
  std::chrono::milliseconds longest_retry{30000};
};

// Phone number -> location, and location -> shop actor (spawned on first use, kept while it
// lives). Numbers come from the `profiles` table, then PHONE_TO_LOCATION_MAP, then shop setup
// (later sources win; a live update from shop setup holds until the next read of the database,
// which has it by then); unknown numbers go to the default location when there is one.
//   (route_atom, std::string phone)           -> int location_id | failure::shop_not_found
//   (shop_atom, int location_id)              -> caf::actor shop
//   (map_phone_atom, std::string phone, int)  -> void (live update after shop setup: the
//                                                location's earlier number stops routing to it)
//   (reload_atom)                             -> void (re-read numbers from the database)
//   (reload_atom, int location_id)            -> void (that shop reloads its configuration)
caf::actor spawn_shop_directory(caf::actor_system& system, shop_directory_options options,
                                shop_environment shops);

}  // namespace salon::actors
