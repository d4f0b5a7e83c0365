#include "actors/call_log.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <caf/all.hpp>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "actors/durable_write.hpp"
#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/spool.hpp"
#include "db/connection.hpp"
#include "db/errors.hpp"

namespace salon::actors::call_log_detail {

// A write of a batch that the database refused for itself (a constraint, a bad value).
struct refused_write {
  std::size_t index = 0;  // in the batch
  std::string reason;
};
using refused_writes = std::vector<refused_write>;

}  // namespace salon::actors::call_log_detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(salon::actors::call_log_detail::refused_writes)

namespace salon::actors {
namespace {

using call_log_detail::refused_writes;

constexpr auto flush_delay = std::chrono::milliseconds(5);
constexpr std::size_t flush_size = 200;
constexpr auto replay_delay = std::chrono::seconds(1);
constexpr std::size_t replay_batch = 500;
constexpr auto write_timeout = std::chrono::seconds(15);

struct accepted_write {
  durable_write write;
  caf::response_promise promise;  // not pending when the writer was answered on acceptance
};

struct call_log_state {
  std::unique_ptr<spool> disk;
  std::unique_ptr<spool> dead_letters;  // writes the database refused, for an operator
  std::vector<accepted_write> buffer;
  std::vector<accepted_write> in_flight;
  bool flush_scheduled = false;
  bool spooling = false;  // the database is away: writes go to the spool
  bool replaying = false;
  static inline const char* name = "call_log";
};

using call_log_actor = caf::stateful_actor<call_log_state>;

// SQLSTATE classes worth another try later rather than a dead letter: a serialization failure
// or deadlock (40), too few resources (53), a lock or statement timeout.
bool worth_retrying_later(const std::string& sqlstate) {
  return sqlstate.rfind("40", 0) == 0 || sqlstate.rfind("53", 0) == 0 || sqlstate == "55P03" ||
         sqlstate == "57014";
}

// The call-log entry a write is (every write but an appointment).
db::call_log_entry entry_of(const durable_write& write) {
  return std::visit(
      [](const auto& w) -> db::call_log_entry {
        if constexpr (std::is_same_v<std::decay_t<decltype(w)>, db::appointment>) {
          throw std::logic_error("an appointment is no call-log entry");
        } else {
          return w;
        }
      },
      write);
}

// Writes a batch on one connection; answers which writes the database refused.
//  - together: the call-log entries in one transaction (each under a savepoint, so one refused
//    entry is reported, not fatal), then the appointments. Any other refusal fails the job.
//  - one by one: each write on its own, so a write the database refuses is only that one.
//    Losing the database still fails the job (the batch then waits in the spool).
database_job write_job(std::vector<durable_write> batch, bool one_by_one) {
  return [batch = std::move(batch), one_by_one](db::connection& connection) {
    refused_writes refused;
    if (one_by_one) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
          if (const auto* appointment = std::get_if<db::appointment>(&batch[i])) {
            connection.insert_appointment(*appointment);
            continue;
          }
          const auto entry = entry_of(batch[i]);
          auto result = connection.write_call_log({&entry, 1}).front();
          if (result.result == db::call_log_result::rejected)
            refused.push_back({i, result.message});
        } catch (const db::unavailable&) {
          throw;
        } catch (const db::query_error& e) {
          if (worth_retrying_later(e.sqlstate())) throw db::unavailable(e.what());
          refused.push_back({i, e.what()});
        } catch (const std::exception& e) {
          refused.push_back({i, e.what()});
        }
      }
      return caf::make_message(std::move(refused));
    }
    std::vector<db::call_log_entry> entries;
    std::vector<std::size_t> entry_index;
    std::vector<const db::appointment*> appointments;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (const auto* appointment = std::get_if<db::appointment>(&batch[i])) {
        appointments.push_back(appointment);
      } else {
        entries.push_back(entry_of(batch[i]));
        entry_index.push_back(i);
      }
    }
    const auto results = connection.write_call_log(entries);
    for (std::size_t j = 0; j < results.size(); ++j) {
      if (results[j].result == db::call_log_result::rejected) {
        refused.push_back({entry_index[j], results[j].message});
      }
    }
    for (const auto* appointment : appointments) connection.insert_appointment(*appointment);
    return caf::make_message(std::move(refused));
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

// Keeps the writes the database refused in the dead-letter file (one JSON line each: when, why,
// the write) so that nothing accepted is dropped silently and the rest can go on.
void keep_refused(call_log_actor* self, const std::vector<durable_write>& batch,
                  const refused_writes& refused, runtime_stats* stats) {
  if (refused.empty()) return;
  auto& dead = *self->state.dead_letters;
  std::vector<std::string> lines;
  for (const auto& r : refused) {
    const auto& write = batch.at(r.index);
    auto record = encode(write);
    spdlog::error("call log: the database refused a write, kept in {}: {} ({})",
                  dead.path().string(), r.reason, record.substr(0, 200));
    auto now = std::chrono::system_clock::now().time_since_epoch();
    nlohmann::json line = {
        {"refused_at", std::chrono::duration_cast<std::chrono::microseconds>(now).count()},
        {"reason", r.reason},
        {"write", nlohmann::json::parse(record)}};
    lines.push_back(line.dump());
  }
  try {
    dead.append(lines);
  } catch (const std::exception& e) {
    spdlog::critical("dead-letter write failed ({}): {} refused writes only in this log", e.what(),
                     lines.size());
  }
  stats->call_log_dead_letters.fetch_add(refused.size());
}

