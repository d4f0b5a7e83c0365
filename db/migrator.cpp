#include "db/migrator.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <pqxx/pqxx>

#include "db/errors.hpp"

namespace salon::db {
namespace {

// Arbitrary but fixed: "salonmig" in ASCII. Every process migrating this database uses it.
constexpr long long migration_lock_key = 8314045612952480103LL;

constexpr const char* create_schema_migrations = R"sql(
create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
alter table schema_migrations enable row level security;
)sql";

struct applied_migration {
  std::string file;
  std::string checksum;
};

std::vector<migration> in_version_order(std::span<const migration> migrations) {
  std::vector<migration> ordered(migrations.begin(), migrations.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const migration& a, const migration& b) { return a.version < b.version; });
  const auto duplicate = std::adjacent_find(
      ordered.begin(), ordered.end(),
      [](const migration& a, const migration& b) { return a.version == b.version; });
  if (duplicate != ordered.end())
    throw migration_error("two migrations share version " + std::to_string(duplicate->version),
                          std::string(duplicate->file));
  return ordered;
}

std::map<int, applied_migration> read_applied(pqxx::connection& connection) {
  pqxx::nontransaction query(connection);
  std::map<int, applied_migration> applied;
  for (const auto& row : query.exec("select version, name, checksum from schema_migrations"))
    applied.emplace(row[0].as<int>(),
                    applied_migration{row[1].as<std::string>(), row[2].as<std::string>()});
  return applied;
}

void refuse_changed_files(const std::vector<migration>& migrations,
                          const std::map<int, applied_migration>& applied) {
  for (const auto& m : migrations) {
    const auto found = applied.find(m.version);
    if (found == applied.end() || found->second.checksum == m.checksum) continue;
    throw migration_error(
        std::string(m.file) + " was changed after it was applied (recorded checksum " +
            found->second.checksum + ", file checksum " + std::string(m.checksum) +
            "); add a new migration instead of editing an applied one",
        std::string(m.file));
  }
}

void apply_one(pqxx::connection& connection, const migration& m) {
  try {
    pqxx::work transaction(connection);
    transaction.exec(std::string(m.sql));
    transaction.exec_params(
        "insert into schema_migrations (version, name, checksum) values ($1, $2, $3)", m.version,
        std::string(m.file), std::string(m.checksum));
    transaction.commit();
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::in_doubt_error&) {
    throw;
  } catch (const std::exception& e) {
    throw migration_error(std::string(m.file) + " failed: " + e.what(), std::string(m.file));
  }
}

}  // namespace

bool names_transaction_pooler(const std::string& url) {
  for (const char* marker : {":6543/", ":6543?", "port=6543"})
    if (url.find(marker) != std::string::npos) return true;
  return url.size() >= 5 && url.compare(url.size() - 5, 5, ":6543") == 0;
}

migration_report apply_migrations(const std::string& database_url) {
  return apply_migrations(database_url, embedded_migrations());
}

migration_report apply_migrations(const std::string& database_url,
                                  std::span<const migration> migrations) {
  if (names_transaction_pooler(database_url))
    throw migration_error(
        "migrations need a session of their own: use the direct connection or the session "
        "pooler (port 5432), not a transaction-mode pooler (port 6543)",
        "");
  const auto ordered = in_version_order(migrations);
  try {
    pqxx::connection connection(database_url);
    {
      pqxx::nontransaction session(connection);
      session.exec("set client_min_messages = warning");
      // Session-level: held across the per-file transactions, released on disconnect.
      session.exec_params("select pg_advisory_lock($1)", migration_lock_key);
      session.exec(create_schema_migrations);
    }
    const auto applied = read_applied(connection);
    refuse_changed_files(ordered, applied);

    migration_report report;
    for (const auto& m : ordered) {
      if (applied.count(m.version) != 0) {
        report.skipped.emplace_back(m.file);
        continue;
      }
      apply_one(connection, m);
      report.applied.emplace_back(m.file);
    }
    for (const auto& [version, recorded] : applied) {
      const bool known = std::any_of(ordered.begin(), ordered.end(),
                                     [v = version](const migration& m) { return m.version == v; });
      if (!known) report.unknown_versions.push_back(version);
    }
    pqxx::nontransaction(connection)
        .exec_params("select pg_advisory_unlock($1)", migration_lock_key);
    return report;
  } catch (const pqxx::broken_connection& e) {
    throw unavailable(std::string("database unavailable while migrating: ") + e.what());
  } catch (const pqxx::in_doubt_error& e) {
    throw unavailable(std::string("connection lost while committing a migration: ") + e.what());
  } catch (const error&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    throw query_error(std::string("migrating failed: ") + e.what(), e.sqlstate());
  } catch (const std::exception& e) {
    throw query_error(std::string("migrating failed: ") + e.what(), "");
  }
}

}  // namespace salon::db
