#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace salon::db {

// One PostgreSQL session of its own that LISTENs on channels and hands every NOTIFY to a
// callback, on a thread of its own (waiting for notifications blocks). This is how the nodes of a
// cluster hear what the others did: a shop set up on one node routes calls on every node.
//
// When the session breaks it reconnects with backoff (up to max_backoff) and calls on_listening
// again: notifications sent while it was away are lost, so the owner reloads what it caches there.
// Needs a direct or session-mode connection: a transaction-mode pooler drops LISTEN.
class notification_listener {
 public:
  struct handlers {
    // (channel, payload) of each notification.
    std::function<void(const std::string&, const std::string&)> on_notification;
    // After every (re)connection, once LISTEN is in place.
    std::function<void()> on_listening;
    // Why the session broke or could not be opened (for the log).
    std::function<void(const std::string&)> on_error;
  };

  notification_listener(std::string database_url, std::vector<std::string> channels,
                        handlers callbacks,
                        std::chrono::milliseconds max_backoff = std::chrono::seconds{5});
  // Stops the thread (within about the wait slice, 250 ms) and joins it.
  ~notification_listener();

  notification_listener(const notification_listener&) = delete;
  notification_listener& operator=(const notification_listener&) = delete;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace salon::db
