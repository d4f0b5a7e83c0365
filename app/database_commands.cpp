#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "db/connection.hpp"
#include "db/demo_seed.hpp"
#include "db/migrator.hpp"

namespace salon::app {

int migrate(const config::settings& settings) {
  if (settings.database_url.empty()) {
    spdlog::error("DATABASE_URL is not set");
    return 2;
  }
  try {
    auto report = db::apply_migrations(settings.database_url);
    for (const auto& name : report.applied) spdlog::info("migration applied: {}", name);
    spdlog::info("migrations: {} applied, {} already there", report.applied.size(),
                 report.skipped.size());
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("migrate failed: {}", e.what());
    return 1;
  }
}

int seed_demo(const config::settings& settings) {
  if (settings.database_url.empty()) {
    spdlog::error("DATABASE_URL is not set");
    return 2;
  }
  try {
    db::connection database(settings.database_url);
    db::seed_demo_salon(database);
    spdlog::info("demo salon seeded: location 1, +18084826296, Studio Nine Hair & Color");
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("seed-demo failed: {}", e.what());
    return 1;
  }
}

}  // namespace salon::app
