// The call log on the real PostgreSQL: batches, writes answered on acceptance, the order of a
// call's writes, the spool through an outage and a restart, writes the database refuses.

#include "actors/call_log.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "actors/messages.hpp"
#include "actors/spool.hpp"
#include "actors/tally_folder.hpp"
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

db::call_status_update status_update(const std::string& sid, db::call_status status,
                                     std::optional<int> sequence, std::optional<int> duration) {
  db::call_status_update u;
  u.call_sid = sid;
  u.status = status;
  u.sequence_number = sequence;
  u.duration_seconds = duration;
  u.at = now_micro();
  return u;
}

db::call_settlement settlement(const std::string& sid) {
  db::call_settlement s;
  s.call_sid = sid;
  s.outcome = db::call_outcome::inquiry;
  s.caller_spoke = true;
  s.turns = 2;
  s.started_at = now_micro() - std::chrono::seconds(40);
  s.ended_at = now_micro();
  return s;
}

TEST_F(call_log_on_database, a_status_callback_is_answered_while_the_database_holds_its_batch) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("accepted"));
  ASSERT_TRUE(write(
      system, n.call_log,
      db::call_started{"CAaccepted", std::nullopt, "+18085550005", "+18084826296", now_micro()}));

  // Another session holds the calls table: the log's next transaction waits behind it.
  pqxx::connection holder(url());
  pqxx::work hold(holder);
  hold.exec("lock table calls in access exclusive mode");
  caf::scoped_actor self{system};
  bool durable_answered = false;
  self->request(n.call_log, 1s, write_atom::value,
                durable_write{status_update("CAaccepted", db::call_status::in_progress, 2, {})})
      .receive([&](bool) { durable_answered = true; }, [&](caf::error&) {});
  ASSERT_FALSE(durable_answered) << "the database is holding the batch";

  // A write answered on acceptance does not wait for that transaction.
  bool accepted = false;
  self->request(n.call_log, 5s, write_atom::value,
                durable_write{status_update("CAaccepted", db::call_status::completed, 3, 40)},
                accepted_atom::value)
      .receive([&](bool ok) { accepted = ok; },
               [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  EXPECT_TRUE(accepted);

  hold.abort();
  EXPECT_EQ(
      eventually(database(), "select status from calls where call_sid = 'CAaccepted'", "completed"),
      "completed");
  EXPECT_EQ(database()
                .query("select duration_seconds from calls where call_sid = 'CAaccepted'")[0][0]
                .as<int>(),
            40);
  n.stop();
}

TEST_F(call_log_on_database, a_backlog_is_written_in_transactions_of_at_most_200_writes) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("backlog"));
  ASSERT_TRUE(write(
      system, n.call_log,
      db::call_started{"CAbacklog0", std::nullopt, "+18085550005", "+18084826296", now_micro()}));
  const auto batches_before = n.stats.call_log_batches.load();

  // While another session holds the calls table, 1,000 writes pile up behind one transaction.
  pqxx::connection holder(url());
  pqxx::work hold(holder);
  hold.exec("lock table calls in access exclusive mode");
  caf::scoped_actor self{system};
  for (int i = 1; i <= 1000; ++i) {
    self->send(n.call_log, write_atom::value,
               durable_write{db::call_started{"CAbacklog" + std::to_string(i), std::nullopt,
                                              "+18085550005", "+18084826296", now_micro()}},
               accepted_atom::value);
  }
  std::this_thread::sleep_for(200ms);
  hold.abort();

  EXPECT_EQ(
      eventually(database(), "select count(*) from calls where call_sid like 'CAbacklog%'", "1001"),
      "1001");
  // 1,000 writes in transactions of at most 200: five or more (one whole backlog: two).
  EXPECT_GE(n.stats.call_log_batches.load() - batches_before, 5u);
  EXPECT_EQ(n.stats.call_log_written.load(), 1001u);
  n.stop();
}

