// The broadcaster behind WS /ops: fan-out of one payload, filters, slow subscribers dropped,
// the snapshot on connect, and today's numbers from the real PostgreSQL.

#include "actors/broadcaster.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>

#include "actors/database_pool.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "tests/db/scratch_database.hpp"

namespace salon::actors {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

std::vector<std::string> lines_of(const std::string& payload) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = payload.find('\n'); end != std::string::npos; end = payload.find('\n', start)) {
    lines.push_back(payload.substr(start, end - start));
    start = end + 1;
  }
  lines.push_back(payload.substr(start));
  return lines;
}

// A dashboard that keeps what it is sent; refuses (as a full queue does) past `capacity`.
class recording_subscriber final : public ops_subscriber {
 public:
  explicit recording_subscriber(std::size_t capacity = 1000) : capacity_(capacity) {}

  bool deliver(std::shared_ptr<const std::string> event) override {
    std::lock_guard lock(mutex_);
    ++attempts_;
    if (received_.size() >= capacity_) return false;
    received_.push_back(std::move(event));
    changed_.notify_all();
    return true;
  }

  std::vector<std::shared_ptr<const std::string>> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Every event received, in order: a payload carries one per line.
  std::vector<json> events() const {
    std::vector<json> out;
    for (const auto& payload : received()) {
      for (auto& line : lines_of(*payload)) out.push_back(json::parse(line));
    }
    return out;
  }
  std::size_t attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
  }
  // Waits (bounded) for an event that `wanted` accepts.
  std::optional<json> wait_for(const std::function<bool(const json&)>& wanted,
                               std::chrono::seconds limit = 20s) {
    std::unique_lock lock(mutex_);
    std::optional<json> found;
    changed_.wait_for(lock, limit, [&] {
      for (const auto& payload : received_) {
        for (auto& line : lines_of(*payload)) {
          auto event = json::parse(line);
          if (wanted(event)) {
            found = event;
            return true;
          }
        }
      }
      return false;
    });
    return found;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::shared_ptr<const std::string>> received_;
  std::size_t capacity_;
  std::size_t attempts_ = 0;
};

ops_event started(int location, std::string sid, std::string caller = "+15555550100") {
  return {location,
          "",
          "Shop " + std::to_string(location),
          {},
          call_started_event{std::move(sid), std::move(caller), db::time_point{}}};
}

ops_event turn(int location, std::string sid, std::string intent) {
  call_turn_event t;
  t.call_sid = std::move(sid);
  t.turns = 1;
  t.intent = std::move(intent);
  t.sentiment = 0.5;
  t.sentiment_label = "positive";
  t.caller_said = "I'd like a haircut";
  t.receptionist_said = "Sure, when?";
  return {location, "", "", {}, std::move(t)};
}

ops_event ended(int location, std::string sid) {
  return {location,
          "",
          "",
          {},
          call_ended_event{std::move(sid), "booked", 42.0, "book", 0.5, "positive", 3}};
}

class broadcaster_test : public ::testing::Test {
 protected:
  runtime_stats stats;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  caf::actor broadcaster = spawn_broadcaster(system, {nullptr, &stats, 1h});
  caf::scoped_actor self{system};

  ~broadcaster_test() override {
    caf::anon_send_exit(broadcaster, caf::exit_reason::user_shutdown);
  }

  void subscribe(const std::shared_ptr<ops_subscriber>& subscriber, ops_filter filter = {}) {
    self->send(broadcaster, ops_subscribe_atom::value, subscriber, std::move(filter));
  }
  void publish(ops_event event) {
    self->send(broadcaster, ops_publish_atom::value, std::move(event));
  }
  // Everything sent before has been handled, and what was gathered delivered, when this returns
  // (one sender, in order).
  std::size_t subscribers() {
    std::size_t count = 0;
    self->request(broadcaster, caf::infinite, ops_count_atom::value)
        .receive([&](std::size_t n) { count = n; }, [](caf::error&) { ADD_FAILURE(); });
    return count;
  }
};

