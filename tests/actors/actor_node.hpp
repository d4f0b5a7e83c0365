#pragma once

// One node's long-lived actors on one database, as the server wires them, for tests that drive
// the actors through CAF directly.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/shop_directory.hpp"
#include "db/records.hpp"

namespace salon::db::testing {
class scratch_database;
}

namespace salon::actors::testing {

struct node {
  runtime_stats stats;
  caf::actor pool;
  caf::actor call_log;
  caf::actor directory;

  node(caf::actor_system& system, const std::string& url, const std::filesystem::path& spool,
       shop_directory_options directory_options = {});
  // Ends the node's actors (the actor system waits for them when it goes).
  void stop();
};

// An empty spool folder of this process, named after the test.
std::filesystem::path spool_dir(const std::string& name);

// The shop actor of `location_id` (the demo salon by default), or null after a failed test.
caf::actor shop_of(caf::actor_system& system, const node& n, int location_id = 1);

// The shop's current snapshot, or null after a failed test.
shared_snapshot snapshot_of(caf::actor_system& system, const caf::actor& shop);

// Host and port of a postgresql://user@host:port/db URL (to put a tcp_proxy in front).
std::pair<std::string, std::uint16_t> host_port(const std::string& url);

// Hands `w` to the call log and waits for its answer: true once it was accepted.
bool write(caf::actor_system& system, const caf::actor& call_log, durable_write w);

db::time_point now_micro();

// Polls `sql` until it answers `expected` (or gives up after 20 s and reports the last answer).
std::string eventually(db::testing::scratch_database& database, const std::string& sql,
                       const std::string& expected);

}  // namespace salon::actors::testing
