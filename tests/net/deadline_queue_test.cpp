#include "net/deadline_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace salon::net {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until `count` actions have run.
class ran_log {
 public:
  void add(int id) {
    std::lock_guard lock{mutex_};
    ids_.push_back(id);
    changed_.notify_all();
  }
  bool wait_for(std::size_t count) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, 10s, [&] { return ids_.size() >= count; });
  }
  std::vector<int> ids() {
    std::lock_guard lock{mutex_};
    return ids_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> ids_;
};

TEST(deadline_queue, runs_actions_in_deadline_order) {
  deadline_queue queue;
  ran_log log;
  auto now = deadline_queue::clock::now();
  queue.schedule(now + 60ms, [&] { log.add(3); });
  queue.schedule(now + 20ms, [&] { log.add(1); });
  queue.schedule(now + 40ms, [&] { log.add(2); });
  queue.schedule(now + 40ms, [&] { log.add(22); });  // same deadline: scheduling order
  queue.schedule(now - 1s, [&] { log.add(0); });     // already due
  ASSERT_TRUE(log.wait_for(5));
  EXPECT_EQ(log.ids(), (std::vector<int>{0, 1, 2, 22, 3}));
  EXPECT_EQ(queue.pending(), 0u);
}

TEST(deadline_queue, an_earlier_deadline_wakes_the_thread) {
  deadline_queue queue;
  ran_log log;
  queue.schedule(deadline_queue::clock::now() + 1h, [&] { log.add(1); });
  queue.schedule(deadline_queue::clock::now(), [&] { log.add(2); });
  ASSERT_TRUE(log.wait_for(1));
  EXPECT_EQ(log.ids(), std::vector<int>{2});
  EXPECT_EQ(queue.pending(), 1u);
}

TEST(deadline_queue, a_throwing_action_does_not_stop_the_others) {
  deadline_queue queue;
  ran_log log;
  queue.schedule(deadline_queue::clock::now(), [] { throw std::runtime_error("snip"); });
  queue.schedule(deadline_queue::clock::now() + 1ms, [&] { log.add(1); });
  EXPECT_TRUE(log.wait_for(1));
}

TEST(deadline_queue, destruction_drops_pending_actions_and_schedules_from_threads) {
  std::atomic<int> ran{0};
  {
    deadline_queue queue;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) {
          queue.schedule(deadline_queue::clock::now() + 1h, [&] { ++ran; });
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(queue.pending(), 4000u);
  }
  EXPECT_EQ(ran.load(), 0);
}

}  // namespace
}  // namespace salon::net
