// The shop directory on the real PostgreSQL: routes that wait for the first read of the numbers,
// reads retried until the database answers, and a shop's number changing while the server runs.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <thread>
#include <variant>

#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "tests/actors/actor_node.hpp"
#include "tests/db/scratch_database.hpp"
#include "tests/support/tcp_proxy.hpp"

namespace salon::actors {
namespace {

using namespace std::chrono_literals;
using namespace testing;

constexpr const char* demo_number = "+18084826296";  // location 1, in `profiles` only

class shop_directory_on_database : public db::testing::migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    if (HasFatalFailure()) return;
    db::connection connection(url());
    db::seed_demo_salon(connection);
  }
};

// The directory's answer for `phone`: a location, or why there is none.
std::variant<int, failure> route(caf::actor_system& system, const caf::actor& directory,
                                 const std::string& phone) {
  caf::scoped_actor self{system};
  std::variant<int, failure> answer = failure::internal;
  self->request(directory, 30s, route_atom::value, phone)
      .receive([&](int location) { answer = location; },
               [&](caf::error& e) { answer = classify(e); });
  return answer;
}

TEST_F(shop_directory_on_database, a_call_before_the_first_read_waits_for_it) {
  auto [host, port] = host_port(url());
  salon::testing::tcp_proxy proxy(host, port);
  proxy.cut();  // the database is away when the server starts
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  shop_directory_options options;
  options.first_read_wait = 20s;
  options.first_retry = 50ms;
  node n(system, proxy.proxied_url(url()), spool_dir("directory_wait"), options);
  std::thread back([&] {
    std::this_thread::sleep_for(500ms);
    proxy.restore();
  });
  // Known only to the database: answered once a retried read gets through, not shop_not_found.
  EXPECT_EQ(route(system, n.directory, demo_number), (std::variant<int, failure>{1}));
  back.join();
  n.stop();
}

TEST_F(shop_directory_on_database, without_the_database_calls_are_answered_from_what_is_known) {
  auto [host, port] = host_port(url());
  salon::testing::tcp_proxy proxy(host, port);
  proxy.cut();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  shop_directory_options options;
  options.configured_numbers = {{"+15550001111", 3}};
  options.default_location_id = 7;
  options.first_read_wait = 300ms;
  options.first_retry = 50ms;
  options.longest_retry = 200ms;
  node n(system, proxy.proxied_url(url()), spool_dir("directory_never"), options);
  EXPECT_EQ(route(system, n.directory, "+15550001111"), (std::variant<int, failure>{3}));
  // The wait is bounded: the default location answers while the database stays away.
  EXPECT_EQ(route(system, n.directory, demo_number), (std::variant<int, failure>{7}));

  // Nobody asks for a reload: the directory keeps trying on its own.
  proxy.restore();
  std::variant<int, failure> answer;
  for (int i = 0; i < 100; ++i) {
    answer = route(system, n.directory, demo_number);
    if (answer == std::variant<int, failure>{1}) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(answer, (std::variant<int, failure>{1}));
  n.stop();
}

TEST_F(shop_directory_on_database, a_shops_new_number_lets_the_old_one_go_at_once) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("directory_renumber"));
  ASSERT_EQ(route(system, n.directory, demo_number), (std::variant<int, failure>{1}));

  caf::anon_send(n.directory, map_phone_atom::value, std::string("+18085550123"), 1);
  EXPECT_EQ(route(system, n.directory, "+18085550123"), (std::variant<int, failure>{1}));
  EXPECT_EQ(route(system, n.directory, demo_number),
            (std::variant<int, failure>{failure::shop_not_found}));

  // Changed again: the number set a moment ago goes too.
  caf::anon_send(n.directory, map_phone_atom::value, std::string("+18085550124"), 1);
  EXPECT_EQ(route(system, n.directory, "+18085550123"),
            (std::variant<int, failure>{failure::shop_not_found}));
  EXPECT_EQ(route(system, n.directory, "+18085550124"), (std::variant<int, failure>{1}));

  n.stop();
}

TEST_F(shop_directory_on_database, a_read_after_a_live_update_makes_the_database_the_truth_again) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("directory_reread"));
  // Set up here with a new number...
  database().query("update profiles set phone_number = '+18085550130' where location_id = 1");
  caf::anon_send(n.directory, map_phone_atom::value, std::string("+18085550130"), 1);
  ASSERT_EQ(route(system, n.directory, "+18085550130"), (std::variant<int, failure>{1}));
  // ...then renumbered on another node, which tells every node to read the numbers again.
  database().query("update profiles set phone_number = '+18085550131' where location_id = 1");
  caf::anon_send(n.directory, reload_atom::value);
  std::variant<int, failure> answer;
  for (int i = 0; i < 100; ++i) {
    answer = route(system, n.directory, "+18085550131");
    if (answer == std::variant<int, failure>{1}) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(answer, (std::variant<int, failure>{1}));
  EXPECT_EQ(route(system, n.directory, "+18085550130"),
            (std::variant<int, failure>{failure::shop_not_found}))
      << "this node's own live entry gave way to the database";
  n.stop();
}

}  // namespace
}  // namespace salon::actors
