#include "actors/admin_booking.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>

#include "actors/failure_error.hpp"
#include "actors/messages.hpp"
#include "conversation/availability.hpp"
#include "db/connection.hpp"

namespace salon::actors {
namespace {

using namespace std::chrono;

constexpr auto ask_timeout = seconds(10);
// How far next_free_times looks.
constexpr auto free_time_horizon = days(14);

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The stylist a request names: by id, by full name, or by first name when only one has it.
std::optional<std::size_t> find_stylist(const conversation::shop_snapshot& shop,
                                        const std::string& wanted) {
  const auto key = lower(wanted);
  for (std::size_t i = 0; i < shop.stylists.size(); ++i) {
    if (shop.stylists[i].id == wanted || lower(shop.stylists[i].name) == key) return i;
  }
  std::optional<std::size_t> by_first_name;
  for (std::size_t i = 0; i < shop.stylists.size(); ++i) {
    const auto name = lower(shop.stylists[i].name);
    if (name.size() > key.size() && name.starts_with(key) && name[key.size()] == ' ') {
      if (by_first_name) return std::nullopt;  // two Marias: ambiguous
      by_first_name = i;
    }
  }
  return by_first_name;
}

sys_seconds start_of(const admin_booking& request, const conversation::shop_clock& clock) {
  if (const auto* instant = std::get_if<sys_seconds>(&request.starts)) return *instant;
  const auto local = std::get<local_seconds>(request.starts);
  const auto day = floor<days>(local);
  return clock.to_sys(day, duration_cast<minutes>(local - day));
}

admin_booking_refused refusal(booking_refusal reason, std::string field, std::string message) {
  return {reason, std::move(field), std::move(message), {}, {}};
}

std::string quoted_or_none(const std::optional<std::string>& text) {
  return text ? "'" + *text + "'" : std::string("none");
}

// Admin bookings of one call run one after another in this process (see book_for_admin).
class per_call_line {
 public:
  using job = std::function<void(std::function<void()> finished)>;

  // Runs `work` now, or once the work of the same call queued before it has finished; `work`
  // calls the function it is given when it has finished.
  void run(const std::string& call_sid, job work) {
    {
      std::lock_guard lock(mutex_);
      auto [queue, first] = waiting_.try_emplace(call_sid);
      if (!first) {
        queue->second.push_back(std::move(work));
        return;
      }
    }
    start(call_sid, std::move(work));
  }

 private:
  void start(const std::string& call_sid, job work) {
    work([this, call_sid] { finish(call_sid); });
  }

  void finish(const std::string& call_sid) {
    job next;
    {
      std::lock_guard lock(mutex_);
      auto queue = waiting_.find(call_sid);
      if (queue->second.empty()) {
        waiting_.erase(queue);
        return;
      }
      next = std::move(queue->second.front());
      queue->second.pop_front();
    }
    start(call_sid, std::move(next));
  }

