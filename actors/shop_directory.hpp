#pragma once

#include <caf/fwd.hpp>
#include <optional>

#include "actors/shop.hpp"
#include "config/settings.hpp"

namespace salon::actors {

struct shop_directory_options {
  config::phone_map configured_numbers;
  std::optional<int> default_location_id;
};

// Phone number -> location, and location -> shop actor (spawned on first use, kept while it
// lives). Numbers come from the `profiles` table, then PHONE_TO_LOCATION_MAP, then shop setup
// (later sources win); unknown numbers go to the default location when there is one.
//   (route_atom, std::string phone)           -> int location_id | failure::shop_not_found
//   (shop_atom, int location_id)              -> caf::actor shop
//   (map_phone_atom, std::string phone, int)  -> void (live update after shop setup)
//   (reload_atom)                             -> void (re-read numbers from the database)
//   (reload_atom, int location_id)            -> void (that shop reloads its configuration)
caf::actor spawn_shop_directory(caf::actor_system& system, shop_directory_options options,
                                shop_environment shops);

}  // namespace salon::actors
