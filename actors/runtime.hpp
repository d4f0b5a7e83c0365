#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/admin_booking.hpp"
#include "actors/call_types.hpp"
#include "actors/failure.hpp"
#include "actors/ops_subscriber.hpp"
#include "actors/runtime_stats.hpp"
#include "config/settings.hpp"
#include "db/records.hpp"

namespace salon::db {
class connection;
}

namespace salon::actors {

// A value, or why there is none.
template <class T>
using outcome = std::variant<T, failure>;

// The actor system and its long-lived actors, seen from the transport: every method returns at
// once and calls `done` later on an actor thread (never blocks the caller's thread).
class runtime {
 public:
  // With settings.realtime_priority > 0, first puts the calling thread under SCHED_RR, so that
  // the runtime's threads and those the caller starts afterwards (the HTTP server's) inherit it.
  explicit runtime(const config::settings& settings);
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  // The shop's configuration, loaded through its shop actor.
  void shop_config(int location_id, std::function<void(outcome<db::shop>)> done);

  // Every shop, straight from the database.
  void list_shops(std::function<void(outcome<std::vector<db::shop_summary>>)> done);

  // The location answering `phone` (directory: setup, PHONE_TO_LOCATION_MAP, profiles, default).
  void route_call(const std::string& phone, std::function<void(outcome<int>)> done);

  // Whether a pooled connection answers a trivial query within a couple of seconds.
  void check_database(std::function<void(bool reachable)> done);

  // Runs `work` on a database worker (it may block there: it has its own connection) and then
  // calls `done` with nullopt, or with why it could not run or threw. For reads and writes that
  // need no actor's decision (admin queries, shop setup).
  void with_database(std::function<void(db::connection&)> work,
                     std::function<void(std::optional<failure>)> done);

  // A shop's configuration changed in the database (shop setup): its actor reloads, and
  // `phone_number` (when given) reaches it from the next call on, without a restart. The ops
  // feed's shop_updated event carries `shop_id` (uuid) and `shop_name`: dashboards filtered by
  // the uuid of a shop created a moment ago know it by nothing else yet.
  void shop_changed(int location_id, std::optional<std::string> phone_number, std::string shop_id,
                    std::string shop_name);

  // Runs `slow` on a thread of its own, where it may block for long (reading a salon's
  // website), then `work` on a database worker as with_database does, then `done`. stop() waits
  // for it to finish.
  void blocking_then_database(std::function<void()> slow, std::function<void(db::connection&)> work,
                              std::function<void(std::optional<failure>)> done);

  // POST /admin/shop/{shop_id}/appointment: books through the shop's actor by the rules of a
  // phone booking (actors/admin_booking.hpp). shop_not_found for an unknown location;
  // database_unavailable when the booking could not be confirmed.
  void book_appointment(admin_booking request,
                        std::function<void(outcome<admin_booking_result>)> done);

  // ---- live calls ----

  // POST /voice: finds the shop for `call.to`, records the call as in progress (idempotent on
  // the call SID) and gives what the TwiML answer needs. shop_not_found when no shop answers the
  // number and there is no default location.
  void answer_call(incoming_call call, std::function<void(outcome<call_answer>)> done);

  // POST /voice, before answering with a relay: whether this node takes one more call. Live
  // calls plus calls answered with a relay whose relay has not connected yet (for up to a
  // minute) stay within MAX_CONCURRENT_CALLS; the same call SID asked again counts once.
  bool admit_call(const std::string& call_sid);

  // WS /relay after `setup`: spawns the call's actor. The handle feeds it; `line` is how it
  // speaks. Never blocks.
  std::shared_ptr<live_call> start_call(relay_setup setup, std::shared_ptr<call_line> line);

  // POST /voice/status: hands the callback to the call log (batched, idempotent, spooled while
  // the database is away). done(true) once the call log has queued it (without waiting for the
  // database); overloaded when the call log's backlog is full.
  void call_status(db::call_status_update update, std::function<void(outcome<bool>)> done);

  // POST /voice/action: what to do after the relay session (hand-off or hang up).
  void relay_ended(relay_session_end end, std::function<void(outcome<after_relay>)> done);

  // ---- live operations (WS /ops) ----

  // `subscriber` gets a snapshot (live calls, today's numbers), then every event that passes
  // `filter`, until unsubscribe_ops or until its deliver() fails. Never blocks.
  void subscribe_ops(std::shared_ptr<ops_subscriber> subscriber, ops_filter filter);
  void unsubscribe_ops(std::shared_ptr<ops_subscriber> subscriber);

  const runtime_stats& stats() const;

  // Stops the actors in order (directory and shops, then the database pool) and waits for them.
  // Idempotent; the destructor calls it.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace salon::actors
