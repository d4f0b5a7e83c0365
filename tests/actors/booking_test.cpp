// Shop actors deciding bookings, and the call log keeping writes through a database outage, on
// the real PostgreSQL.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <filesystem>
#include <regex>
#include <thread>

#include "actors/call_log.hpp"
#include "actors/database_pool.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/shop_directory.hpp"
#include "conversation/availability.hpp"
#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "tests/db/scratch_database.hpp"
#include "tests/support/tcp_proxy.hpp"

namespace salon::actors {
namespace {

using namespace std::chrono_literals;

// One node's long-lived actors on one database.
struct node {
  runtime_stats stats;
  caf::actor pool;
  caf::actor call_log;
  caf::actor directory;

  node(caf::actor_system& system, const std::string& url, const std::filesystem::path& spool) {
    pool = spawn_database_pool(system, {url, 4, 10000}, stats);
    call_log = spawn_call_log(system, pool, spool.string(), stats);
    directory = spawn_shop_directory(system, {}, shop_environment{pool, call_log, "UTC", &stats});
  }
  void stop() {
    for (auto* a : {&directory, &call_log, &pool})
      caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  }
};

std::filesystem::path spool_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("actors_test_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

class actors_on_database : public db::testing::migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    db::connection connection(url());
    db::seed_demo_salon(connection);
  }