TEST_F(broadcaster_test, every_subscriber_gets_the_same_payload_object) {
  auto a = std::make_shared<recording_subscriber>();
  auto b = std::make_shared<recording_subscriber>();
  subscribe(a);
  subscribe(b);
  publish(started(1, "CA1"));
  ASSERT_EQ(subscribers(), 2u);
  auto got_a = a->received();
  auto got_b = b->received();
  ASSERT_EQ(got_a.size(), 2u);  // snapshot, call_started
  ASSERT_EQ(got_b.size(), 2u);
  EXPECT_EQ(got_a[1].get(), got_b[1].get()) << "serialized once, shared";
  auto event = json::parse(*got_a[1]);
  EXPECT_EQ(event["type"], "call_started");
  EXPECT_EQ(event["shop"]["location_id"], 1);
  EXPECT_EQ(event["shop"]["name"], "Shop 1");
  EXPECT_EQ(event["call"]["sid"], "CA1");
  EXPECT_EQ(event["call"]["caller"], "+1******0100");
  EXPECT_TRUE(event["at"].get<std::string>().ends_with("Z"));
}

TEST_F(broadcaster_test, the_first_message_is_a_snapshot_of_live_calls) {
  publish(started(1, "CA1"));
  publish(turn(1, "CA1", "book"));
  publish(started(2, "CA2"));
  publish(started(2, "CA3"));
  publish(ended(2, "CA3"));
  auto all = std::make_shared<recording_subscriber>();
  auto shop_two = std::make_shared<recording_subscriber>();
  subscribe(all);
  subscribe(shop_two, {std::string("2"), false});
  subscribers();
  auto snapshot = all->events().at(0);
  EXPECT_EQ(snapshot["type"], "snapshot");
  ASSERT_EQ(snapshot["live_calls"].size(), 2u) << snapshot.dump();
  EXPECT_EQ(snapshot["today"]["live_calls"], 2);
  json first = snapshot["live_calls"][0];
  EXPECT_EQ(first["sid"], "CA1");
  EXPECT_EQ(first["intent"], "book");
  EXPECT_EQ(first["sentiment_label"], "positive");
  EXPECT_EQ(first["caller"], "+1******0100");
  EXPECT_EQ(stats.cluster_live_calls, 2) << "what platform metrics show as live calls";
  auto filtered = shop_two->events().at(0);
  ASSERT_EQ(filtered["live_calls"].size(), 1u) << filtered.dump();
  EXPECT_EQ(filtered["live_calls"][0]["sid"], "CA2");
  EXPECT_EQ(filtered["shop"]["location_id"], 2);
}

TEST_F(broadcaster_test, a_shop_filter_passes_only_that_shop) {
  auto shop_one = std::make_shared<recording_subscriber>();
  subscribe(shop_one, {std::string("1"), false});
  publish(started(1, "CA1"));
  publish(started(2, "CA2"));
  publish(ended(2, "CA2"));
  publish(
      {1,
       "",
       "",
       {},
       appointment_created_event{"ap1", "Haircut", "Ana", {}, {}, "Kim", 4500, "phone", "CA1"}});
  publish({3, "", "", {}, appointment_cancelled_event{"ap2"}});
  subscribers();
  std::vector<std::string> types;
  for (const auto& e : shop_one->events()) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"snapshot", "call_started", "appointment_created"}));
  EXPECT_EQ(shop_one->events().back()["appointment"]["revenue_cents"], 4500);
}

TEST_F(broadcaster_test, a_filter_by_uuid_matches_events_that_carry_it) {
  auto by_uuid = std::make_shared<recording_subscriber>();
  subscribe(by_uuid, {std::string("6F1C0B56-0000-4000-8000-000000000001"), false});
  publish({1, "6f1c0b56-0000-4000-8000-000000000001", "", {}, shop_updated_event{}});
  publish({1, "00000000-0000-4000-8000-000000000002", "", {}, shop_updated_event{}});
  publish(started(1, "CA1"));  // no uuid, and none known for location 1: not passed
  subscribers();
  auto events = by_uuid->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["type"], "shop_updated");
}