TEST_F(call_log_on_database, a_backlog_past_its_limit_goes_to_the_spool_and_nothing_is_refused) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("spill"));
  // A log of this node's pool that keeps at most 20 queued writes in memory.
  auto log = spawn_call_log(system, n.pool, spool_dir("spill-log").string(), n.stats, 20);
  ASSERT_TRUE(write(
      system, log,
      db::call_started{"CAspill0", std::nullopt, "+18085550005", "+18084826296", now_micro()}));

  // The database is up but holds the calls table: 200 status callbacks pile up behind it.
  pqxx::connection holder(url());
  pqxx::work hold(holder);
  hold.exec("lock table calls in access exclusive mode");
  caf::scoped_actor self{system};
  int accepted = 0;
  for (int i = 1; i <= 200; ++i) {
    self->request(log, 5s, write_atom::value,
                  durable_write{status_update("CAspill" + std::to_string(i),
                                              db::call_status::completed, 3, 40)},
                  accepted_atom::value)
        .receive([&](bool ok) { accepted += ok ? 1 : 0; },
                 [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  }
  EXPECT_EQ(accepted, 200) << "none refused";
  EXPECT_GT(n.stats.spool_depth.load(), 0) << "the backlog went to disk";
  hold.abort();

  EXPECT_EQ(eventually(database(),
                       "select count(*) from calls where call_sid like 'CAspill%' "
                       "and (call_sid = 'CAspill0' or status = 'completed')",
                       "201"),
            "201");
  for (int i = 0; i < 200 && n.stats.spool_depth.load() > 0; ++i) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(n.stats.spool_depth.load(), 0) << "replayed, and back to the database";
  caf::anon_send_exit(log, caf::exit_reason::user_shutdown);
  n.stop();
}

TEST_F(call_log_on_database, a_settled_call_ends_as_twilio_says_whichever_write_comes_first) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("order"));
  for (bool settled_first : {true, false}) {
    const std::string sid = settled_first ? "CAsettledfirst" : "CAstatusfirst";
    ASSERT_TRUE(write(system, n.call_log,
                      db::call_started{sid, std::nullopt, "+18085550006", "+18084826296",
                                       now_micro() - std::chrono::seconds(40)}));
    auto completed = status_update(sid, db::call_status::completed, 4, 38);
    if (settled_first) {
      ASSERT_TRUE(write(system, n.call_log, settlement(sid)));
      ASSERT_TRUE(write(system, n.call_log, completed));
    } else {
      ASSERT_TRUE(write(system, n.call_log, completed));
      ASSERT_TRUE(write(system, n.call_log, settlement(sid)));
    }
    // A late in-progress callback changes nothing.
    ASSERT_TRUE(write(system, n.call_log, status_update(sid, db::call_status::in_progress, 2, {})));
    auto row = database().query(
        "select status, outcome, duration_seconds, turns, caller_spoke, settled_at is not null "
        "from calls where call_sid = '" +
        sid + "'");
    ASSERT_EQ(row.size(), 1u) << sid;
    EXPECT_EQ(row[0][0].as<std::string>(), "completed") << sid;
    EXPECT_EQ(row[0][1].as<std::string>(), "inquiry") << sid;
    EXPECT_EQ(row[0][2].as<int>(), 38) << sid << ": Twilio's duration";
    EXPECT_EQ(row[0][3].as<int>(), 2) << sid;
    EXPECT_TRUE(row[0][4].as<bool>()) << sid;
    EXPECT_TRUE(row[0][5].as<bool>()) << sid;
  }
  n.stop();
}

// A pending booking the database refuses by a check constraint (negative revenue).
db::appointment refused_appointment(db::testing::scratch_database& database) {
  db::appointment a;
  a.id = "7b0e6f3c-1d2a-4b5c-8d9e-0f1a2b3c4d5e";
  a.shop_id = database.query("select id from profiles where location_id = 1")[0][0].c_str();
  a.service_name = "Women's Haircut";
  a.resource = "Maria";
  a.starts_at = now_micro() + std::chrono::hours(48);
  a.ends_at = a.starts_at + std::chrono::hours(1);
  a.status = db::appointment_status::pending;
  a.estimated_revenue_cents = -1;
  return a;
}

std::vector<std::string> dead_letters(const std::filesystem::path& dir) {
  return spool(dir, "call-log.dead").read_all();
}

