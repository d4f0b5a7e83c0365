#include "actors/database_pool.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <caf/all.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "db/connection.hpp"
#include "db/errors.hpp"

namespace salon::actors {
namespace {

// While the database is down every job fails, dozens a second (bookings, the call log's
// replays, the cluster's NOTIFYs, the tally folds): one warning a job buried everything else in
// the log (4,794 lines in a 30 s outage). The workers report through this: the first failure is
// logged, then one summary every `summary_every` while it lasts, and the first success after it.
class outage_report {
 public:
  void failed(const std::string& why) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock{mutex_};
    if (!down_.load(std::memory_order_relaxed)) {
      down_ = true;
      started_ = last_line_ = now;
      failed_ = 1;
      spdlog::warn("database unavailable: {}", why);
      return;
    }
    ++failed_;
    if (now - last_line_ >= summary_every) {
      last_line_ = now;
      spdlog::warn("database still unavailable after {} s, {} jobs failed: {}",
                   std::chrono::duration_cast<std::chrono::seconds>(now - started_).count(),
                   failed_, why);
    }
  }

  void succeeded() {
    if (!down_.load(std::memory_order_relaxed)) return;
    std::lock_guard lock{mutex_};
    if (!down_) return;
    down_ = false;
    spdlog::info("database reachable again after {} ms, {} jobs failed meanwhile",
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started_)
                     .count(),
                 failed_);
  }

 private:
  static constexpr auto summary_every = std::chrono::seconds(10);
  std::mutex mutex_;
  std::atomic<bool> down_{false};
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_line_;
  std::size_t failed_ = 0;
};

struct pending_job {
  caf::response_promise promise;
  database_job job;
};

struct pool_state {
  std::vector<caf::actor> workers;
  std::vector<caf::actor> idle;
  std::deque<pending_job> queue;
  static inline const char* name = "database_pool";
};

// Runs jobs on one connection, opened on first use and again after the database came back.
caf::behavior database_worker(caf::event_based_actor* self, std::string url, caf::actor pool,
                              runtime_stats* stats, std::shared_ptr<outage_report> outage) {
  auto connection = std::make_shared<std::unique_ptr<db::connection>>();
  return {
      [=](run_job_atom, database_job& job) -> caf::expected<caf::message> {
        auto idle_again = [&] {
          stats->database_jobs.fetch_add(1);
          self->send(pool, worker_idle_atom::value, caf::actor_cast<caf::actor>(self));
        };
        try {
          if (!*connection) *connection = std::make_unique<db::connection>(url);
          auto result = job(**connection);
          outage->succeeded();
          idle_again();
          return result;
        } catch (const db::unavailable& e) {
          outage->failed(e.what());
          connection->reset();
          stats->database_failures.fetch_add(1);
          idle_again();
          return make_error(failure::database_unavailable, e.what());
        } catch (const std::exception& e) {
          spdlog::error("database job failed: {}", e.what());
          stats->database_failures.fetch_add(1);
          idle_again();
          return make_error(failure::database_error, e.what());
        }
      },
  };
}

void dispatch(const caf::actor& worker, pending_job pending, runtime_stats& stats) {
  stats.database_busy.fetch_add(1);
  pending.promise.delegate(worker, run_job_atom::value, std::move(pending.job));
}

caf::behavior database_pool(caf::stateful_actor<pool_state>* self, database_pool_options options,
                            runtime_stats* stats) {
  auto pool = caf::actor_cast<caf::actor>(self);
  auto outage = std::make_shared<outage_report>();
  for (int i = 0; i < options.workers; ++i) {
    auto worker = self->system().spawn<caf::detached>(database_worker, options.database_url, pool,
                                                      stats, outage);
    self->state.workers.push_back(worker);
    self->state.idle.push_back(worker);
  }
  stats->database_workers.store(options.workers);
  // Detached workers hold a thread each: they must get an explicit exit or shutdown hangs.
  self->attach_functor([workers = self->state.workers, stats](const caf::error&) {
    for (const auto& worker : workers) caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
    stats->database_workers.store(0);
  });
  return {
      [=](run_job_atom, database_job& job) -> caf::result<caf::message> {
        auto promise = self->make_response_promise();
        auto& state = self->state;
        if (!state.idle.empty()) {
          auto worker = state.idle.back();
          state.idle.pop_back();
          dispatch(worker, pending_job{promise, std::move(job)}, *stats);
        } else if (state.queue.size() >= options.max_queued) {
          return make_error(failure::overloaded, "database queue full");
        } else {
          state.queue.push_back(pending_job{promise, std::move(job)});
          stats->database_queued.store(static_cast<std::int64_t>(state.queue.size()));
        }
        return promise;
      },
      [=](worker_idle_atom, caf::actor& worker) {
        auto& state = self->state;
        stats->database_busy.fetch_sub(1);
        if (state.queue.empty()) {
          state.idle.push_back(std::move(worker));
          return;
        }
        auto next = std::move(state.queue.front());
        state.queue.pop_front();
        stats->database_queued.store(static_cast<std::int64_t>(state.queue.size()));
        dispatch(worker, std::move(next), *stats);
      },
  };
}

}  // namespace

caf::actor spawn_database_pool(caf::actor_system& system, database_pool_options options,
                               runtime_stats& stats) {
  return system.spawn(database_pool, std::move(options), &stats);
}

}  // namespace salon::actors
