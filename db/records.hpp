#pragma once

// Plain records the db library reads and writes. No pqxx here: actors and HTTP handlers include
// this header freely.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace salon::db {

// PostgreSQL's timestamptz resolution. sys_seconds converts to it implicitly.
using time_point = std::chrono::sys_time<std::chrono::microseconds>;

// ---------------------------------------------------------------------------------------------
// Shops

struct shop_profile {
  std::string id;  // uuid; ignored by save_shop
  int location_id = 0;
  std::string business_name;
  std::optional<std::string> phone_number;  // E.164
  std::optional<std::string> website;
  time_point created_at{};  // read only
  time_point updated_at{};  // read only
};

// Local opening and closing time of one day, as minutes after midnight (closes may be 24:00).
struct opening_span {
  std::chrono::minutes opens{0};
  std::chrono::minutes closes{0};
};

struct booking_rules {
  int slot_minutes = 15;        // offered start times are multiples of this
  int min_notice_minutes = 60;  // nothing bookable sooner than this from now
  int max_days_ahead = 60;      // nothing bookable further out than this
};

struct salon_details {
  std::string time_zone;               // IANA name, e.g. "Pacific/Honolulu"
  std::optional<std::string> address;  // one line, as the receptionist reads it
  std::optional<std::string> region;   // state or province, e.g. "HI"
  std::optional<std::string> country;  // ISO 3166 alpha-2, e.g. "US"
  // Index 0 = Sunday ... 6 = Saturday (std::chrono::weekday::c_encoding); empty = closed.
  std::array<std::optional<opening_span>, 7> hours;
  std::vector<std::chrono::year_month_day> closed_dates;
  std::optional<std::string> greeting;
  std::optional<std::string> forward_phone;  // E.164; where hand-offs go
  int chairs = 1;
  booking_rules rules;
};

// An active catalog entry.
struct service {
  std::string id;  // "svc_..."; save_shop generates one when empty
  std::string name;
  std::optional<std::string> category;
  std::optional<std::string> description;
  std::vector<std::string> synonyms;
  int duration_minutes = 0;
  std::optional<std::int64_t> price_cents;      // empty: the salon publishes no price
  std::optional<std::int64_t> price_max_cents;  // set for ranges ("$180 - $260")
  bool price_is_from = false;                   // "from $250"
};

// An active member of staff (a row of scraped_professionals). Their name is the resource their
// appointments are booked on.
struct stylist {
  std::string id;  // uuid; save_shop generates one when empty
  std::string name;
  std::optional<std::string> role;
  std::optional<std::string> bio;
  std::vector<std::string> service_names;   // as the salon words them; empty = every service
  std::vector<int> days_off;                // 0 = Sunday ... 6 = Saturday
  std::optional<std::string> source_url{};  // the page it was read from; empty when by hand
};

// A static answer: "parking", "cancellation", "payment", "walk_ins", ...
struct shop_fact {
  std::string key;
  std::string value;
  std::optional<std::string> source{};  // the page it was read from; empty when by hand
};

// One service as the website scraper read it, kept as evidence next to the catalog.
struct scraped_service {
  std::string name;
  std::optional<std::string> category;
  std::optional<std::string> description;
  std::optional<std::string> price_text;  // as written: "$180 - $260"
  std::optional<std::int64_t> price_cents;
  std::optional<std::int64_t> price_max_cents;
  bool price_is_from = false;
  std::optional<int> duration_minutes;
  std::optional<std::string> source_url;
};

// Everything GET /shop/{location_id}/config shows that lives in the database.
struct shop {
  shop_profile profile;
  std::optional<salon_details> salon;  // empty when the shop has no salon_info row yet
  std::vector<service> services;
  std::vector<stylist> stylists;
  std::vector<shop_fact> facts;
};

struct shop_summary {
  std::string id;
  int location_id = 0;
  std::string business_name;
  std::optional<std::string> phone_number;
  std::optional<std::string> time_zone;
  int services = 0;  // active ones
  int stylists = 0;  // active ones
};

// A number callers dial and the location it reaches (from profiles.phone_number).
struct phone_route {
  std::string phone_number;
  int location_id = 0;
};

enum class save_shop_status { created, updated, phone_taken };

struct save_shop_result {
  save_shop_status status = save_shop_status::created;
  std::string shop_id;  // empty when phone_taken
  // With phone_taken: the location that already owns the phone number.
  std::optional<int> phone_owner_location_id;
};

// ---------------------------------------------------------------------------------------------
// Calls

// Twilio's call statuses; the last five are final.
enum class call_status {
  queued,
  ringing,
  in_progress,
  completed,
  busy,
  no_answer,
  failed,
  canceled
};
enum class call_outcome { booked, inquiry, missed, transferred };
enum class sentiment_label { positive, neutral, negative };

