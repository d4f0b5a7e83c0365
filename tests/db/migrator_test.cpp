#include "db/migrator.hpp"

#include <algorithm>
#include <barrier>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "db/errors.hpp"
#include "scratch_database.hpp"

namespace salon::db {
namespace {

using testing::database_test;

std::vector<std::string> embedded_files() {
  std::vector<std::string> files;
  for (const auto& m : embedded_migrations()) files.emplace_back(m.file);
  return files;
}

int count(testing::scratch_database& database, const std::string& sql) {
  return database.query(sql)[0][0].as<int>();
}

TEST(embedded_migrations, are_the_files_of_db_migrations_in_order) {
  const auto migrations = embedded_migrations();
  ASSERT_GE(migrations.size(), 5u);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const auto& m = migrations[i];
    EXPECT_EQ(m.version, static_cast<int>(i) + 1) << m.file;
    EXPECT_EQ(m.checksum.size(), 64u) << m.file;
    std::ifstream file(std::string(SALON_DB_MIGRATIONS_DIR) + "/" + std::string(m.file),
                       std::ios::binary);
    ASSERT_TRUE(file) << m.file;
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_EQ(text.str(), m.sql) << m.file << " differs from the embedded copy";
  }
}

TEST_F(database_test, migrations_apply_to_an_empty_database) {
  const auto report = apply_migrations(url());
  EXPECT_EQ(report.applied, embedded_files());
  EXPECT_TRUE(report.skipped.empty());
  EXPECT_TRUE(report.unknown_versions.empty());

  for (const char* table :
       {"profiles", "salon_info", "services", "scraped_services", "scraped_professionals",
        "salon_static_data", "calls", "appointments", "schema_migrations"})
    EXPECT_EQ(count(database(), std::string("select count(*) from information_schema.tables "
                                            "where table_schema = 'public' and table_name = '") +
                                    table + "'"),
              1)
        << table;
  EXPECT_EQ(count(database(), "select count(*) from schema_migrations"),
            static_cast<int>(embedded_migrations().size()));
}

TEST_F(database_test, recorded_checksums_are_the_sha256_of_the_files) {
  apply_migrations(url());
  for (const auto& m : embedded_migrations()) {
    pqxx::connection connection(url());
    pqxx::nontransaction query(connection);
    const auto row = query.exec_params1(
        "select checksum, encode(sha256(convert_to($2, 'UTF8')), 'hex'), name "
        "from schema_migrations where version = $1",
        m.version, std::string(m.sql));
    EXPECT_EQ(row[0].as<std::string>(), m.checksum);
    EXPECT_EQ(row[1].as<std::string>(), m.checksum) << m.file;
    EXPECT_EQ(row[2].as<std::string>(), m.file);
  }
}

TEST_F(database_test, running_migrations_twice_changes_nothing_the_second_time) {
  apply_migrations(url());
  const auto applied_at =
      database()
          .query(
              "select string_agg(version || '@' || applied_at, ',' order by version) "
              "from schema_migrations")[0][0]
          .as<std::string>();

  const auto second = apply_migrations(url());
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.skipped, embedded_files());
  EXPECT_EQ(database()
                .query("select string_agg(version || '@' || applied_at, ',' order by "
                       "version) from schema_migrations")[0][0]
                .as<std::string>(),
            applied_at);
}

