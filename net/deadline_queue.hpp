#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace salon::net {

// Runs actions at their deadlines on one thread of its own. Built for many thousands of
// pending deadlines that mostly end up doing nothing (a relay session's setup timeout): one
// heap, no cancellation; an action that is no longer wanted checks for itself and returns.
class deadline_queue {
 public:
  using clock = std::chrono::steady_clock;

  deadline_queue();
  // Drops the actions still pending and joins the thread. Must not run on that thread.
  ~deadline_queue();
  deadline_queue(const deadline_queue&) = delete;
  deadline_queue& operator=(const deadline_queue&) = delete;

  // Thread-safe. `action` must not block: it delays every deadline behind it.
  void schedule(clock::time_point when, std::function<void()> action);
  std::size_t pending() const;

 private:
  struct entry {
    clock::time_point when;
    std::uint64_t order;  // equal deadlines run in the order they were scheduled
    std::function<void()> action;
  };
  struct later {
    bool operator()(const entry& a, const entry& b) const {
      return a.when != b.when ? a.when > b.when : a.order > b.order;
    }
  };

  void run();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::priority_queue<entry, std::vector<entry>, later> entries_;
  std::uint64_t scheduled_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace salon::net
