#pragma once

#include <string>

namespace salon::testing {

class test_database;

// Applies the migrations and seeds the demo salon with the binary under test (`salon-phone
// migrate`, `seed-demo`); a fatal test failure with the command's output when either fails.
void migrate_and_seed_demo(const test_database& database);

// A fresh, empty database on the test PostgreSQL (SALON_TEST_DATABASE_URL), dropped at the end.
class test_database {
 public:
  test_database();
  ~test_database();
  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  const std::string& url() const { return url_; }
  // Runs SQL on this database and returns the first column of the first row ("" when none).
  std::string query_value(const std::string& sql) const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace salon::testing
