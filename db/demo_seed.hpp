#pragma once

#include "db/records.hpp"

namespace salon::db {

class connection;

// The demo salon of scripts/run, as its website (tests fixtures: salon-sites/studio-nine) shows
// it: location 1, +18084826296, Studio Nine Hair & Color in Honolulu.
shop demo_salon();

// Creates the demo salon or brings it back to demo_salon() (idempotent: running it again changes
// nothing but updated_at). Throws like connection::save_shop.
save_shop_result seed_demo_salon(connection& database);

}  // namespace salon::db
