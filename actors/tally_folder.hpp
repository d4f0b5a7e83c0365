#pragma once

#include <caf/fwd.hpp>
#include <chrono>

namespace salon::actors {

// Every `interval`, asks the database pool to add up the tally rows the call and appointment
// triggers appended (db::connection::fold_daily_tallies), so the analytics read about one row
// per shop and day. Every node runs one; the database lets one fold at a time. A fold that fails
// (the database is down) is logged at debug level and tried at the next interval.
caf::actor spawn_tally_folder(caf::actor_system& system, caf::actor database_pool,
                              std::chrono::milliseconds interval);

}  // namespace salon::actors
