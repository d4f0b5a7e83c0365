// The feed thread: a session whose handler runs_on_feed_thread() (WS /ops) is served by a thread
// of its own, apart from the I/O threads that carry the calls, and one real-time priority below
// them when the server's threads are real-time.

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "actors/thread_priority.hpp"
#include "net/http_server.hpp"
#include "net/websocket_handler.hpp"
#include "tests/net/server_test_support.hpp"
#include "tests/support/realtime.hpp"

namespace salon::net {
namespace {

using namespace testing;

struct served_by {
  std::thread::id thread;
  int policy = -1;
  int priority = -1;
};

// Answers every message with "ok" and notes which thread, under which policy, handled it.
class noting_handler : public websocket_handler {
 public:
  noting_handler(std::promise<served_by>& seen, bool feed) : seen_{seen}, feed_{feed} {}
  void on_open(websocket_sender sender) override { sender_ = std::move(sender); }
  void on_text(std::string) override {
    served_by by{std::this_thread::get_id(), -1, -1};
    sched_param param{};
    pthread_getschedparam(pthread_self(), &by.policy, &param);
    by.priority = param.sched_priority;
    if (!noted_.exchange(true)) seen_.set_value(by);
    sender_.send_text("ok");
  }
  void on_close(const websocket_close&) override {}
  bool runs_on_feed_thread() const override { return feed_; }

 private:
  std::promise<served_by>& seen_;
  const bool feed_;
  std::atomic<bool> noted_{false};
  websocket_sender sender_;
};

// Talks to `path` once; what served it.
served_by talk(std::uint16_t port, const std::string& path, std::future<served_by> seen) {
  websocket_test_client client;
  EXPECT_FALSE(client.connect(port, path));
  EXPECT_FALSE(client.write("hello"));
  std::string answer;
  EXPECT_FALSE(client.read(answer));
  EXPECT_EQ(answer, "ok") << "the moved connection still carries messages both ways";
  return seen.get();
}

TEST(websocket_feed_thread, a_feed_is_served_apart_from_the_io_threads_and_behind_them) {
  // As REALTIME_PRIORITY does: the threads the server starts inherit this thread's policy.
  const bool realtime = salon::testing::realtime_scheduling_allowed();
  std::promise<served_by> call_seen, feed_seen;
  std::thread owner([&] {
    if (realtime) {
      ASSERT_EQ(actors::run_thread_realtime(4), std::nullopt);
    }
    auto options = loopback_options();
    options.io_threads = 1;
    http_server server(options);
    server.routes().add_websocket("/call", "call", [&](const http_request&) -> websocket_upgrade {
      return std::make_shared<noting_handler>(call_seen, false);
    });
    server.routes().add_websocket("/feed", "feed", [&](const http_request&) -> websocket_upgrade {
      return std::make_shared<noting_handler>(feed_seen, true);
    });
    ASSERT_FALSE(server.start());
    auto call = talk(server.port(), "/call", call_seen.get_future());
    auto feed = talk(server.port(), "/feed", feed_seen.get_future());
    EXPECT_NE(call.thread, feed.thread) << "the feed has a thread of its own";
    if (realtime) {
      EXPECT_EQ(call.policy, SCHED_RR) << "the I/O thread inherited real-time priority";
      EXPECT_EQ(call.priority, 4);
      EXPECT_EQ(feed.policy, SCHED_RR);
      EXPECT_EQ(feed.priority, 3) << "the feed thread runs one priority below the calls";
    } else {
      EXPECT_EQ(call.policy, SCHED_OTHER);
      EXPECT_EQ(feed.policy, SCHED_OTHER);
    }
    server.stop();
  });
  owner.join();
}

}  // namespace
}  // namespace salon::net
