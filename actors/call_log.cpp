#include "actors/call_log.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <memory>
#include <vector>

#include "actors/durable_write.hpp"
#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/spool.hpp"
#include "db/connection.hpp"

namespace salon::actors {
namespace {

constexpr auto flush_delay = std::chrono::milliseconds(5);
constexpr std::size_t flush_size = 200;
constexpr auto replay_delay = std::chrono::seconds(1);
constexpr std::size_t replay_batch = 500;
constexpr auto write_timeout = std::chrono::seconds(15);
// Writes answered on acceptance wait in memory; past this many the log refuses more of them
// (overloaded) rather than grow without bound while the database lags.
constexpr std::size_t max_buffered = 50000;

struct accepted_write {
  durable_write write;
  caf::response_promise promise;  // not pending when the writer was answered on acceptance
};

struct call_log_state {
  std::unique_ptr<spool> disk;
  std::vector<accepted_write> buffer;
  std::vector<accepted_write> in_flight;
  bool flush_scheduled = false;
  bool spooling = false;  // the database is away: writes go to the spool
  bool replaying = false;
  static inline const char* name = "call_log";
};

using call_log_actor = caf::stateful_actor<call_log_state>;

// Writes a batch on one connection; answers how many entries the database refused.
database_job write_job(std::vector<durable_write> batch) {
  return [batch = std::move(batch)](db::connection& connection) {
    std::vector<db::call_log_entry> entries;
    std::vector<const db::appointment*> appointments;
    for (const auto& write : batch) {
      std::visit(
          [&](const auto& w) {
            using T = std::decay_t<decltype(w)>;
            if constexpr (std::is_same_v<T, db::appointment>) {
              appointments.push_back(&w);
            } else {
              entries.emplace_back(w);
            }
          },
          write);
    }
    int rejected = 0;
    for (const auto& result : connection.write_call_log(entries)) {
      if (result.result == db::call_log_result::rejected) {
        ++rejected;
        spdlog::error("call log entry refused by the database: {}", result.message);
      }
    }
    for (const auto* appointment : appointments) connection.insert_appointment(*appointment);
    return caf::make_message(rejected);
  };
}

void set_depth(call_log_actor* self, runtime_stats* stats) {
  stats->spool_depth.store(static_cast<std::int64_t>(self->state.disk->depth()));
}

void deliver_all(std::vector<accepted_write>& writes) {
  for (auto& w : writes) {
    if (w.promise.pending()) w.promise.deliver(true);
  }
  writes.clear();
}

// Puts writes on disk; they are durable once this returns.
bool spool_writes(call_log_actor* self, std::vector<accepted_write>& writes, runtime_stats* stats) {
  std::vector<std::string> lines;
  lines.reserve(writes.size());
  for (const auto& w : writes) lines.push_back(encode(w.write));
  try {
    self->state.disk->append(lines);
  } catch (const std::exception& e) {
    // Nowhere left to keep them: say so loudly and fail the writers, who still hold the data.
    spdlog::critical("spool write failed ({}): {} writes not stored", e.what(), writes.size());
    for (auto& w : writes) {
      if (w.promise.pending())
        w.promise.deliver(make_error(failure::internal, "spool write failed"));
    }
    writes.clear();
    return false;
  }
  set_depth(self, stats);
  deliver_all(writes);
  return true;
}

void start_spooling(call_log_actor* self) {
  if (!self->state.spooling) {
    spdlog::warn("database unreachable: call log goes to the spool at {}",
                 self->state.disk->path().string());
  }
  self->state.spooling = true;
  if (!self->state.replaying) {
    self->state.replaying = true;
    self->delayed_send(self, replay_delay, replay_atom::value);
  }
}

void flush(call_log_actor* self, const caf::actor& pool, runtime_stats* stats) {
  auto& state = self->state;
  if (state.buffer.empty() || !state.in_flight.empty()) return;
  if (state.spooling) {
    spool_writes(self, state.buffer, stats);
    return;
  }
  state.in_flight = std::move(state.buffer);
  state.buffer.clear();
  std::vector<durable_write> batch;
  batch.reserve(state.in_flight.size());
  for (const auto& w : state.in_flight) batch.push_back(w.write);
  self->request(pool, write_timeout, run_job_atom::value, write_job(std::move(batch)))
      .then(
          [=](int rejected) {
            auto written = self->state.in_flight.size() - static_cast<std::size_t>(rejected);
            stats->call_log_written.fetch_add(written);
            stats->call_log_rejected.fetch_add(static_cast<std::uint64_t>(rejected));
            stats->call_log_batches.fetch_add(1);
            deliver_all(self->state.in_flight);
            flush(self, pool, stats);
          },
          [=](caf::error& error) {
            auto reason = classify(error);
            if (reason == failure::database_error) {
              // The database refused the batch as a whole: keep it on disk for an operator
              // rather than retrying it forever.
              spdlog::error("call log batch refused: {}; kept in the spool",
                            self->system().render(error));
            }
            spool_writes(self, self->state.in_flight, stats);
            start_spooling(self);
            flush(self, pool, stats);
          });
}

void replay(call_log_actor* self, const caf::actor& pool, runtime_stats* stats) {
  auto& state = self->state;
  auto lines = state.disk->read_all();
  if (lines.empty()) {
    state.spooling = false;
    state.replaying = false;
    set_depth(self, stats);
    spdlog::info("spool empty: call log writes go to the database again");
    flush(self, pool, stats);
    return;
  }
  std::size_t count = std::min(lines.size(), replay_batch);
  std::vector<durable_write> batch;
  for (std::size_t i = 0; i < count; ++i) {
    if (auto write = decode(lines[i])) {
      batch.push_back(std::move(*write));
    } else {
      spdlog::error("unreadable spool record skipped: {}", lines[i]);
    }
  }
  self->request(pool, write_timeout, run_job_atom::value, write_job(std::move(batch)))
      .then(
          [=](int rejected) {
            self->state.disk->remove_first(count);
            set_depth(self, stats);
            stats->call_log_written.fetch_add(count - static_cast<std::size_t>(rejected));
            stats->call_log_rejected.fetch_add(static_cast<std::uint64_t>(rejected));
            spdlog::info("spool replayed {} writes, {} left", count, self->state.disk->depth());
            replay(self, pool, stats);
          },
          [=](caf::error& error) {
            spdlog::debug("spool replay waits: {}", self->system().render(error));
            self->delayed_send(self, replay_delay, replay_atom::value);
          });
}

caf::behavior call_log(call_log_actor* self, caf::actor pool, std::string directory,
                       runtime_stats* stats) {
  self->state.disk = std::make_unique<spool>(directory);
  set_depth(self, stats);
  if (self->state.disk->depth() > 0) {
    spdlog::info("spool holds {} writes from an earlier run: replaying", self->state.disk->depth());
    self->state.spooling = true;
    self->state.replaying = true;
    self->send(self, replay_atom::value);
  }
  // On shutdown, whatever is not yet in the database goes to disk; the next start replays it.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& state = self->state;
    std::vector<accepted_write> pending = std::move(state.in_flight);
    for (auto& w : state.buffer) pending.push_back(std::move(w));
    state.buffer.clear();
    if (!pending.empty()) {
      spdlog::info("call log: {} writes spooled at shutdown", pending.size());
      spool_writes(self, pending, stats);
    }
    self->quit(msg.reason);
  });
  auto take = [=](durable_write&& write, caf::response_promise promise) {
    auto& state = self->state;
    state.buffer.push_back({std::move(write), std::move(promise)});
    if (state.buffer.size() >= flush_size) {
      flush(self, pool, stats);
    } else if (!state.flush_scheduled) {
      state.flush_scheduled = true;
      self->delayed_send(self, flush_delay, flush_atom::value);
    }
  };
  return {
      [=](write_atom, durable_write& write) -> caf::result<bool> {
        take(std::move(write), self->make_response_promise());
        return caf::delegated<bool>{};
      },
      [=](write_atom, durable_write& write, accepted_atom) -> caf::result<bool> {
        if (self->state.buffer.size() >= max_buffered) {
          return make_error(failure::overloaded, "call log backlog full");
        }
        take(std::move(write), caf::response_promise{});
        return true;
      },
      [=](flush_atom) {
        self->state.flush_scheduled = false;
        flush(self, pool, stats);
      },
      [=](replay_atom) { replay(self, pool, stats); },
  };
}

}  // namespace

caf::actor spawn_call_log(caf::actor_system& system, caf::actor database_pool,
                          const std::string& spool_directory, runtime_stats& stats) {
  return system.spawn(call_log, std::move(database_pool), spool_directory, &stats);
}

}  // namespace salon::actors