  caf::actor shop_of(caf::actor_system& system, const node& n) {
    caf::scoped_actor self{system};
    caf::actor shop;
    self->request(n.directory, 10s, shop_atom::value, 1)
        .receive([&](caf::actor& a) { shop = a; },
                 [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
    return shop;
  }

  shared_snapshot snapshot_of(caf::actor_system& system, const caf::actor& shop) {
    caf::scoped_actor self{system};
    shared_snapshot snapshot;
    self->request(shop, 10s, snapshot_atom::value)
        .receive([&](shared_snapshot& s) { snapshot = s; },
                 [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
    return snapshot;
  }

  // The first free slot for a service (the first by default) with its first qualified stylist.
  conversation::book_action first_free_booking(const conversation::shop_snapshot& shop,
                                               std::size_t service = 0) {
    conversation::availability search(shop);
    conversation::slot_query query;
    query.service_ids = {shop.services.at(service).id};
    query.now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    query.from = query.now + std::chrono::hours(24);
    query.to = query.from + std::chrono::days(14);
    auto slots = search.find(query);
    EXPECT_FALSE(slots.empty());
    conversation::book_action action;
    action.service_ids = query.service_ids;
    action.resource = slots.front().resource;
    action.start = slots.front().start;
    action.end = slots.front().end;
    action.customer_name = "Race Caller";
    action.phone = "+18085550000";
    action.price_cents = shop.services.at(service).price_cents;
    return action;
  }

  // Books from `threads` threads at once; returns how many were confirmed.
  int book_concurrently(caf::actor_system& system, const std::vector<caf::actor>& shops,
                        const conversation::book_action& action, int threads) {
    std::atomic<int> confirmed{0};
    std::atomic<int> taken{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < threads; ++i) {
      callers.emplace_back([&, i] {
        caf::scoped_actor self{system};
        self->request(shops[static_cast<std::size_t>(i) % shops.size()], 30s, book_atom::value,
                      booking_request{action, ""})
            .receive(
                [&](conversation::action_result& result) {
                  if (std::holds_alternative<conversation::booking_confirmed>(result)) ++confirmed;
                  if (std::holds_alternative<conversation::booking_taken>(result)) ++taken;
                },
                [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
      });
    }
    for (auto& t : callers) t.join();
    EXPECT_EQ(confirmed + taken, threads) << "every caller got an answer";
    return confirmed;
  }
};

TEST_F(actors_on_database, fifty_callers_one_slot_one_booking) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("fifty"));
  auto shop = shop_of(system, n);
  auto action = first_free_booking(*snapshot_of(system, shop));
  EXPECT_EQ(book_concurrently(system, {shop}, action, 50), 1);
  EXPECT_EQ(
      database().query("select count(*) from appointments where status = 'booked'")[0][0].as<int>(),
      1);
  EXPECT_EQ(n.stats.bookings.load(), 1u);
  EXPECT_EQ(n.stats.bookings_taken.load(), 49u);
  n.stop();
}

TEST_F(actors_on_database, two_nodes_one_slot_one_booking) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node a(system, url(), spool_dir("node_a"));
  node b(system, url(), spool_dir("node_b"));
  auto shop_a = shop_of(system, a);
  auto shop_b = shop_of(system, b);
  auto action = first_free_booking(*snapshot_of(system, shop_a));
  ASSERT_TRUE(snapshot_of(system, shop_b)) << "both nodes hold the shop's book before booking";
  // Each node believes the slot is free; the exclusion constraint decides.
  EXPECT_EQ(book_concurrently(system, {shop_a, shop_b}, action, 40), 1);
  EXPECT_EQ(
      database().query("select count(*) from appointments where status = 'booked'")[0][0].as<int>(),
      1);
  a.stop();
  b.stop();
}

TEST_F(actors_on_database, no_preference_books_another_stylist_at_the_same_time) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("any"));
  auto shop = shop_of(system, n);
  auto snapshot = snapshot_of(system, shop);
  // The service most stylists do.
  conversation::availability search(*snapshot);
  int qualified = 0;
  std::size_t service = 0;
  for (std::size_t s = 0; s < snapshot->services.size(); ++s) {
    int count = 0;
    for (std::size_t i = 0; i < snapshot->stylists.size(); ++i) {
      if (search.does_all(i, {snapshot->services[s].id})) ++count;
    }
    if (count > qualified) {
      qualified = count;
      service = s;
    }
  }
  auto action = first_free_booking(*snapshot, service);
  action.any_stylist = true;
  ASSERT_GE(qualified, 2) << "the demo salon has several stylists for its first service";
  EXPECT_EQ(book_concurrently(system, {shop}, action, 10), qualified);
  auto resources =
      database().query("select count(distinct resource) from appointments where status = 'booked'");
  EXPECT_EQ(resources[0][0].as<int>(), qualified);
  n.stop();
}

std::pair<std::string, std::uint16_t> host_port(const std::string& url) {
  std::smatch match;
  std::regex pattern(R"(@([^/:]+):(\d+)/)");
  EXPECT_TRUE(std::regex_search(url, match, pattern)) << url;
  return {match[1], static_cast<std::uint16_t>(std::stoi(match[2]))};
}

bool write(caf::actor_system& system, const caf::actor& call_log, durable_write w) {
  caf::scoped_actor self{system};
  bool stored = false;
  self->request(call_log, 30s, write_atom::value, std::move(w))
      .receive([&](bool ok) { stored = ok; },
               [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  return stored;
}

db::time_point now_micro() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

// Polls `sql` until it answers `expected` (or gives up after 20 s and reports the last answer).
std::string eventually(db::testing::scratch_database& database, const std::string& sql,
                       const std::string& expected) {
  std::string last;
  for (int i = 0; i < 200; ++i) {
    auto result = database.query(sql);
    last = result.empty() || result[0][0].is_null() ? "" : result[0][0].c_str();
    if (last == expected) break;
    std::this_thread::sleep_for(100ms);
  }
  return last;
}

TEST_F(actors_on_database, call_log_survives_a_database_outage) {
  auto [host, port] = host_port(url());
  testing::tcp_proxy proxy(host, port);
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  auto dir = spool_dir("outage");
  node n(system, proxy.proxied_url(url()), dir);

  ASSERT_TRUE(write(
      system, n.call_log,
      db::call_started{"CAoutage1", std::nullopt, "+18085550001", "+18084826296", now_micro()}));
  EXPECT_EQ(eventually(database(), "select count(*) from calls where call_sid = 'CAoutage1'", "1"),
            "1");

  proxy.cut();
  db::call_settlement settled;
  settled.call_sid = "CAoutage1";
  settled.outcome = db::call_outcome::inquiry;
  settled.caller_spoke = true;
  settled.turns = 3;
  settled.started_at = now_micro();
  settled.ended_at = now_micro();
  EXPECT_TRUE(write(system, n.call_log, settled)) << "accepted durably while the database is away";
  EXPECT_TRUE(write(
      system, n.call_log,
      db::call_started{"CAoutage2", std::nullopt, "+18085550002", "+18084826296", now_micro()}));
  EXPECT_GE(n.stats.spool_depth.load(), 1);
  EXPECT_EQ(database().query("select count(*) from calls")[0][0].as<int>(), 1);

  proxy.restore();
  EXPECT_EQ(
      eventually(database(), "select outcome from calls where call_sid = 'CAoutage1'", "inquiry"),
      "inquiry");
  EXPECT_EQ(eventually(database(), "select count(*) from calls", "2"), "2");
  for (int i = 0; i < 100 && n.stats.spool_depth.load() != 0; ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(n.stats.spool_depth.load(), 0);
  n.stop();
}

TEST_F(actors_on_database, a_restart_replays_what_the_last_run_spooled) {
  auto [host, port] = host_port(url());
  testing::tcp_proxy proxy(host, port);
  auto dir = spool_dir("restart");
  proxy.cut();
  {
    caf::actor_system_config cfg;
    caf::actor_system system{cfg};
    node n(system, proxy.proxied_url(url()), dir);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(write(system, n.call_log,
                        db::call_started{"CArestart" + std::to_string(i), std::nullopt,
                                         "+18085550003", "+18084826296", now_micro()}));
    }
    n.stop();
  }
  EXPECT_EQ(database().query("select count(*) from calls")[0][0].as<int>(), 0);
  proxy.restore();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), dir);
  EXPECT_EQ(eventually(database(), "select count(*) from calls", "5"), "5");
  n.stop();
}

}  // namespace
}  // namespace salon::actors
