#include "actors/shop_directory.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <map>
#include <string>
#include <vector>

#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/shop.hpp"
#include "db/connection.hpp"

namespace salon::actors {
namespace {

constexpr auto routes_timeout = std::chrono::seconds(10);

struct directory_state {
  shop_directory_options options;
  std::map<std::string, int> database_numbers;
  std::map<std::string, int> live_numbers;  // from shop setup, newest truth
  // Shared with the exit hook, which runs after the state is gone.
  std::shared_ptr<std::map<int, caf::actor>> shops = std::make_shared<std::map<int, caf::actor>>();
  static inline const char* name = "shop_directory";
};

using directory_actor = caf::stateful_actor<directory_state>;

std::optional<int> lookup(const directory_state& state, const std::string& phone) {
  for (const auto* numbers :
       {&state.live_numbers, &state.options.configured_numbers, &state.database_numbers}) {
    if (auto it = numbers->find(phone); it != numbers->end()) return it->second;
  }
  return state.options.default_location_id;
}

void reload_numbers(directory_actor* self, const caf::actor& pool) {
  database_job job = [](db::connection& connection) {
    return caf::make_message(connection.load_phone_routes());
  };
  self->request(pool, routes_timeout, run_job_atom::value, std::move(job))
      .then(
          [=](std::vector<db::phone_route>& routes) {
            self->state.database_numbers.clear();
            for (auto& route : routes) {
              self->state.database_numbers[route.phone_number] = route.location_id;
            }
            spdlog::info("shop directory: {} numbers from the database", routes.size());
          },
          [=](caf::error& error) {
            // Keep serving the configured numbers; the next reload may succeed.
            spdlog::warn("shop directory: numbers not loaded: {}", self->system().render(error));
          });
}

caf::behavior shop_directory(directory_actor* self, shop_directory_options options,
                             shop_environment environment) {
  self->state.options = std::move(options);
  const caf::actor pool = environment.database_pool;
  reload_numbers(self, pool);
  self->set_down_handler([=](caf::down_msg& down) {
    auto& shops = *self->state.shops;
    for (auto it = shops.begin(); it != shops.end(); ++it) {
      if (it->second.address() == down.source) {
        shops.erase(it);
        return;
      }
    }
  });
  self->attach_functor([shops = self->state.shops](const caf::error&) {
    for (const auto& [location_id, shop] : *shops)
      caf::anon_send_exit(shop, caf::exit_reason::user_shutdown);
  });
  return {
      [=](route_atom, const std::string& phone) -> caf::result<int> {
        if (auto location = lookup(self->state, phone)) return *location;
        return make_error(failure::shop_not_found, "no shop answers " + phone);
      },
      [=](shop_atom, int location_id) -> caf::actor {
        auto& shops = *self->state.shops;
        if (auto it = shops.find(location_id); it != shops.end()) return it->second;
        auto shop = spawn_shop(self->system(), location_id, environment);
        self->monitor(shop);
        shops.emplace(location_id, shop);
        return shop;
      },
      [=](map_phone_atom, const std::string& phone, int location_id) {
        // From the next call on, this number reaches that shop.
        self->state.live_numbers[phone] = location_id;
      },
      [=](reload_atom) { reload_numbers(self, pool); },
      [=](reload_atom, int location_id) {
        if (auto it = self->state.shops->find(location_id); it != self->state.shops->end()) {
          self->send(it->second, reload_atom::value);
        }
      },
  };
}

}  // namespace

caf::actor spawn_shop_directory(caf::actor_system& system, shop_directory_options options,
                                shop_environment shops) {
  return system.spawn(shop_directory, std::move(options), std::move(shops));
}

}  // namespace salon::actors