// Writes `batch`: together first, and when the database refuses that as a whole for a reason
// other than being away, one write at a time. `written(batch, refused)` once every write is in
// the database or refused; `unreachable(error)` when the database cannot take the batch now.
template <class Written, class Unreachable>
void write_batch(call_log_actor* self, const caf::actor& pool, std::vector<durable_write> batch,
                 Written written, Unreachable unreachable) {
  self->request(pool, write_timeout, run_job_atom::value, write_job(batch, false))
      .then([=](refused_writes& refused) { written(batch, refused); },
            [=](caf::error& error) {
              if (classify(error) != failure::database_error) {
                unreachable(error);
                return;
              }
              spdlog::warn(
                  "call log: the database refused a batch of {} ({}); writing it one "
                  "write at a time",
                  batch.size(), self->system().render(error));
              self->request(pool, write_timeout, run_job_atom::value, write_job(batch, true))
                  .then([=](refused_writes& refused) { written(batch, refused); },
                        [=](caf::error& again) { unreachable(again); });
            });
}

// `why` says what sends the log to the spool: the database is away, or too far behind.
void start_spooling(call_log_actor* self, std::string_view why) {
  if (!self->state.spooling) {
    spdlog::warn("{}: call log goes to the spool at {}", why, self->state.disk->path().string());
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
  // At most flush_size a transaction: a longer one updates the same tally rows so often that it
  // slows down quadratically (each update walks the row's versions) and outlasts write_timeout.
  const auto take = static_cast<std::ptrdiff_t>(std::min(state.buffer.size(), flush_size));
  state.in_flight.assign(std::make_move_iterator(state.buffer.begin()),
                         std::make_move_iterator(state.buffer.begin() + take));
  state.buffer.erase(state.buffer.begin(), state.buffer.begin() + take);
  std::vector<durable_write> batch;
  batch.reserve(state.in_flight.size());
  for (const auto& w : state.in_flight) batch.push_back(w.write);
  write_batch(
      self, pool, std::move(batch),
      [=](const std::vector<durable_write>& written, const refused_writes& refused) {
        keep_refused(self, written, refused, stats);
        stats->call_log_written.fetch_add(written.size() - refused.size());
        stats->call_log_batches.fetch_add(1);
        deliver_all(self->state.in_flight);
        flush(self, pool, stats);
      },
      [=](const caf::error& error) {
        spdlog::debug("call log batch not written: {}", self->system().render(error));
        spool_writes(self, self->state.in_flight, stats);
        start_spooling(self, "database unreachable");
        flush(self, pool, stats);
      });
}

void replay(call_log_actor* self, const caf::actor& pool, runtime_stats* stats) {
  auto& state = self->state;
  if (!state.in_flight.empty()) {
    // A spill while a batch was in the database: one transaction at a time, that one first.
    self->delayed_send(self, replay_delay, replay_atom::value);
    return;
  }
  auto lines = state.disk->read_first(replay_batch);
  if (lines.empty()) {
    state.disk->clear();  // what is left is replayed records and torn lines
    state.spooling = false;
    state.replaying = false;
    set_depth(self, stats);
    spdlog::info("spool empty: call log writes go to the database again");
    flush(self, pool, stats);
    return;
  }
  const std::size_t count = lines.size();
  std::vector<durable_write> batch;
  for (std::size_t i = 0; i < count; ++i) {
    if (auto write = decode(lines[i])) {
      batch.push_back(std::move(*write));
    } else {
      spdlog::error("unreadable spool record skipped: {}", lines[i]);
    }
  }
  write_batch(
      self, pool, std::move(batch),
      [=](const std::vector<durable_write>& written, const refused_writes& refused) {
        keep_refused(self, written, refused, stats);
        self->state.disk->remove_first(count);
        set_depth(self, stats);
        stats->call_log_written.fetch_add(written.size() - refused.size());
        stats->call_log_batches.fetch_add(1);
        spdlog::info("spool replayed {} writes, {} left", count, self->state.disk->depth());
        replay(self, pool, stats);
      },
      [=](const caf::error& error) {
        spdlog::debug("spool replay waits: {}", self->system().render(error));
        self->delayed_send(self, replay_delay, replay_atom::value);
      });
}

caf::behavior call_log(call_log_actor* self, caf::actor pool, std::string directory,
                       runtime_stats* stats, std::size_t max_buffered) {
  self->state.disk = std::make_unique<spool>(directory);
  self->state.dead_letters = std::make_unique<spool>(directory, "call-log.dead");
  set_depth(self, stats);
  if (self->state.dead_letters->depth() > 0) {
    spdlog::warn("{} holds {} writes the database refused earlier",
                 self->state.dead_letters->path().string(), self->state.dead_letters->depth());
  }
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
        auto& state = self->state;
        if (state.buffer.size() >= max_buffered && !state.spooling) {
          // The database is up but far behind (a starved or overloaded server): the backlog
          // goes to disk, durable, and replays like an outage's instead of refusing callbacks.
          if (!spool_writes(self, state.buffer, stats)) {
            return make_error(failure::overloaded, "call log backlog full");
          }
          start_spooling(self, fmt::format("database {} writes behind", max_buffered));
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
                          const std::string& spool_directory, runtime_stats& stats,
                          std::size_t max_buffered) {
  return system.spawn(call_log, std::move(database_pool), spool_directory, &stats, max_buffered);
}

}  // namespace salon::actors
