#include "net/deadline_queue.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace salon::net {

deadline_queue::deadline_queue() : thread_{[this] { run(); }} {}

deadline_queue::~deadline_queue() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void deadline_queue::schedule(clock::time_point when, std::function<void()> action) {
  bool earliest = false;
  {
    std::lock_guard lock{mutex_};
    earliest = entries_.empty() || when < entries_.top().when;
    entries_.push({when, scheduled_++, std::move(action)});
  }
  if (earliest) changed_.notify_one();
}

std::size_t deadline_queue::pending() const {
  std::lock_guard lock{mutex_};
  return entries_.size();
}

void deadline_queue::run() {
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    if (entries_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto when = entries_.top().when;
    if (clock::now() < when) {
      changed_.wait_until(lock, when);
      continue;
    }
    // priority_queue::top() is const; the entry is popped right after, so moving is safe.
    auto action = std::move(const_cast<entry&>(entries_.top()).action);
    entries_.pop();
    lock.unlock();
    try {
      action();
    } catch (const std::exception& e) {
      spdlog::error("deadline action threw: {}", e.what());
    } catch (...) {
      spdlog::error("deadline action threw");
    }
    // Whatever the action captured goes here, outside the lock.
    action = nullptr;
    lock.lock();
  }
}

}  // namespace salon::net
