// The call log on the real PostgreSQL: batches, the spool through an outage and a restart.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <thread>

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

class call_log_on_database : public db::testing::migrated_database_test {
 protected:
  void SetUp() override {
    migrated_database_test::SetUp();
    if (HasFatalFailure()) return;
    db::connection connection(url());
    db::seed_demo_salon(connection);
  }
};

TEST_F(call_log_on_database, call_log_survives_a_database_outage) {
  auto [host, port] = host_port(url());
  salon::testing::tcp_proxy proxy(host, port);
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

TEST_F(call_log_on_database, a_restart_replays_what_the_last_run_spooled) {
  auto [host, port] = host_port(url());
  salon::testing::tcp_proxy proxy(host, port);
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
