#include "db/connection.hpp"

#include <thread>

#include "db/demo_seed.hpp"
#include "db/errors.hpp"
#include "scratch_database.hpp"

namespace salon::db {
namespace {

using testing::migrated_database_test;

std::string unreachable_url() {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(testing::closed_loopback_port()) +
         "/salon_phone";
}

TEST(connection, an_unreachable_database_is_unavailable_and_ping_says_so) {
  connection db(unreachable_url(), connection_options{false, std::chrono::seconds{2}, {}});
  EXPECT_FALSE(db.ping());
  EXPECT_FALSE(db.is_connected());
  EXPECT_THROW(db.load_shop(1), unavailable);
  EXPECT_THROW(db.list_shops(), unavailable);
  EXPECT_THROW(db.record_call_started(call_started{"CA1", {}, "", "", {}}), unavailable);
}

TEST(connection, a_malformed_url_is_unavailable_not_a_crash) {
  connection db("postgresql://[::1", connection_options{});
  EXPECT_FALSE(db.ping());
  EXPECT_THROW(db.load_phone_routes(), error);
}

TEST_F(migrated_database_test, connects_lazily_and_pings) {
  connection db(url());
  EXPECT_FALSE(db.is_connected());
  EXPECT_TRUE(db.ping());
  EXPECT_TRUE(db.is_connected());
}

TEST_F(migrated_database_test, reads_survive_a_dropped_session_by_reconnecting_once) {
  connection db(url());
  seed_demo_salon(db);
  ASSERT_TRUE(db.load_shop(1).has_value());
  ASSERT_GE(database().terminate_sessions(), 1);

  const auto again = db.load_shop(1);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->services.size(), 7u);
  EXPECT_TRUE(db.is_connected());
}

TEST_F(migrated_database_test, writes_survive_a_dropped_session_too) {
  connection db(url());
  const auto shop_id = seed_demo_salon(db).shop_id;
  database().terminate_sessions();
  EXPECT_EQ(db.record_call_started(call_started{"CA42", shop_id, "+18085550123", "+18084826296",
                                                time_point{std::chrono::seconds{1'900'000'000}}})
                .result,
            call_log_result::applied);
  EXPECT_TRUE(db.load_call("CA42").has_value());
}

TEST_F(migrated_database_test, works_behind_a_transaction_pooler_without_prepared_statements) {
  connection db(url(), connection_options{true, std::chrono::seconds{5}, {}});
  seed_demo_salon(db);
  const auto loaded = db.load_shop(1);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->services.size(), 7u);
  EXPECT_EQ(database().query("select count(*) from pg_prepared_statements")[0][0].as<int>(), 0);
}

TEST_F(migrated_database_test, a_slow_statement_is_cut_by_the_statement_timeout) {
  connection db(url(),
                connection_options{false, std::chrono::seconds{5}, std::chrono::milliseconds{200}});
  // Holding a lock on profiles makes the next read wait past the timeout.
  pqxx::connection blocker(url());
  pqxx::work lock(blocker);
  lock.exec("lock table profiles in access exclusive mode");
  try {
    db.list_shops();
    ADD_FAILURE() << "the read did not time out";
  } catch (const query_error& e) {
    EXPECT_EQ(e.sqlstate(), "57014") << e.what();
  }
  lock.abort();
}

TEST_F(migrated_database_test, connections_on_several_threads_work_independently) {
  {
    connection db(url());
    seed_demo_salon(db);
  }
  std::vector<std::thread> workers;
  std::vector<int> loaded(4, 0);
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&, i] {
      connection db(url());
      for (int round = 0; round < 20; ++round)
        if (db.load_shop(1)) ++loaded[i];
    });
  for (auto& w : workers) w.join();
  for (int count : loaded) EXPECT_EQ(count, 20);
}

}  // namespace
}  // namespace salon::db
