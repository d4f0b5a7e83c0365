#pragma once

// Appointments made through the admin API (POST /admin/shop/{shop_id}/appointment). They follow
// the rules of a phone booking: the service must exist, the stylist (when named) must do it and
// work that day, the time must lie inside opening hours and be free; the shop's actor decides
// and the database's exclusion constraint has the last word, so an admin booking and a caller
// racing for one slot never both get it.

#include <caf/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/failure.hpp"
#include "conversation/reply.hpp"
#include "conversation/shop_snapshot.hpp"
#include "db/records.hpp"

namespace salon::actors {

struct admin_booking {
  int location_id = 0;
  std::string call_sid;
  std::string service_id;
  // An instant (the request gave an offset or "Z"), or the shop's wall-clock time.
  std::variant<std::chrono::sys_seconds, std::chrono::local_seconds> starts;
  std::int64_t estimated_revenue_cents = 0;
  std::optional<std::string> customer_name;
  std::optional<std::string> customer_phone;
  std::optional<std::string> stylist;  // id or name; unset = whoever is free
};

// A time the requested service can still be booked.
struct free_time {
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  std::string resource;  // the stylist's name, or "chair N"
};

enum class booking_refusal {
  unknown_service,        // service_id is not an active service of the shop
  unknown_stylist,        // no stylist of the shop goes by that name or id
  stylist_cannot,         // the stylist does not do the service
  in_the_past,            // starts before now
  too_far_ahead,          // beyond the shop's max_days_ahead
  outside_opening_hours,  // the service does not fit into that day's hours (or it is closed)
  stylist_not_working,    // the stylist's day off
  taken,                  // the time is booked (for that stylist, or for everyone qualified)
  repeated_otherwise,     // the call already has this booking, with another price or customer
};

struct admin_booking_refused {
  booking_refusal reason = booking_refusal::taken;
  std::string field;    // the request field at fault: "service_id", "stylist", "appointment_date"
  std::string message;  // for people, names the field
  std::vector<free_time> next_free;  // for the time refusals: the next bookable times after it
  std::string time_zone;             // the shop's, for showing those times
};

struct admin_booking_made {
  db::appointment appointment;  // as stored
  std::string time_zone;        // the shop's
  // The request repeated one the call had already made: this is that appointment, and nothing
  // new was stored.
  bool repeated = false;
};

using admin_booking_result = std::variant<admin_booking_made, admin_booking_refused>;

// The booking a request asks for, checked against the shop's configuration and book: either
// what to ask the shop actor for, or why not. Pure.
std::variant<conversation::book_action, admin_booking_refused> plan_admin_booking(
    const conversation::shop_snapshot& shop, const db::booking_rules& rules,
    const admin_booking& request, std::chrono::sys_seconds now);

// A request repeats a booking of its call when one of `made` (the call's appointments that hold
// their time, db::connection::find_call_appointments) is for the same service at the same start,
// and with the named stylist when the request names one. Then the answer is that appointment
// (repeated), or, when the request's price, customer name or customer phone differ from it, the
// refusal naming that field. Anything else is a new booking: nullopt. Pure.
std::optional<admin_booking_result> find_repeat(const conversation::shop_snapshot& shop,
                                                const admin_booking& request,
                                                const std::vector<db::appointment>& made);

// Up to `count` bookable starts of the service after `after` (and with that stylist when set),
// within the next two weeks, on the shop's slot grid. Pure.
std::vector<free_time> next_free_times(const conversation::shop_snapshot& shop,
                                       const db::booking_rules& rules,
                                       const std::string& service_id,
                                       const std::optional<std::string>& stylist,
                                       std::chrono::sys_seconds after, std::chrono::sys_seconds now,
                                       std::size_t count = 3);

// Books through `shop` (a shop actor): reads its configuration and book, gives back what the
// call already booked when the request repeats it (find_repeat), else plans, asks the shop to
// book (as it does for callers, with source admin), and answers with the stored appointment, a
// refusal, or a failure (database_unavailable when the booking could not be confirmed). A time
// found taken is checked for a repeat again: another node may have just stored this request.
// Requests of one call run one after another in this process, so a retry sent while the first
// is being stored finds it stored rather than its slot held. `database_pool` reads the call's
// appointments and the stored one. Never blocks.
void book_for_admin(caf::actor_system& system, const caf::actor& shop,
                    const caf::actor& database_pool, admin_booking request,
                    std::function<void(std::variant<admin_booking_result, failure>)> done);

}  // namespace salon::actors
