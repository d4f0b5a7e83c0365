#pragma once

#include <caf/fwd.hpp>
#include <cstddef>
#include <string>

namespace salon::actors {

struct runtime_stats;

struct database_pool_options {
  std::string database_url;
  int workers = 4;
  // Jobs waiting for a free worker; past this the pool answers `overloaded` at once.
  std::size_t max_queued = 10000;
};

// A pool of detached workers, each owning one blocking database connection. Requests of
// (run_job_atom, database_job) go to an idle worker or wait in a bounded queue; the worker's
// answer goes straight back to the requester.
caf::actor spawn_database_pool(caf::actor_system& system, database_pool_options options,
                               runtime_stats& stats);

}  // namespace salon::actors
