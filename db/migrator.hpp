#pragma once

#include <span>
#include <string>
#include <vector>

#include "db/migration.hpp"

namespace salon::db {

struct migration_report {
  std::vector<std::string> applied;  // files this run applied, in order
  std::vector<std::string> skipped;  // files already applied before this run
  // Versions recorded in the database that this binary does not know (a newer binary ran).
  std::vector<int> unknown_versions;
};

// Brings the database at database_url up to date with the embedded migrations.
//
// Holds a PostgreSQL advisory lock for the whole run, so concurrent runs (several nodes starting
// at once) queue up and each file is applied exactly once. Each missing file runs in its own
// transaction together with its schema_migrations row. Before applying anything, every applied
// file's recorded checksum is compared with the embedded one: a difference means the file was
// edited after it was applied, and nothing runs.
//
// Needs a session of its own: a direct connection or a session-mode pooler. A URL on port 6543
// (Supabase's transaction-mode pooler) is refused with migration_error.
//
// Throws unavailable when the database cannot be reached, migration_error (naming the file) when
// a checksum differs or a file fails; files applied before the failing one stay applied.
migration_report apply_migrations(const std::string& database_url);

// Whether `url` goes through a transaction-mode pooler (port 6543, Supabase's): such a pooler
// runs each statement on whichever session is free, so it cannot hold the migration lock, the
// workers' prepared statements or the cluster's LISTEN.
bool names_transaction_pooler(const std::string& url);

// The same with an explicit list (tests use their own files). Versions must be unique.
migration_report apply_migrations(const std::string& database_url,
                                  std::span<const migration> migrations);

}  // namespace salon::db
