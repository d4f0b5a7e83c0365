#include "net/session_registry.hpp"

#include <vector>

namespace salon::net {

std::uint64_t session_registry::add(std::weak_ptr<session_base> session) {
  std::lock_guard lock{mutex_};
  auto id = next_id_++;
  sessions_.emplace(id, std::move(session));
  return id;
}

void session_registry::remove(std::uint64_t id) noexcept {
  std::lock_guard lock{mutex_};
  sessions_.erase(id);
  if (sessions_.empty()) emptied_.notify_all();
}

void session_registry::shut_down_all(shutdown_mode mode) {
  std::vector<std::weak_ptr<session_base>> sessions;
  {
    std::lock_guard lock{mutex_};
    sessions.reserve(sessions_.size());
    for (auto& [id, session] : sessions_) sessions.push_back(session);
  }
  // Outside the lock: a session released here may run its destructor, which calls remove().
  for (auto& weak : sessions) {
    if (auto session = weak.lock()) session->shut_down(mode);
  }
}

bool session_registry::wait_until_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock{mutex_};
  return emptied_.wait_for(lock, timeout, [this] { return sessions_.empty(); });
}

std::size_t session_registry::size() const {
  std::lock_guard lock{mutex_};
  return sessions_.size();
}

}  // namespace salon::net
