#pragma once

#include <span>
#include <string_view>

namespace salon::db {

// One numbered .sql file of db/migrations, embedded in the library at build time.
struct migration {
  int version = 0;            // 2 for 0002_shops.sql
  std::string_view file;      // "0002_shops.sql"
  std::string_view sql;       // the file's text
  std::string_view checksum;  // SHA-256 of the file, lowercase hex
};

// Every migration of db/migrations, ordered by version.
std::span<const migration> embedded_migrations() noexcept;

}  // namespace salon::db