TEST_F(broadcaster_test, transcripts_go_only_to_subscribers_that_asked) {
  auto plain = std::make_shared<recording_subscriber>();
  auto with_text = std::make_shared<recording_subscriber>();
  subscribe(plain);
  subscribe(with_text, {std::nullopt, true});
  publish(started(1, "CA1"));
  publish(turn(1, "CA1", "book"));
  subscribers();
  auto p = plain->events().back();
  auto t = with_text->events().back();
  EXPECT_EQ(p["type"], "call_turn");
  EXPECT_EQ(p["call"]["intent"], "book");
  EXPECT_FALSE(p.contains("transcript"));
  EXPECT_EQ(t["transcript"]["caller"], "I'd like a haircut");
  EXPECT_EQ(t["transcript"]["receptionist"], "Sure, when?");
  EXPECT_EQ(p["call"]["sid"], "CA1");
  EXPECT_EQ(plain->events().size(), 3u);  // snapshot, call_started, call_turn
  EXPECT_EQ(with_text->events().size(), 3u);
}

TEST_F(broadcaster_test, events_gathered_in_an_interval_go_out_as_one_payload_in_order) {
  auto a = std::make_shared<recording_subscriber>();
  auto b = std::make_shared<recording_subscriber>();
  auto shop_two = std::make_shared<recording_subscriber>();
  subscribe(a);
  subscribe(b);
  subscribe(shop_two, {std::string("2"), false});
  for (int i = 0; i < 50; ++i) publish(started(1 + i % 2, "CA" + std::to_string(i)));
  subscribers();
  ASSERT_EQ(a->received().size(), 2u) << "the snapshot, then one payload of 50 lines";
  EXPECT_EQ(a->received()[1].get(), b->received()[1].get()) << "one payload per feed, shared";
  auto events = a->events();
  ASSERT_EQ(events.size(), 51u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(events[i + 1]["call"]["sid"], "CA" + std::to_string(i));
  auto filtered = shop_two->events();
  ASSERT_EQ(filtered.size(), 26u);
  for (std::size_t i = 1; i < filtered.size(); ++i)
    EXPECT_EQ(filtered[i]["shop"]["location_id"], 2);
}

TEST(broadcaster, gathered_events_go_out_when_the_interval_ends) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  runtime_stats stats;
  broadcaster_environment env{nullptr, &stats, 1h};
  env.batch_interval = 20ms;
  auto broadcaster = spawn_broadcaster(system, env);
  auto dashboard = std::make_shared<recording_subscriber>();
  caf::anon_send(broadcaster, ops_subscribe_atom::value, std::shared_ptr<ops_subscriber>(dashboard),
                 ops_filter{});
  caf::anon_send(broadcaster, ops_publish_atom::value, started(1, "CA1"));
  caf::anon_send(broadcaster, ops_publish_atom::value, ended(1, "CA1"));
  auto last = dashboard->wait_for([](const json& e) { return e["type"] == "call_ended"; });
  EXPECT_TRUE(last.has_value());
  EXPECT_EQ(dashboard->received().size(), 2u) << "snapshot, then both events in one payload";
  caf::anon_send_exit(broadcaster, caf::exit_reason::user_shutdown);
}

TEST_F(broadcaster_test, a_new_subscriber_gets_no_event_its_snapshot_already_holds) {
  auto early = std::make_shared<recording_subscriber>();
  subscribe(early);
  publish(started(1, "CA1"));  // gathered, not yet delivered
  auto late = std::make_shared<recording_subscriber>();
  subscribe(late);
  publish(ended(1, "CA1"));
  subscribers();
  auto late_events = late->events();
  ASSERT_EQ(late_events.size(), 2u);
  EXPECT_EQ(late_events[0]["live_calls"].size(), 1u);
  EXPECT_EQ(late_events[1]["type"], "call_ended");
  EXPECT_EQ(early->events().size(), 3u);
}

