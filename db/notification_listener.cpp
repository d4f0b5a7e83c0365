#include "db/notification_listener.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>
#include <utility>

namespace salon::db {
namespace {

// The slice of each wait for notifications: how long stopping may take.
constexpr long wait_slice_microseconds = 250'000;
constexpr std::chrono::milliseconds first_backoff{100};

class forwarder final : public pqxx::notification_receiver {
 public:
  forwarder(pqxx::connection_base& connection, const std::string& channel,
            const std::function<void(const std::string&, const std::string&)>& deliver)
      : pqxx::notification_receiver(connection, channel), deliver_(deliver) {}

  void operator()(const std::string& payload, int) override {
    if (deliver_) deliver_(channel(), payload);
  }

 private:
  const std::function<void(const std::string&, const std::string&)>& deliver_;
};

// Closes the session before the receivers go, so their destructors do not send UNLISTEN over a
// session that may be broken.
struct close_first {
  pqxx::connection& connection;
  ~close_first() { connection.disconnect(); }
};

}  // namespace

struct notification_listener::state {
  std::string database_url;
  std::vector<std::string> channels;
  handlers callbacks;
  std::chrono::milliseconds max_backoff;

  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable woken;
  std::thread thread;

  void run() {
    auto backoff = first_backoff;
    while (!stopping) {
      try {
        listen();
        backoff = first_backoff;
      } catch (const std::exception& e) {
        if (stopping) break;
        if (callbacks.on_error) callbacks.on_error(e.what());
        std::unique_lock lock(mutex);
        woken.wait_for(lock, backoff, [&] { return stopping.load(); });
        backoff = std::min(backoff * 2, max_backoff);
      }
    }
  }

  // One session: LISTEN, then wait in slices until stopped or the session breaks (throws).
  void listen() {
    pqxx::connection connection{database_url};
    std::vector<std::unique_ptr<forwarder>> receivers;
    close_first closer{connection};
    for (const auto& channel : channels)
      receivers.push_back(
          std::make_unique<forwarder>(connection, channel, callbacks.on_notification));
    if (callbacks.on_listening) callbacks.on_listening();
    while (!stopping) {
      connection.await_notification(0, wait_slice_microseconds);
      // A session closed by the server is noticed here when libpq saw the socket close.
      if (!connection.is_open()) throw pqxx::broken_connection("the listening session closed");
    }
  }
};

notification_listener::notification_listener(std::string database_url,
                                             std::vector<std::string> channels, handlers callbacks,
                                             std::chrono::milliseconds max_backoff)
    : state_(std::make_unique<state>()) {
  state_->database_url = std::move(database_url);
  state_->channels = std::move(channels);
  state_->callbacks = std::move(callbacks);
  state_->max_backoff = max_backoff;
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

notification_listener::~notification_listener() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->woken.notify_all();
  state_->thread.join();
}

}  // namespace salon::db
