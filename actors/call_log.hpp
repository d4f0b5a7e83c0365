#pragma once

#include <caf/fwd.hpp>
#include <cstddef>
#include <string>

namespace salon::actors {

struct runtime_stats;

// The call log's writer. Accepts durable writes, (write_atom, durable_write) -> bool, and
// answers once the write is durable: in PostgreSQL, or in the fsynced spool while PostgreSQL is
// unreachable. (write_atom, durable_write, accepted_atom) -> bool answers as soon as the write
// is queued (it then takes the same way): for writers that must not wait for the database
// (Twilio's status callbacks). Past `max_buffered` queued writes the database is too far behind
// to wait for in memory: the backlog and what follows go to the spool, as in an outage
// (overloaded only when the spool cannot be written either). Batches writes (one
// transaction per flush: every few ms or every N writes), keeps their order, replays the spool
// in order when the database is back, and on start replays what an earlier run left. Every write
// is idempotent, so a replay that repeats one is harmless. Writes the database refuses for
// themselves go to SPOOL_DIR/call-log.dead (see docs/operations.md).
caf::actor spawn_call_log(caf::actor_system& system, caf::actor database_pool,
                          const std::string& spool_directory, runtime_stats& stats,
                          std::size_t max_buffered = 50000);

}  // namespace salon::actors