TEST_F(broadcaster_test, a_subscriber_that_falls_behind_is_dropped_and_others_carry_on) {
  auto slow = std::make_shared<recording_subscriber>(3);
  auto fast = std::make_shared<recording_subscriber>();
  subscribe(slow);
  subscribe(fast);
  for (int i = 0; i < 10; ++i) {
    publish(started(1, "CA" + std::to_string(i)));
    subscribers();  // each event its own payload
  }
  EXPECT_EQ(subscribers(), 1u);
  EXPECT_EQ(slow->received().size(), 3u);
  EXPECT_EQ(slow->attempts(), 4u) << "no delivery is tried after the refusal";
  EXPECT_EQ(fast->received().size(), 11u);
}

TEST_F(broadcaster_test, unsubscribing_stops_the_stream) {
  auto a = std::make_shared<recording_subscriber>();
  subscribe(a);
  self->send(broadcaster, ops_unsubscribe_atom::value, std::shared_ptr<ops_subscriber>(a));
  publish(started(1, "CA1"));
  EXPECT_EQ(subscribers(), 0u);
  EXPECT_EQ(a->received().size(), 1u);  // the snapshot only
}

TEST_F(broadcaster_test, a_subscriber_refusing_the_snapshot_is_not_kept) {
  subscribe(std::make_shared<recording_subscriber>(0));
  subscribe(nullptr);
  EXPECT_EQ(subscribers(), 0u);
}

TEST(mask_caller, keeps_country_code_and_last_four) {
  EXPECT_EQ(mask_caller("+15555550100"), "+1******0100");
  EXPECT_EQ(mask_caller("+442071234567"), "+44******4567");
  EXPECT_EQ(mask_caller("5550100123"), "******0123");
  EXPECT_EQ(mask_caller("anonymous"), "anonymous");
  EXPECT_EQ(mask_caller(""), "unknown");
  EXPECT_EQ(mask_caller("+1 (555) 555-0100"), "+1******0100");
  EXPECT_EQ(mask_caller("\xff\xfe+123"), "anonymous");
}

class broadcaster_on_database : public db::testing::migrated_database_test {};

TEST_F(broadcaster_on_database, metrics_carry_today_numbers_of_the_shop_named_by_uuid) {
  db::connection connection(url());
  auto saved = db::seed_demo_salon(connection);
  std::string shop_id = database()
                            .query("select id::text from profiles where location_id = 1")[0][0]
                            .as<std::string>();
  database().query(
      "insert into calls (call_sid, shop_id, from_number, to_number, started_at) values "
      "('CAtoday1', '" +
      shop_id + "', '+15555550100', '+18084826296', now())");
  (void)saved;

  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  runtime_stats stats;
  stats.spool_depth = 7;
  auto pool = spawn_database_pool(system, {url(), 1, 100}, stats);
  auto broadcaster = spawn_broadcaster(system, {pool, &stats, 50ms});
  auto subscriber = std::make_shared<recording_subscriber>(100000);
  caf::anon_send(broadcaster, ops_subscribe_atom::value,
                 std::shared_ptr<ops_subscriber>(subscriber), ops_filter{shop_id, false});
  auto metrics = subscriber->wait_for(
      [](const json& e) { return e["type"] == "metrics" && e["metrics"]["calls_today"] == 1; });
  ASSERT_TRUE(metrics) << "no metrics event with today's call";
  EXPECT_EQ((*metrics)["shop"]["location_id"], 1);
  EXPECT_EQ((*metrics)["shop"]["id"], shop_id);
  EXPECT_EQ((*metrics)["shop"]["name"], "Studio Nine Hair & Color");
  EXPECT_EQ((*metrics)["metrics"]["spool_depth"], 7);
  EXPECT_EQ((*metrics)["metrics"]["live_calls"], 0);
  caf::anon_send_exit(broadcaster, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace salon::actors
