#pragma once

#include <caf/actor.hpp>
#include <string>

namespace salon::actors {

struct runtime_stats;

// What every shop actor shares.
struct shop_environment {
  caf::actor database_pool;
  caf::actor call_log;  // where booking requests go while the database cannot confirm them
  std::string default_time_zone;
  runtime_stats* stats = nullptr;
  caf::actor broadcaster{};  // live dashboards (WS /ops); may be null
};

// One actor per location: holds the shop's configuration and appointment book and is the only
// place that decides whether a slot of that shop is free, so two callers of one node never get
// the same slot (the database's exclusion constraint settles it across nodes).
//   (config_atom)                     -> db::shop
//   (snapshot_atom)                   -> shared_snapshot (configuration + book, for calls)
//   (book_atom, booking_request)      -> conversation::action_result
//   (cancel_atom, std::string id)     -> conversation::change_status
//   (reschedule_atom, reschedule_request) -> conversation::change_status
//   (lookup_atom, std::string phone)  -> std::vector<conversation::upcoming_appointment>
//   (reload_atom)                     -> void (drop the cache; the next ask reloads)
// A location that does not exist answers shop_not_found and the actor quits.
caf::actor spawn_shop(caf::actor_system& system, int location_id, shop_environment environment);

}  // namespace salon::actors