TEST_F(call_log_on_database, a_refused_write_goes_to_the_dead_letters_and_the_rest_goes_on) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  auto dir = spool_dir("dead_letter");
  node n(system, url(), dir);
  // Sent together so that they share a batch, which the database then refuses as a whole.
  caf::anon_send(n.call_log, write_atom::value,
                 durable_write{db::call_started{"CAgood1", std::nullopt, "+18085550007",
                                                "+18084826296", now_micro()}});
  caf::anon_send(n.call_log, write_atom::value, durable_write{refused_appointment(database())});
  EXPECT_TRUE(
      write(system, n.call_log,
            db::call_started{"CAgood2", std::nullopt, "+18085550008", "+18084826296", now_micro()}))
      << "the writer of the good row is answered";
  EXPECT_EQ(eventually(database(),
                       "select count(*) from calls where call_sid in ('CAgood1', 'CAgood2')", "2"),
            "2");
  EXPECT_EQ(database().query("select count(*) from appointments")[0][0].as<int>(), 0);
  auto dead = dead_letters(dir);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].find("7b0e6f3c-1d2a-4b5c-8d9e-0f1a2b3c4d5e"), std::string::npos) << dead[0];
  EXPECT_NE(dead[0].find("check"), std::string::npos) << "the database's reason: " << dead[0];
  EXPECT_EQ(n.stats.call_log_dead_letters.load(), 1u);
  EXPECT_EQ(n.stats.spool_depth.load(), 0);

  // The log goes on writing (nothing stuck behind the refused row).
  EXPECT_TRUE(write(
      system, n.call_log,
      db::call_started{"CAgood3", std::nullopt, "+18085550009", "+18084826296", now_micro()}));
  EXPECT_EQ(eventually(database(), "select count(*) from calls where call_sid = 'CAgood3'", "1"),
            "1");
  n.stop();
}

TEST_F(call_log_on_database, a_refused_write_in_the_spool_is_not_replayed_forever) {
  auto [host, port] = host_port(url());
  salon::testing::tcp_proxy proxy(host, port);
  auto dir = spool_dir("dead_replay");
  auto bad = refused_appointment(database());
  proxy.cut();
  {
    caf::actor_system_config cfg;
    caf::actor_system system{cfg};
    node n(system, proxy.proxied_url(url()), dir);
    ASSERT_TRUE(write(
        system, n.call_log,
        db::call_started{"CAspooled1", std::nullopt, "+18085550010", "+18084826296", now_micro()}));
    ASSERT_TRUE(write(system, n.call_log, bad));
    ASSERT_TRUE(
        write(system, n.call_log, status_update("CAspooled1", db::call_status::completed, 5, 12)));
    EXPECT_EQ(n.stats.spool_depth.load(), 3);
    n.stop();
  }
  proxy.restore();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), dir);
  EXPECT_EQ(
      eventually(database(), "select status from calls where call_sid = 'CAspooled1'", "completed"),
      "completed");
  for (int i = 0; i < 100 && n.stats.spool_depth.load() != 0; ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(n.stats.spool_depth.load(), 0) << "the refused write left the spool";
  EXPECT_EQ(dead_letters(dir).size(), 1u);
  EXPECT_EQ(n.stats.call_log_dead_letters.load(), 1u);
  n.stop();
}

TEST_F(call_log_on_database, the_tally_folder_adds_up_what_the_call_log_appended) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  node n(system, url(), spool_dir("tallies"));
  const auto demo_shop = database().query("select id from profiles")[0][0].as<std::string>();
  for (int i = 0; i < 5; ++i) {
    const auto sid = "CAtally" + std::to_string(i);
    ASSERT_TRUE(
        write(system, n.call_log,
              db::call_started{sid, demo_shop, "+18085550001", "+18084826296", now_micro()}));
    ASSERT_TRUE(write(system, n.call_log, status_update(sid, db::call_status::completed, 5, 12)));
  }
  ASSERT_EQ(eventually(database(), "select count(*) from calls where status = 'completed'", "5"),
            "5");
  ASSERT_GT(database().query("select count(*) from call_daily_stats")[0][0].as<int>(), 1);

  auto folder = spawn_tally_folder(system, n.pool, 50ms);
  EXPECT_EQ(eventually(database(),
                       "select count(*) || ' ' || sum(calls) || ' ' || sum(missed) "
                       "from call_daily_stats",
                       "1 5 5"),
            "1 5 5");
  caf::anon_send_exit(folder, caf::exit_reason::user_shutdown);
  n.stop();
}

}  // namespace
}  // namespace salon::actors
