#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace salon::actors {

// Gauges and counters the actors update and /metrics and /health read. Plain atomics: cheap on
// the hot path, read without asking any actor.
struct runtime_stats {
  std::atomic<int> database_workers{0};
  std::atomic<int> database_busy{0};
  std::atomic<std::int64_t> database_queued{0};
  std::atomic<std::uint64_t> database_jobs{0};
  std::atomic<std::uint64_t> database_failures{0};
  std::atomic<int> shops_loaded{0};
  std::atomic<int> live_calls{0};
  // Calls in progress on every node of the cluster, as the ops events this node hears tell them
  // (its own and, through LISTEN/NOTIFY, the others'); kept by the broadcaster.
  std::atomic<int> cluster_live_calls{0};
  std::atomic<std::uint64_t> calls_started{0};
  std::atomic<std::int64_t> spool_depth{0};
  std::atomic<std::uint64_t> call_log_written{0};
  std::atomic<std::uint64_t> call_log_dead_letters{0};
  std::atomic<std::uint64_t> call_log_batches{0};
  std::atomic<std::uint64_t> bookings{0};
  std::atomic<std::uint64_t> bookings_taken{0};
  std::atomic<int> realtime_priority{0};  // SCHED_RR priority in force; 0: normal scheduling

  // Prometheus text exposition of every field.
  void render(std::string& out) const;
};

}  // namespace salon::actors
