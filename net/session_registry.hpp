#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "net/session_base.hpp"

namespace salon::net {

// Every live HTTP and WebSocket session, so that stop() can reach them and wait for them.
class session_registry {
 public:
  std::uint64_t add(std::weak_ptr<session_base> session);
  void remove(std::uint64_t id) noexcept;

  void shut_down_all(shutdown_mode mode);
  // True when no session was left before the timeout.
  bool wait_until_empty(std::chrono::milliseconds timeout);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::unordered_map<std::uint64_t, std::weak_ptr<session_base>> sessions_;
  std::uint64_t next_id_ = 1;
};

}  // namespace salon::net
