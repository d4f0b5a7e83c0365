#include "actors/tally_folder.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "db/connection.hpp"

namespace salon::actors {
namespace {

using fold_atom = caf::atom_constant<caf::atom("fold")>;

constexpr auto database_timeout = std::chrono::seconds(30);

caf::behavior tally_folder(caf::event_based_actor* self, caf::actor pool,
                           std::chrono::milliseconds interval) {
  self->delayed_send(self, interval, fold_atom::value);
  return {
      [=](fold_atom) {
        database_job job = [](db::connection& connection) {
          return caf::make_message(connection.fold_daily_tallies());
        };
        self->request(pool, database_timeout, run_job_atom::value, std::move(job))
            .then(
                [=](std::int64_t removed) {
                  if (removed > 0) spdlog::debug("tallies: {} rows folded", removed);
                  self->delayed_send(self, interval, fold_atom::value);
                },
                [=](caf::error& error) {
                  spdlog::debug("tallies not folded: {}", self->system().render(error));
                  self->delayed_send(self, interval, fold_atom::value);
                });
      },
  };
}

}  // namespace

caf::actor spawn_tally_folder(caf::actor_system& system, caf::actor database_pool,
                              std::chrono::milliseconds interval) {
  return system.spawn(tally_folder, std::move(database_pool), interval);
}

}  // namespace salon::actors
