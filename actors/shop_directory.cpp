#include "actors/shop_directory.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <caf/all.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/shop.hpp"
#include "db/connection.hpp"

namespace salon::actors {
namespace {

// The directory's own timers.
using read_again_atom = caf::atom_constant<caf::atom("read_again")>;
using stop_waiting_atom = caf::atom_constant<caf::atom("stop_wait")>;

constexpr auto routes_timeout = std::chrono::seconds(10);

struct waiting_route {
  std::string phone;
  caf::response_promise promise;
};

struct directory_state {
  shop_directory_options options;
  std::map<std::string, int> database_numbers;
  std::map<std::string, int> live_numbers;  // from shop setup until the next read
  bool numbers_read = false;                // the database's numbers arrived once
  bool waiting_over = false;                // first_read_wait has passed
  std::vector<waiting_route> waiting;       // routes held for the first read
  std::chrono::milliseconds next_retry{};
  bool retry_scheduled = false;
  // Bumped by every live update: a read that started before one may predate its commit.
  std::uint64_t numbers_version = 0;
  // Shared with the exit hook, which runs after the state is gone.
  std::shared_ptr<std::map<int, caf::actor>> shops = std::make_shared<std::map<int, caf::actor>>();
  static inline const char* name = "shop_directory";
};

using directory_actor = caf::stateful_actor<directory_state>;

// A number the database cannot override (shop setup, then the configured map).
std::optional<int> known_without_database(const directory_state& state, const std::string& phone) {
  for (const auto* numbers : {&state.live_numbers, &state.options.configured_numbers}) {
    if (auto it = numbers->find(phone); it != numbers->end()) return it->second;
  }
  return std::nullopt;
}

std::optional<int> lookup(const directory_state& state, const std::string& phone) {
  if (auto location = known_without_database(state, phone)) return location;
  if (auto it = state.database_numbers.find(phone); it != state.database_numbers.end()) {
    return it->second;
  }
  return state.options.default_location_id;
}

void answer_route(const directory_state& state, const std::string& phone,
                  caf::response_promise& promise) {
  if (auto location = lookup(state, phone)) {
    promise.deliver(*location);
  } else {
    promise.deliver(make_error(failure::shop_not_found, "no shop answers " + phone));
  }
}

void answer_waiting(directory_actor* self) {
  auto waiting = std::move(self->state.waiting);
  self->state.waiting.clear();
  for (auto& route : waiting) answer_route(self->state, route.phone, route.promise);
}

void read_numbers(directory_actor* self, const caf::actor& pool);

void retry_later(directory_actor* self) {
  auto& state = self->state;
  if (state.retry_scheduled) return;
  state.retry_scheduled = true;
  self->delayed_send(self, state.next_retry, read_again_atom::value);
  state.next_retry = std::min(state.next_retry * 2, state.options.longest_retry);
}

void read_numbers(directory_actor* self, const caf::actor& pool) {
  database_job job = [](db::connection& connection) {
    return caf::make_message(connection.load_phone_routes());
  };
  const auto version = self->state.numbers_version;
  self->request(pool, routes_timeout, run_job_atom::value, std::move(job))
      .then(
          [=](std::vector<db::phone_route>& routes) {
            auto& state = self->state;
            if (state.numbers_version != version) {
              read_numbers(self, pool);  // a shop changed its number meanwhile: read after it
              return;
            }
            // The read began after every live update had committed: the database now holds
            // them, and also what other nodes of the cluster changed since.
            state.live_numbers.clear();
            state.database_numbers.clear();
            for (auto& route : routes) {
              state.database_numbers[route.phone_number] = route.location_id;
            }
            // Read after every live update so far (each commits before it is sent), so the
            // database is as new as they are: it wins again, also over a number another node
            // has since changed.
            state.live_numbers.clear();
            state.next_retry = state.options.first_retry;
            if (!state.numbers_read) {
              state.numbers_read = true;
              answer_waiting(self);
            }
            spdlog::info("shop directory: {} numbers from the database", routes.size());
          },
          [=](caf::error& error) {
            // Keep serving the configured numbers and try again until the database answers.
            spdlog::warn("shop directory: numbers not read ({}); trying again in {} ms",
                         self->system().render(error), self->state.next_retry.count());
            retry_later(self);
          });
}

// From now on `phone` reaches `location_id`, and no other number reaches it through the
// database's or an earlier live entry (a shop has one number: the old one is let go).
void map_phone(directory_state& state, const std::string& phone, int location_id) {
  ++state.numbers_version;
  for (auto* numbers : {&state.database_numbers, &state.live_numbers}) {
    std::erase_if(*numbers, [&](const auto& entry) {
      return entry.second == location_id && entry.first != phone;
    });
  }
  state.live_numbers[phone] = location_id;
}

caf::behavior shop_directory(directory_actor* self, shop_directory_options options,
                             shop_environment environment) {
  self->state.options = std::move(options);
  self->state.next_retry = self->state.options.first_retry;
  const caf::actor pool = environment.database_pool;
  read_numbers(self, pool);
  self->delayed_send(self, self->state.options.first_read_wait, stop_waiting_atom::value);
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
        auto& state = self->state;
        auto promise = self->make_response_promise();
        if (!state.numbers_read && !state.waiting_over && !known_without_database(state, phone)) {
          // Only the database may know this number: hold the answer until it has been read.
          state.waiting.push_back({phone, std::move(promise)});
        } else {
          answer_route(state, phone, promise);
        }
        return caf::delegated<int>{};
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
        map_phone(self->state, phone, location_id);
      },
      [=](reload_atom) { read_numbers(self, pool); },
      [=](reload_atom, int location_id) {
        if (auto it = self->state.shops->find(location_id); it != self->state.shops->end()) {
          self->send(it->second, reload_atom::value);
        }
      },
      [=](read_again_atom) {
        self->state.retry_scheduled = false;
        read_numbers(self, pool);
      },
      [=](stop_waiting_atom) {
        auto& state = self->state;
        state.waiting_over = true;
        if (!state.waiting.empty()) {
          spdlog::warn(
              "shop directory: numbers not read yet; answering {} waiting calls from "
              "the configured numbers",
              state.waiting.size());
        }
        answer_waiting(self);
      },
  };
}

}  // namespace

caf::actor spawn_shop_directory(caf::actor_system& system, shop_directory_options options,
                                shop_environment shops) {
  return system.spawn(shop_directory, std::move(options), std::move(shops));
}

}  // namespace salon::actors
