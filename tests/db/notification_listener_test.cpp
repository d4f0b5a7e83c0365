#include "db/notification_listener.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "scratch_database.hpp"

namespace salon::db {
namespace {

using namespace std::chrono_literals;
using testing::migrated_database_test;

// What a listener heard, waited on from the test thread.
class inbox {
 public:
  notification_listener::handlers handlers() {
    return {[this](const std::string& channel, const std::string& payload) {
              std::lock_guard lock(mutex_);
              heard_.push_back(channel + " " + payload);
              changed_.notify_all();
            },
            [this] {
              std::lock_guard lock(mutex_);
              ++sessions_;
              changed_.notify_all();
            },
            [this](const std::string&) {
              std::lock_guard lock(mutex_);
              ++errors_;
              changed_.notify_all();
            }};
  }

  bool wait_for_sessions(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 20s, [&] { return sessions_ >= count; });
  }
  bool wait_for_messages(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 20s, [&] { return heard_.size() >= count; });
  }
  std::vector<std::string> heard() {
    std::lock_guard lock(mutex_);
    return heard_;
  }
  int errors() {
    std::lock_guard lock(mutex_);
    return errors_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> heard_;
  int sessions_ = 0;
  int errors_ = 0;
};

TEST_F(migrated_database_test, a_listener_hears_shop_changes_announced_by_another_session) {
  inbox box;
  notification_listener listener(url(), {"salon_shop_changed"}, box.handlers());
  ASSERT_TRUE(box.wait_for_sessions(1));

  connection db(url());
  db.announce_shop_change(7, "5b8f0c3e-0000-4000-8000-000000000007");
  database().query("select pg_notify('some_other_channel', 'not for us')");
  db.announce_shop_change(8, "5b8f0c3e-0000-4000-8000-000000000008");

  ASSERT_TRUE(box.wait_for_messages(2));
  const auto heard = box.heard();
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_NE(heard[0].find("salon_shop_changed "), std::string::npos);
  EXPECT_NE(heard[0].find("\"location_id\" : 7"), std::string::npos) << heard[0];
  EXPECT_NE(heard[1].find("\"location_id\" : 8"), std::string::npos) << heard[1];
}

TEST_F(migrated_database_test, a_listener_whose_session_is_killed_listens_again) {
  inbox box;
  notification_listener listener(url(), {"salon_shop_changed"}, box.handlers(), 200ms);
  ASSERT_TRUE(box.wait_for_sessions(1));

  EXPECT_GE(database().terminate_sessions(), 1);
  ASSERT_TRUE(box.wait_for_sessions(2));
  EXPECT_GE(box.errors(), 1);

  connection db(url());
  db.announce_shop_change(3, "5b8f0c3e-0000-4000-8000-000000000003");
  ASSERT_TRUE(box.wait_for_messages(1));
  EXPECT_NE(box.heard().front().find("\"location_id\" : 3"), std::string::npos);
}

TEST(notification_listener, an_unreachable_database_is_retried_until_stopped) {
  inbox box;
  {
    const auto url =
        "postgresql://postgres@127.0.0.1:" + std::to_string(testing::closed_loopback_port()) +
        "/salon_phone?connect_timeout=1";
    notification_listener listener(url, {"salon_shop_changed"}, box.handlers(), 50ms);
    std::this_thread::sleep_for(400ms);
  }  // the destructor returns: the retry loop stops
  EXPECT_GE(box.errors(), 2);
  EXPECT_TRUE(box.heard().empty());
}

}  // namespace
}  // namespace salon::db