  std::mutex mutex_;
  // A call is a key while its work runs; the value is what waits behind it.
  std::map<std::string, std::deque<job>> waiting_;
};

per_call_line& admin_bookings_in_flight() {
  static per_call_line line;
  return line;
}

// Reads the appointments the call holds at the shop, then calls `then` with them.
void with_call_appointments(caf::event_based_actor* self, const caf::actor& database_pool,
                            const std::string& shop_id, const std::string& call_sid,
                            std::function<void(const std::vector<db::appointment>&)> then,
                            std::function<void(const caf::error&)> fail) {
  database_job job = [shop_id, call_sid](db::connection& connection) {
    return caf::make_message(connection.find_call_appointments(shop_id, call_sid));
  };
  self->request(database_pool, ask_timeout, run_job_atom::value, std::move(job))
      .then([then](std::vector<db::appointment>& made) { then(made); },
            [fail](caf::error& error) { fail(error); });
}

}  // namespace

std::optional<admin_booking_result> find_repeat(const conversation::shop_snapshot& shop,
                                                const admin_booking& request,
                                                const std::vector<db::appointment>& made) {
  const auto start = start_of(request, conversation::shop_clock(shop.time_zone));
  std::optional<std::string> stylist;
  if (request.stylist) {
    const auto index = find_stylist(shop, *request.stylist);
    if (!index) return std::nullopt;
    stylist = shop.stylists[*index].name;
  }
  const auto same = std::find_if(made.begin(), made.end(), [&](const db::appointment& a) {
    return a.service_id == request.service_id && a.starts_at == start &&
           (!stylist || a.resource == *stylist);
  });
  if (same == made.end()) return std::nullopt;

  const auto differs = [&](std::string field, const std::string& stored) {
    return admin_booking_result{
        refusal(booking_refusal::repeated_otherwise, field,
                "call_id '" + request.call_sid + "' already has this appointment (" + same->id +
                    ") with " + field + " " + stored + "; a repeated request must say the same")};
  };
  if (same->estimated_revenue_cents != request.estimated_revenue_cents) {
    return differs("estimated_revenue_cents", std::to_string(same->estimated_revenue_cents));
  }
  if (same->customer_name != request.customer_name) {
    return differs("customer_name", quoted_or_none(same->customer_name));
  }
  if (same->customer_phone != request.customer_phone) {
    return differs("customer_phone", quoted_or_none(same->customer_phone));
  }
  return admin_booking_result{admin_booking_made{*same, shop.time_zone, true}};
}

std::vector<free_time> next_free_times(const conversation::shop_snapshot& shop,
                                       const db::booking_rules& rules,
                                       const std::string& service_id,
                                       const std::optional<std::string>& stylist, sys_seconds after,
                                       sys_seconds now, std::size_t count) {
  conversation::availability search(shop);
  conversation::slot_query query;
  query.service_ids = {service_id};
  if (stylist) {
    const auto index = find_stylist(shop, *stylist);
    if (!index) return {};
    query.stylist = shop.stylists[*index].name;
  }
  query.from = after + seconds(1);
  query.to = after + free_time_horizon;
  query.now = now;
  query.max_slots = count;
  query.step = minutes(std::max(rules.slot_minutes, 1));
  std::vector<free_time> times;
  for (const auto& slot : search.find(query))
    times.push_back({slot.start, slot.end, slot.resource});
  return times;
}

std::variant<conversation::book_action, admin_booking_refused> plan_admin_booking(
    const conversation::shop_snapshot& shop, const db::booking_rules& rules,
    const admin_booking& request, sys_seconds now) {
  conversation::availability search(shop);
  const auto service =
      std::find_if(shop.services.begin(), shop.services.end(),
                   [&](const conversation::shop_service& s) { return s.id == request.service_id; });
  if (service == shop.services.end()) {
    return refusal(booking_refusal::unknown_service, "service_id",
                   "service_id '" + request.service_id + "' is not a service of this shop");
  }
  const std::vector<std::string> services{service->id};
  std::optional<std::size_t> stylist;
  if (request.stylist) {
    stylist = find_stylist(shop, *request.stylist);
    if (!stylist) {
      return refusal(booking_refusal::unknown_stylist, "stylist",
                     "stylist '" + *request.stylist + "' does not work at this shop");
    }
    if (!search.does_all(*stylist, services)) {
      return refusal(booking_refusal::stylist_cannot, "stylist",
                     "stylist " + shop.stylists[*stylist].name + " does not do " + service->name);
    }
  }

  const auto start = start_of(request, search.clock());
  const auto length = search.duration_of(services);
  const auto when_refused = [&](booking_refusal reason, std::string message) {
    auto refused = refusal(reason, "appointment_date", std::move(message));
    refused.next_free =
        next_free_times(shop, rules, service->id,
                        stylist ? std::optional(shop.stylists[*stylist].name) : std::nullopt,
                        std::max(start, now), now);
    return refused;
  };
  if (start < now) {
    return refusal(booking_refusal::in_the_past, "appointment_date",
                   "appointment_date is in the past");
  }
  if (start > now + days(rules.max_days_ahead)) {
    return refusal(booking_refusal::too_far_ahead, "appointment_date",
                   "appointment_date is more than " + std::to_string(rules.max_days_ahead) +
                       " days ahead, the furthest this shop books");
  }
  const auto local = search.clock().to_local(start);
  const auto hours = search.hours_on(local.day);
  if (!hours || local.minute_of_day < hours->opens ||
      local.minute_of_day + length > hours->closes) {
    return when_refused(booking_refusal::outside_opening_hours,
                        hours ? "appointment_date: " + service->name +
                                    " does not fit into the opening hours of that day"
                              : "appointment_date: the shop is closed that day");
  }
  if (stylist && !search.works_on(*stylist, local.day)) {
    return when_refused(
        booking_refusal::stylist_not_working,
        "appointment_date: " + shop.stylists[*stylist].name + " does not work that day");
  }

  conversation::slot_query query;
  query.service_ids = services;
  if (stylist) query.stylist = shop.stylists[*stylist].name;
  query.from = start;
  query.to = start + seconds(1);
  query.now = now;
  query.max_slots = 1;
  query.step = minutes(1);
  const auto slots = search.find(query);
  if (slots.empty() || slots.front().start != start) {
    return when_refused(booking_refusal::taken,
                        "appointment_date: that time is already booked" +
                            (stylist ? " for " + shop.stylists[*stylist].name : std::string()));
  }

  conversation::book_action action;
  action.service_ids = services;
  if (stylist) action.stylist_id = shop.stylists[*stylist].id;
  action.resource = slots.front().resource;
  action.any_stylist = !stylist;
  action.start = start;
  action.end = slots.front().end;
  action.customer_name = request.customer_name.value_or("");
  action.phone = request.customer_phone.value_or("");
  action.price_cents = request.estimated_revenue_cents;
  return action;
}

namespace {

// One admin booking (book_for_admin without the per-call line).
void book_once(caf::actor_system& system, const caf::actor& shop, const caf::actor& database_pool,
               const admin_booking& request,
               std::function<void(std::variant<admin_booking_result, failure>)> done) {
  system.spawn([=](caf::event_based_actor* self) {
    auto fail = [=](const caf::error& error) { done(classify(error)); };
    // The booking the shop's actor was asked for came back taken: a repeat stored meanwhile (by
    // another node) is answered as such, anything else as taken, with the times still free.
    auto when_taken = [=](const db::booking_rules& rules, const std::string& shop_id,
                          sys_seconds start, sys_seconds now) {
      self->request(shop, ask_timeout, snapshot_atom::value)
          .then(
              [=](shared_snapshot& fresh) {
                with_call_appointments(
                    self, database_pool, shop_id, request.call_sid,
                    [=](const std::vector<db::appointment>& made) {
                      if (auto repeat = find_repeat(*fresh, request, made)) {
                        done(std::move(*repeat));
                        return;
                      }
                      done(admin_booking_result{
                          admin_booking_refused{booking_refusal::taken, "appointment_date",
                                                "appointment_date: that time was just booked",
                                                next_free_times(*fresh, rules, request.service_id,
                                                                request.stylist, start, now),
                                                fresh->time_zone}});
                    },
                    fail);
              },
              fail);
    };
    // The plan is sound: the shop's actor books it, and the stored appointment is read back.
    auto book = [=](const db::booking_rules& rules, const std::string& shop_id,
                    conversation::book_action action, const std::string& zone, sys_seconds now) {
      booking_request booking{action, request.call_sid};
      booking.source = db::appointment_source::admin;
      self->request(shop, ask_timeout, book_atom::value, std::move(booking))
          .then(
              [=](conversation::action_result& result) {
                if (std::holds_alternative<conversation::booking_taken>(result)) {
                  when_taken(rules, shop_id, action.start, now);
                  return;
                }
                const auto* confirmed = std::get_if<conversation::booking_confirmed>(&result);
                if (confirmed == nullptr) {
                  done(failure::database_unavailable);
                  return;
                }
                const auto id = confirmed->appointment_id;
                database_job job = [id](db::connection& connection) {
                  std::vector<db::appointment> stored;
                  if (auto found = connection.load_appointment(id))
                    stored.push_back(std::move(*found));
                  return caf::make_message(std::move(stored));
                };
                self->request(database_pool, ask_timeout, run_job_atom::value, std::move(job))
                    .then(
                        [=](std::vector<db::appointment>& stored) {
                          if (stored.empty()) {
                            done(failure::internal);
                            return;
                          }
                          done(admin_booking_result{
                              admin_booking_made{std::move(stored.front()), zone}});
                        },
                        fail);
              },
              fail);
    };
    self->request(shop, ask_timeout, config_atom::value)
        .then(
            [=](db::shop& config) {
              const auto rules = config.salon ? config.salon->rules : db::booking_rules{};
              const auto shop_id = config.profile.id;
              self->request(shop, ask_timeout, snapshot_atom::value)
                  .then(
                      [=](shared_snapshot& snapshot) {
                        with_call_appointments(
                            self, database_pool, shop_id, request.call_sid,
                            [=](const std::vector<db::appointment>& made) {
                              if (auto repeat = find_repeat(*snapshot, request, made)) {
                                done(std::move(*repeat));
                                return;
                              }
                              const auto now = time_point_cast<seconds>(system_clock::now());
                              auto plan = plan_admin_booking(*snapshot, rules, request, now);
                              if (auto* refused = std::get_if<admin_booking_refused>(&plan)) {
                                refused->time_zone = snapshot->time_zone;
                                done(admin_booking_result{std::move(*refused)});
                                return;
                              }
                              book(rules, shop_id, std::get<conversation::book_action>(plan),
                                   snapshot->time_zone, now);
                            },
                            fail);
                      },
                      fail);
            },
            fail);
  });
}

}  // namespace

void book_for_admin(caf::actor_system& system, const caf::actor& shop,
                    const caf::actor& database_pool, admin_booking request,
                    std::function<void(std::variant<admin_booking_result, failure>)> done) {
  auto* actors = &system;
  const auto call_sid = request.call_sid;
  admin_bookings_in_flight().run(
      call_sid, [actors, shop, database_pool, request = std::move(request),
                 done](std::function<void()> finished) {
        book_once(*actors, shop, database_pool, request,
                  [done, finished](std::variant<admin_booking_result, failure> result) {
                    done(std::move(result));
                    finished();
                  });
      });
}

}  // namespace salon::actors
