#include "actors/shop.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <optional>
#include <vector>

#include "actors/appointment_id.hpp"
#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/shop_snapshot_builder.hpp"
#include "conversation/availability.hpp"
#include "db/connection.hpp"

namespace salon::actors {
namespace {

using namespace std::chrono_literals;
using conversation::action_result;
using conversation::change_status;

constexpr auto database_timeout = std::chrono::seconds(10);
// Bookings made by other nodes reach this node's book at least this often.
constexpr auto book_refresh = std::chrono::seconds(30);
constexpr auto book_past = std::chrono::hours(24);
constexpr auto default_book_days = 60;

struct shop_state {
  int location_id = 0;
  shop_environment env;
  std::optional<db::shop> config;
  std::vector<db::booked_slot> book;
  std::chrono::steady_clock::time_point book_loaded_at{};
  bool refreshing_book = false;
  shared_snapshot snapshot;  // null when it must be rebuilt
  bool loading = false;
  std::vector<std::function<void(const caf::error&)>> after_load;
  std::shared_ptr<bool> counted = std::make_shared<bool>(false);
  static inline const char* name = "shop";
};

using shop_actor = caf::stateful_actor<shop_state>;

std::chrono::sys_seconds now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

int book_days(const shop_state& state) {
  if (state.config && state.config->salon) return state.config->salon->rules.max_days_ahead + 1;
  return default_book_days;
}

shared_snapshot current_snapshot(shop_actor* self) {
  auto& state = self->state;
  if (!state.snapshot) {
    state.snapshot = std::make_shared<const conversation::shop_snapshot>(
        build_snapshot(*state.config, state.book, state.env.default_time_zone));
  }
  return state.snapshot;
}

void finish_load(shop_actor* self, const caf::error& error) {
  auto waiting = std::move(self->state.after_load);
  self->state.after_load.clear();
  for (auto& continuation : waiting) continuation(error);
}

void load(shop_actor* self) {
  auto& state = self->state;
  state.loading = true;
  int location_id = state.location_id;
  int days = book_days(state);
  database_job job = [location_id, days](db::connection& connection) {
    auto shop = connection.load_shop(location_id);
    std::vector<db::booked_slot> book;
    if (shop) {
      auto now = std::chrono::system_clock::now();
      book = connection.load_appointment_book(
          shop->profile.id,
          std::chrono::time_point_cast<std::chrono::microseconds>(now - book_past),
          std::chrono::time_point_cast<std::chrono::microseconds>(now + std::chrono::days(days)));
    }
    return caf::make_message(std::move(shop), std::move(book));
  };
  self->request(state.env.database_pool, database_timeout, run_job_atom::value, std::move(job))
      .then(
          [=](std::optional<db::shop>& shop, std::vector<db::booked_slot>& book) {
            auto& st = self->state;
            st.loading = false;
            if (!shop) {
              spdlog::info("shop {} does not exist", location_id);
              finish_load(self, make_error(failure::shop_not_found));
              self->quit();
              return;
            }
            if (!*st.counted) st.env.stats->shops_loaded.fetch_add(1);
            *st.counted = true;
            st.config = std::move(*shop);
            st.book = std::move(book);
            st.book_loaded_at = std::chrono::steady_clock::now();
            st.snapshot.reset();
            spdlog::info("shop {} loaded: {} services, {} stylists, {} booked slots", location_id,
                         st.config->services.size(), st.config->stylists.size(), st.book.size());
            finish_load(self, caf::error{});
          },
          [=](caf::error& error) {
            self->state.loading = false;
            spdlog::warn("shop {} could not be loaded: {}", location_id,
                         self->system().render(error));
            finish_load(self, error);
          });
}

// Runs `continuation` once the configuration is there (at once when it already is).
void when_loaded(shop_actor* self, std::function<void(const caf::error&)> continuation) {
  if (self->state.config) {
    continuation(caf::error{});
    return;
  }
  self->state.after_load.push_back(std::move(continuation));
  if (!self->state.loading) load(self);
}

void refresh_book(shop_actor* self) {
  auto& state = self->state;
  if (state.refreshing_book || !state.config) return;
  state.refreshing_book = true;
  std::string shop_id = state.config->profile.id;
  int days = book_days(state);
  database_job job = [shop_id, days](db::connection& connection) {
    auto now = std::chrono::system_clock::now();
    return caf::make_message(connection.load_appointment_book(
        shop_id, std::chrono::time_point_cast<std::chrono::microseconds>(now - book_past),
        std::chrono::time_point_cast<std::chrono::microseconds>(now + std::chrono::days(days))));
  };
  self->request(state.env.database_pool, database_timeout, run_job_atom::value, std::move(job))
      .then(
          [=](std::vector<db::booked_slot>& book) {
            auto& st = self->state;
            st.refreshing_book = false;
            // Holds for bookings still in flight are not in the database yet: keep them.
            for (const auto& held : st.book) {
              bool stored = std::any_of(book.begin(), book.end(), [&](const db::booked_slot& s) {
                return s.appointment_id == held.appointment_id;
              });
              if (!stored && held.appointment_id.rfind("hold:", 0) == 0) book.push_back(held);
            }
            st.book = std::move(book);
            st.book_loaded_at = std::chrono::steady_clock::now();
            st.snapshot.reset();
          },
          [=](caf::error&) { self->state.refreshing_book = false; });
}

bool overlaps(const db::booked_slot& slot, const std::string& resource, db::time_point start,
              db::time_point end) {
  return slot.resource == resource && slot.starts_at < end && start < slot.ends_at;
}

bool is_free(const shop_state& state, const std::string& resource, db::time_point start,
             db::time_point end) {
  return std::none_of(state.book.begin(), state.book.end(), [&](const db::booked_slot& slot) {
    return overlaps(slot, resource, start, end);
  });
}

// The resource to book: the one the conversation chose if it is still free, else (when the
// caller has no preference) another qualified one free at the same time.
std::optional<std::string> choose_resource(shop_actor* self, const conversation::book_action& a) {
  auto& state = self->state;
  auto chosen = database_resource(a.resource);
  if (is_free(state, chosen, a.start, a.end)) return chosen;
  if (!a.any_stylist) return std::nullopt;
  conversation::availability search(*current_snapshot(self));
  conversation::slot_query query;
  query.service_ids = a.service_ids;
  query.from = a.start;
  query.to = a.start + 1s;
  query.now = now_seconds();
  query.max_slots = 16;
  for (const auto& slot : search.find(query)) {
    auto resource = database_resource(slot.resource);
    if (slot.start == a.start && is_free(state, resource, a.start, a.end)) return resource;
  }
  return std::nullopt;
}

std::string service_names(const db::shop& shop, const std::vector<std::string>& ids) {
  std::string names;
  for (const auto& id : ids) {
    for (const auto& service : shop.services) {
      if (service.id == id) {
        if (!names.empty()) names += " and ";
        names += service.name;
      }
    }
  }
  return names.empty() ? std::string("appointment") : names;
}

// Tells the live dashboards (WS /ops).
void publish(shop_actor* self, ops_payload payload) {
  auto& state = self->state;
  if (!state.env.broadcaster || !state.config) return;
  self->send(state.env.broadcaster, ops_publish_atom::value,
             ops_event{state.location_id,
                       state.config->profile.id,
                       state.config->profile.business_name,
                       {},
                       std::move(payload)});
}

void release_hold(shop_actor* self, const std::string& hold_id) {
  auto& book = self->state.book;
  book.erase(std::remove_if(book.begin(), book.end(),
                            [&](const db::booked_slot& s) { return s.appointment_id == hold_id; }),
             book.end());
  self->state.snapshot.reset();
}

void book(shop_actor* self, booking_request request, caf::response_promise promise) {
  auto& state = self->state;
  auto* stats = state.env.stats;
  const auto& action = request.action;
  auto resource = choose_resource(self, action);
  if (!resource) {
    stats->bookings_taken.fetch_add(1);
    promise.deliver(action_result{conversation::booking_taken{}});
    return;
  }
  db::appointment appointment;
  appointment.id = new_appointment_id();
  appointment.shop_id = state.config->profile.id;
  if (!request.call_sid.empty()) appointment.call_sid = request.call_sid;
  if (!action.customer_name.empty()) appointment.customer_name = action.customer_name;
  if (!action.phone.empty()) appointment.customer_phone = action.phone;
  if (!action.service_ids.empty()) appointment.service_id = action.service_ids.front();
  appointment.service_name = service_names(*state.config, action.service_ids);
  appointment.resource = *resource;
  appointment.starts_at = action.start;
  appointment.ends_at = action.end;
  appointment.estimated_revenue_cents = action.price_cents;
  appointment.source = request.source;

  // Hold the slot now, so the next caller of this shop is offered something else.
  std::string hold_id = "hold:" + appointment.id;
  state.book.push_back({hold_id, appointment.resource, appointment.starts_at, appointment.ends_at});
  state.snapshot.reset();

  database_job job = [appointment](db::connection& connection) {
    return caf::make_message(connection.insert_appointment(appointment));
  };
  self->request(state.env.database_pool, database_timeout, run_job_atom::value, std::move(job))
      .then(
          [=](db::booking_outcome& outcome) mutable {
            release_hold(self, hold_id);
            if (outcome.result == db::booking_result::booked) {
              self->state.book.push_back({appointment.id, appointment.resource,
                                          appointment.starts_at, appointment.ends_at});
              stats->bookings.fetch_add(1);
              spdlog::info("appointment {} booked: shop {} {} on {} for call {}", appointment.id,
                           self->state.location_id, appointment.service_name, appointment.resource,
                           request.call_sid);
              publish(
                  self,
                  appointment_created_event{
                      appointment.id, appointment.service_name, appointment.resource,
                      appointment.starts_at, appointment.ends_at,
                      appointment.customer_name.value_or(""), appointment.estimated_revenue_cents,
                      std::string(db::to_string(appointment.source)), appointment.call_sid});
              promise.deliver(action_result{conversation::booking_confirmed{appointment.id}});
            } else {
              stats->bookings_taken.fetch_add(1);
              spdlog::info("slot taken at shop {} on {} (call {})", self->state.location_id,
                           appointment.resource, request.call_sid);
              refresh_book(self);
              promise.deliver(action_result{conversation::booking_taken{}});
            }
          },
          [=](caf::error& error) mutable {
            release_hold(self, hold_id);
            spdlog::warn("booking for call {} not confirmed: {}; stored as a pending request",
                         request.call_sid, self->system().render(error));
            appointment.status = db::appointment_status::pending;
            self->request(self->state.env.call_log, database_timeout, write_atom::value,
                          durable_write{appointment})
                .then(
                    [=](bool) mutable {
                      promise.deliver(action_result{conversation::booking_unavailable{}});
                    },
                    [=](caf::error& spool_error) mutable {
                      spdlog::critical("pending booking for call {} not stored: {}",
                                       request.call_sid, self->system().render(spool_error));
                      promise.deliver(action_result{conversation::booking_unavailable{}});
                    });
          });
}

change_status to_change(db::booking_result result) {
  switch (result) {
    case db::booking_result::booked:
      return change_status::done;
    case db::booking_result::taken:
      return change_status::taken;
    case db::booking_result::not_found:
      break;
  }
  return change_status::unavailable;
}

void cancel(shop_actor* self, std::string id, caf::response_promise promise) {
  database_job job = [id](db::connection& connection) {
    return caf::make_message(connection.cancel_appointment(id));
  };
  self->request(self->state.env.database_pool, database_timeout, run_job_atom::value,
                std::move(job))
      .then(
          [=](db::cancel_result result) mutable {
            if (result == db::cancel_result::cancelled) {
              release_hold(self, id);
              spdlog::info("appointment {} cancelled at shop {}", id, self->state.location_id);
              publish(self, appointment_cancelled_event{id});
              promise.deliver(change_status::done);
            } else {
              promise.deliver(change_status::unavailable);
            }
          },
          [=](caf::error&) mutable { promise.deliver(change_status::unavailable); });
}

void reschedule(shop_actor* self, reschedule_request request, caf::response_promise promise) {
  const auto& action = request.action;
  std::string resource = database_resource(action.resource);
  db::time_point start = action.start;
  db::time_point end = action.end;
  std::string id = action.appointment_id;
  database_job job = [id, start, end, resource](db::connection& connection) {
    return caf::make_message(connection.reschedule_appointment(id, start, end, resource));
  };
  self->request(self->state.env.database_pool, database_timeout, run_job_atom::value,
                std::move(job))
      .then(
          [=](db::booking_outcome& outcome) mutable {
            if (outcome.result == db::booking_result::booked) {
              release_hold(self, id);
              self->state.book.push_back({id, resource, start, end});
              spdlog::info("appointment {} moved at shop {}", id, self->state.location_id);
            } else {
              refresh_book(self);
            }
            promise.deliver(to_change(outcome.result));
          },
          [=](caf::error&) mutable { promise.deliver(change_status::unavailable); });
}

void lookup(shop_actor* self, std::string phone, caf::response_promise promise) {
  std::string shop_id = self->state.config->profile.id;
  database_job job = [shop_id, phone](db::connection& connection) {
    auto now =
        std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    return caf::make_message(connection.find_customer_appointments(shop_id, phone, now));
  };
  self->request(self->state.env.database_pool, database_timeout, run_job_atom::value,
                std::move(job))
      .then(
          [=](std::vector<db::appointment>& found) mutable {
            std::vector<conversation::upcoming_appointment> upcoming;
            for (const auto& a : found) {
              conversation::upcoming_appointment u;
              u.id = a.id;
              if (a.service_id) u.service_ids.push_back(*a.service_id);
              bool chair = !a.resource.empty() &&
                           std::all_of(a.resource.begin(), a.resource.end(),
                                       [](unsigned char c) { return std::isdigit(c) != 0; });
              u.stylist = chair ? "chair " + a.resource : a.resource;
              u.start = std::chrono::time_point_cast<std::chrono::seconds>(a.starts_at);
              u.end = std::chrono::time_point_cast<std::chrono::seconds>(a.ends_at);
              upcoming.push_back(std::move(u));
            }
            promise.deliver(std::move(upcoming));
          },
          [=](caf::error& error) mutable { promise.deliver(error); });
}

caf::behavior shop(shop_actor* self, int location_id, shop_environment env) {
  self->state.location_id = location_id;
  self->state.env = std::move(env);
  // The loaded-gauge must drop when the actor ends, after which its state is gone.
  self->attach_functor(
      [counted = self->state.counted, stats = self->state.env.stats](const caf::error&) {
        if (*counted) stats->shops_loaded.fetch_sub(1);
      });
  return {
      [=](config_atom) -> caf::result<db::shop> {
        auto promise = self->make_response_promise();
        when_loaded(self, [=](const caf::error& error) mutable {
          if (error) {
            promise.deliver(error);
          } else {
            promise.deliver(*self->state.config);
          }
        });
        return caf::delegated<db::shop>{};
      },
      [=](snapshot_atom) -> caf::result<shared_snapshot> {
        auto promise = self->make_response_promise();
        when_loaded(self, [=](const caf::error& error) mutable {
          if (error) {
            promise.deliver(error);
            return;
          }
          if (std::chrono::steady_clock::now() - self->state.book_loaded_at > book_refresh) {
            refresh_book(self);
          }
          promise.deliver(current_snapshot(self));
        });
        return caf::delegated<shared_snapshot>{};
      },
      [=](book_atom, booking_request& request) -> caf::result<action_result> {
        auto promise = self->make_response_promise();
        when_loaded(self, [=, request = std::move(request)](const caf::error& error) mutable {
          if (error) {
            promise.deliver(action_result{conversation::booking_unavailable{}});
          } else {
            book(self, std::move(request), promise);
          }
        });
        return caf::delegated<action_result>{};
      },
      [=](cancel_atom, std::string& id) -> caf::result<change_status> {
        auto promise = self->make_response_promise();
        when_loaded(self, [=, id = std::move(id)](const caf::error& error) mutable {
          if (error) {
            promise.deliver(change_status::unavailable);
          } else {
            cancel(self, id, promise);
          }
        });
        return caf::delegated<change_status>{};
      },
      [=](reschedule_atom, reschedule_request& request) -> caf::result<change_status> {
        auto promise = self->make_response_promise();
        when_loaded(self, [=, request = std::move(request)](const caf::error& error) mutable {
          if (error) {
            promise.deliver(change_status::unavailable);
          } else {
            reschedule(self, std::move(request), promise);
          }
        });
        return caf::delegated<change_status>{};
      },
      [=](lookup_atom,
          std::string& phone) -> caf::result<std::vector<conversation::upcoming_appointment>> {
        auto promise = self->make_response_promise();
        when_loaded(self, [=, phone = std::move(phone)](const caf::error& error) mutable {
          if (error) {
            promise.deliver(error);
          } else {
            lookup(self, phone, promise);
          }
        });
        return caf::delegated<std::vector<conversation::upcoming_appointment>>{};
      },
      [=](reload_atom) {
        auto& st = self->state;
        if (*st.counted) st.env.stats->shops_loaded.fetch_sub(1);
        *st.counted = false;
        st.config.reset();
        st.snapshot.reset();
      },
  };
}

}  // namespace

caf::actor spawn_shop(caf::actor_system& system, int location_id, shop_environment environment) {
  return system.spawn(shop, location_id, std::move(environment));
}

}  // namespace salon::actors
