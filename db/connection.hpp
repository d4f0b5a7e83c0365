#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "db/analytics.hpp"
#include "db/records.hpp"
#include "db/shop_today.hpp"

namespace salon::db {

struct connection_options {
  // Set when DATABASE_URL goes through a transaction-mode pooler (Supabase's port 6543,
  // PgBouncer in transaction mode): consecutive statements may land on different server
  // sessions, so nothing session-level is used. Statements are sent with parameters but
  // unprepared, and no session settings (statement_timeout) are made. A direct connection or a
  // session-mode pooler (Supabase's port 5432) keeps prepared statements.
  bool transaction_pooler = false;
  // Added to the URL as connect_timeout unless it names one.
  std::chrono::seconds connect_timeout{5};
  // Set per session (not behind a transaction pooler); zero leaves the server's default.
  std::chrono::milliseconds statement_timeout{30'000};
};

// One PostgreSQL session, used by one thread at a time (a persistence worker owns one).
//
// Connects lazily on first use. When the session breaks (server restart, network), a call
// reconnects once and runs again; every write here is idempotent, so running it again is safe.
//
// Errors: throws unavailable when the database cannot be reached, query_error for anything else
// the database refuses (see errors.hpp). Outcomes the caller must handle (slot taken, shop not
// found, phone number owned by another shop) are return values. ping() never throws.
class connection {
 public:
  explicit connection(std::string database_url, connection_options options = {});
  ~connection();

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // True when a round trip to the database works (connecting first when needed).
  bool ping() noexcept;

  // True while a session is open; false before first use and after a failure.
  bool is_connected() const noexcept;

  // ---- shops (reads) ----

  std::vector<shop_summary> list_shops();
  // The shop with its salon_info, active services, active stylists and facts.
  std::optional<shop> load_shop(int location_id);
  // The location id of a shop given its uuid; empty when unknown or not a uuid.
  std::optional<int> find_location_id(const std::string& shop_id);
  // The uuid of the shop at a location; empty when there is none.
  std::optional<std::string> find_shop_id(int location_id);
  // Every phone number stored on a profile with the location it reaches.
  std::vector<phone_route> load_phone_routes();
  // Active (booked, completed) appointments of the shop overlapping [from, until).
  std::vector<booked_slot> load_appointment_book(const std::string& shop_id, time_point from,
                                                 time_point until);

  // ---- shops (writes) ----

  // Creates or updates the shop with record.profile.location_id so that what is stored matches
  // the record: profile, salon_info (left as it is when record.salon is empty), services and
  // stylists (matched by id, else by name case-insensitively; ones missing from the record are
  // marked inactive, never deleted, because appointments point at them) and facts (ones missing
  // are deleted). One transaction. Returns phone_taken, changing nothing, when the phone number
  // belongs to another location.
  save_shop_result save_shop(const shop& record);
  // save_shop, and then replace_scraped_services with `scraped` for the saved shop, both in one
  // transaction: when either fails, nothing is stored (a shop setup's retry then creates it).
  save_shop_result save_shop(const shop& record, const std::vector<scraped_service>& scraped);
  // Replaces the shop's scraped_services with findings (the latest scrape), in one transaction.
  void replace_scraped_services(const std::string& shop_id,
                                const std::vector<scraped_service>& findings);
  // Tells listeners (dashboards, other nodes) that the shop at location_id changed: a
  // NOTIFY on channel salon_shop_changed with {"location_id", "shop_id"} as payload.
  void announce_shop_change(int location_id, const std::string& shop_id);
  // NOTIFY `channel` with each payload (under 8000 bytes), in one transaction.
  void notify(const std::string& channel, std::span<const std::string> payloads);

  // ---- calls ----

  // Applies a batch of call-log writes in one transaction, one statement per kind of write and
  // round (a call's writes keep their order); when the database refuses the batch, again entry
  // by entry, each under its own savepoint, so that one entry it refuses does not lose the
  // others. Results are in entry order.
  std::vector<call_log_write> write_call_log(std::span<const call_log_entry> entries);
  call_log_write record_call_started(const call_started& call);
  call_log_write settle_call(const call_settlement& settlement);
  // Idempotent; never moves a final status back; ignores callbacks older than the applied one.
  call_log_write apply_status_callback(const call_status_update& update);
  std::optional<call_record> load_call(const std::string& call_sid);
  // Adds up the tally rows the triggers appended (migration 0012) into one row per shop and
  // day; returns how many rows went. 0 while another node folds.
  std::int64_t fold_daily_tallies();

  // ---- analytics (the functions of migrations/0007_analytics.sql) ----

  // Over the shop's last `days` local days; empty when the shop is unknown or shop_id is not a
  // uuid. days outside 1..365 is a query_error (SQLSTATE 22023).
  std::optional<shop_kpis> salon_kpis(const std::string& shop_id, int days);
  // One entry per local day, oldest first, days without calls included; empty when the shop is
  // unknown. days as for salon_kpis.
  std::vector<daily_calls> calls_timeseries(const std::string& shop_id, int days);
  // One entry per shop, by location id.
  std::vector<salon_overview> salons_overview();
  platform_metrics load_platform_metrics();
  // Every shop's numbers for its local today, by location id (the live dashboard's).
  std::vector<shop_today> shops_today();

  // ---- appointments ----

  // Stores a booked (or pending) appointment. taken when an active appointment of the same
  // resource overlaps (the exclusion constraint decides). Passing the same id again returns
  // booked without storing twice. With a call_sid and status booked, the call's outcome becomes
  // booked.
  booking_outcome insert_appointment(const appointment& request);
  booking_outcome reschedule_appointment(const std::string& appointment_id, time_point starts_at,
                                         time_point ends_at,
                                         std::optional<std::string> resource = std::nullopt);
  cancel_result cancel_appointment(const std::string& appointment_id);
  std::optional<appointment> load_appointment(const std::string& appointment_id);
  // A caller's booked or pending appointments at the shop ending after from, soonest first.
  std::vector<appointment> find_customer_appointments(const std::string& shop_id,
                                                      const std::string& customer_phone,
                                                      time_point from);
  // The appointments a call made at the shop that hold their time (booked, completed), oldest
  // first: what a repeated admin booking request is matched against.
  std::vector<appointment> find_call_appointments(const std::string& shop_id,
                                                  const std::string& call_sid);

 private:
  save_shop_result write_shop(const shop& record, const std::vector<scraped_service>* scraped);

  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace salon::db