TEST_F(database_test, concurrent_runs_apply_each_file_exactly_once) {
  constexpr int runners = 3;
  std::vector<migration_report> reports(runners);
  std::vector<std::string> failures(runners);
  std::barrier start(runners);
  std::vector<std::thread> threads;
  for (int i = 0; i < runners; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        reports[i] = apply_migrations(url());
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  for (auto& t : threads) t.join();

  std::multiset<std::string> applied;
  for (int i = 0; i < runners; ++i) {
    EXPECT_EQ(failures[i], "") << "runner " << i;
    applied.insert(reports[i].applied.begin(), reports[i].applied.end());
    EXPECT_EQ(reports[i].applied.size() + reports[i].skipped.size(), embedded_migrations().size());
  }
  const auto files = embedded_files();
  EXPECT_EQ(applied, std::multiset<std::string>(files.begin(), files.end()));
  EXPECT_EQ(count(database(), "select count(*) from schema_migrations"),
            static_cast<int>(files.size()));
}

TEST_F(database_test, an_applied_file_that_changed_is_refused_by_name) {
  apply_migrations(url());
  database().query("update schema_migrations set checksum = repeat('0', 64) where version = 2");
  try {
    apply_migrations(url());
    FAIL() << "a changed migration was accepted";
  } catch (const migration_error& e) {
    EXPECT_EQ(e.file(), "0002_shops.sql");
    EXPECT_NE(std::string(e.what()).find("0002_shops.sql"), std::string::npos) << e.what();
  }
}

TEST_F(database_test, nothing_runs_when_an_applied_file_changed) {
  const migration first{1, "0001_first.sql", "create table first_table (id int);",
                        "1111111111111111111111111111111111111111111111111111111111111111"};
  apply_migrations(url(), std::vector<migration>{first});

  migration edited = first;
  edited.checksum = "2222222222222222222222222222222222222222222222222222222222222222";
  const migration second{2, "0002_second.sql", "create table second_table (id int);",
                         "3333333333333333333333333333333333333333333333333333333333333333"};
  EXPECT_THROW(apply_migrations(url(), std::vector<migration>{edited, second}), migration_error);
  EXPECT_EQ(count(database(),
                  "select count(*) from information_schema.tables "
                  "where table_name = 'second_table'"),
            0);
}

TEST_F(database_test, a_failing_file_is_rolled_back_and_named_and_earlier_ones_stay) {
  const std::vector<migration> migrations = {
      {1, "0001_good.sql", "create table good (id int);", "a1"},
      {2, "0002_bad.sql", "create table half (id int); select * from no_such_table;", "b2"},
      {3, "0003_later.sql", "create table later (id int);", "c3"},
  };
  try {
    apply_migrations(url(), migrations);
    FAIL() << "a broken migration was accepted";
  } catch (const migration_error& e) {
    EXPECT_EQ(e.file(), "0002_bad.sql");
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count(database(), "select count(*) from schema_migrations"), 1);
  EXPECT_EQ(count(database(),
                  "select count(*) from information_schema.tables where table_name "
                  "in ('good', 'half', 'later')"),
            1);
}

TEST_F(database_test, versions_the_binary_does_not_know_are_reported) {
  apply_migrations(url());
  database().query(
      "insert into schema_migrations (version, name, checksum) values (999, '0999_future.sql', "
      "'f')");
  const auto report = apply_migrations(url());
  EXPECT_EQ(report.unknown_versions, std::vector<int>{999});
}

TEST_F(database_test, duplicate_versions_are_refused) {
  const std::vector<migration> migrations = {{1, "0001_a.sql", "select 1;", "a"},
                                             {1, "0001_b.sql", "select 2;", "b"}};
  EXPECT_THROW(apply_migrations(url(), migrations), migration_error);
}

TEST(migrator, a_transaction_mode_pooler_is_refused_before_connecting) {
  for (const char* url :
       {"postgresql://postgres.ref:secret@aws-0-us-west-1.pooler.supabase.com:6543/postgres",
        "postgresql://postgres@127.0.0.1:6543/postgres?sslmode=require",
        "host=127.0.0.1 port=6543 dbname=postgres"})
    EXPECT_THROW(apply_migrations(url), migration_error) << url;
}

TEST(migrator, only_port_6543_is_taken_for_a_transaction_mode_pooler) {
  EXPECT_TRUE(names_transaction_pooler("postgresql://u:p@db.example.com:6543"));
  EXPECT_TRUE(names_transaction_pooler("host=db port=6543"));
  EXPECT_FALSE(names_transaction_pooler(
      "postgresql://postgres.ref:secret@aws-0-us-west-1.pooler.supabase.com:5432/postgres"));
  EXPECT_FALSE(names_transaction_pooler("postgresql://postgres@127.0.0.1:65430/salon_phone"));
  EXPECT_FALSE(names_transaction_pooler("postgresql://u@db/salon?application_name=x6543"));
}

TEST(migrator, an_unreachable_database_is_unavailable) {
  const auto url =
      "postgresql://postgres@127.0.0.1:" + std::to_string(testing::closed_loopback_port()) +
      "/salon_phone?connect_timeout=2";
  EXPECT_THROW(apply_migrations(url), unavailable);
}

}  // namespace
}  // namespace salon::db
