#include "actors/runtime_stats.hpp"

#include <fmt/format.h>

namespace salon::actors {

void runtime_stats::render(std::string& out) const {
  auto gauge = [&out](const char* name, const char* help, auto value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
  };
  auto counter = [&out](const char* name, const char* help, auto value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
  };
  gauge("salon_database_pool_workers", "Database connections in the pool.",
        database_workers.load());
  gauge("salon_database_pool_busy", "Database workers running a job.", database_busy.load());
  gauge("salon_database_pool_idle", "Database workers waiting for a job.",
        database_workers.load() - database_busy.load());
  gauge("salon_database_pool_queued", "Database jobs waiting for a worker.",
        database_queued.load());
  counter("salon_database_jobs_total", "Database jobs run.", database_jobs.load());
  counter("salon_database_failures_total", "Database jobs that failed.", database_failures.load());
  gauge("salon_shops_loaded", "Shop actors holding a loaded configuration.", shops_loaded.load());
  gauge("salon_live_calls", "Calls in progress on this node.", live_calls.load());
  gauge("salon_cluster_live_calls", "Calls in progress on every node, from their ops events.",
        cluster_live_calls.load());
  counter("salon_calls_started_total", "Calls answered by this node.", calls_started.load());
  gauge("salon_spool_depth", "Writes waiting in the spool for the database to come back.",
        spool_depth.load());
  counter("salon_call_log_writes_total", "Call-log writes stored in the database.",
          call_log_written.load());
  counter("salon_call_log_dead_letters_total",
          "Call-log writes the database refused, kept in SPOOL_DIR/call-log.dead.",
          call_log_dead_letters.load());
  counter("salon_call_log_batches_total", "Call-log transactions.", call_log_batches.load());
  counter("salon_bookings_total", "Appointments booked by phone.", bookings.load());
  counter("salon_bookings_taken_total", "Bookings refused because the slot was just taken.",
          bookings_taken.load());
  gauge("salon_realtime_priority",
        "SCHED_RR priority the server's threads run at (REALTIME_PRIORITY); 0: normal scheduling.",
        realtime_priority.load());
}

}  // namespace salon::actors