std::string_view to_string(call_status status) noexcept;
std::string_view to_string(call_outcome outcome) noexcept;
std::string_view to_string(sentiment_label label) noexcept;
// Accepts Twilio's spelling ("in-progress", "no-answer") and ours ("in_progress").
std::optional<call_status> parse_call_status(std::string_view text) noexcept;
std::optional<call_outcome> parse_call_outcome(std::string_view text) noexcept;
std::optional<sentiment_label> parse_sentiment_label(std::string_view text) noexcept;
bool is_final(call_status status) noexcept;

struct transcript_turn {
  time_point at{};
  std::string speaker;  // "caller" or "receptionist"
  std::string text;
};

// The incoming-call webhook answered: the call is live.
struct call_started {
  std::string call_sid;
  std::optional<std::string> shop_id;  // uuid; empty when no shop claims the number
  std::string from_number;
  std::string to_number;
  time_point started_at{};
};

// The call actor's final word on a call.
struct call_settlement {
  std::string call_sid;
  std::optional<std::string> shop_id;
  call_outcome outcome = call_outcome::inquiry;
  std::optional<std::string> primary_intent;
  std::vector<std::string> intents;
  std::optional<double> sentiment_score;  // -1 .. 1
  std::optional<sentiment_label> sentiment;
  int turns = 0;
  bool caller_spoke = false;
  std::vector<transcript_turn> transcript;
  std::optional<std::string> handoff_reason;
  time_point started_at{};
  time_point ended_at{};
};

// A Twilio status callback.
struct call_status_update {
  std::string call_sid;
  call_status status = call_status::in_progress;
  std::optional<int> sequence_number;   // Twilio's SequenceNumber
  std::optional<int> duration_seconds;  // Twilio's CallDuration (final statuses)
  time_point at{};                      // when Twilio says it happened
  std::optional<std::string> from_number;
  std::optional<std::string> to_number;
};

using call_log_entry = std::variant<call_started, call_settlement, call_status_update>;

enum class call_log_result {
  applied,
  ignored,  // a stale or repeated status callback: nothing changed
  rejected  // the database refused the entry (a check failed); see message
};

struct call_log_write {
  call_log_result result = call_log_result::applied;
  std::string message;  // why, when rejected
};

struct call_record {
  std::string id;
  std::string call_sid;
  std::optional<std::string> shop_id;
  std::optional<std::string> from_number;
  std::optional<std::string> to_number;
  call_status status = call_status::in_progress;
  std::optional<int> status_sequence;
  time_point started_at{};
  std::optional<time_point> ended_at;
  std::optional<int> duration_seconds;
  std::optional<call_outcome> outcome;  // empty while live
  std::optional<std::string> primary_intent;
  std::vector<std::string> intents;
  std::optional<double> sentiment_score;
  std::optional<sentiment_label> sentiment;
  int turns = 0;
  bool caller_spoke = false;
  std::vector<transcript_turn> transcript;
  std::optional<std::string> handoff_reason;
};

// ---------------------------------------------------------------------------------------------
// Appointments

// booked and completed hold their time on the resource; pending (a request we could not confirm)
// holds nothing; cancelled and no_show free it.
enum class appointment_status { booked, cancelled, completed, no_show, pending };
enum class appointment_source { phone, admin };

std::string_view to_string(appointment_status status) noexcept;
std::string_view to_string(appointment_source source) noexcept;
std::optional<appointment_status> parse_appointment_status(std::string_view text) noexcept;
std::optional<appointment_source> parse_appointment_source(std::string_view text) noexcept;

struct appointment {
  std::string id;  // uuid; insert_appointment generates one when empty
  std::string shop_id;
  std::optional<std::string> call_sid;
  std::optional<std::string> customer_name;
  std::optional<std::string> customer_phone;
  std::optional<std::string> service_id;
  std::string service_name;
  std::string resource;  // the stylist's name, or the chair number ("1") without stylists
  time_point starts_at{};
  time_point ends_at{};
  appointment_status status = appointment_status::booked;  // booked or pending when inserting
  std::int64_t estimated_revenue_cents = 0;
  appointment_source source = appointment_source::phone;
  std::optional<std::string> notes;
};

// One busy interval of a resource, as the shop's appointment book holds it.
struct booked_slot {
  std::string appointment_id;
  std::string resource;
  time_point starts_at{};
  time_point ends_at{};
};

enum class booking_result {
  booked,    // stored (also for a pending request, and for a retry of one already stored)
  taken,     // another active appointment overlaps on that resource
  not_found  // reschedule only: no booked appointment with that id
};

struct booking_outcome {
  booking_result result = booking_result::booked;
  std::string appointment_id;
  std::optional<booked_slot> conflict;  // with taken: the appointment in the way
};

enum class cancel_result { cancelled, not_active, not_found };

}  // namespace salon::db
