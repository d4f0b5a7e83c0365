// Shop actors deciding bookings on the real PostgreSQL.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <filesystem>
#include <thread>

#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/shop_directory.hpp"
#include "conversation/availability.hpp"
#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "tests/actors/actor_node.hpp"
#include "tests/db/scratch_database.hpp"

namespace salon::actors {
namespace {

using namespace std::chrono_literals;

using testing::node;
using testing::shop_of;
using testing::snapshot_of;
using testing::spool_dir;

class actors_on_database : public db::testing::migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    db::connection connection(url());
    db::seed_demo_salon(connection);
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

}  // namespace
}  // namespace salon::actors
