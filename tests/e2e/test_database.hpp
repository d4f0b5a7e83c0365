#pragma once

#include <string>

namespace salon::testing {

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
