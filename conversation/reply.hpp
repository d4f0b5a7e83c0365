#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace salon::conversation {

// Actions the engine asks its host (the call actor) to carry out.

struct book_action {
  std::vector<std::string> service_ids;
  // Stylist id the caller asked for or the search picked; unset when the shop books chairs.
  std::optional<std::string> stylist_id;
  // The stylist name or "chair N" found free; the shop may pick another qualified one when the
  // caller had no preference (any_stylist).
  std::string resource;
  bool any_stylist = false;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  std::string customer_name;
  std::string phone;
  std::int64_t price_cents = 0;
};

struct cancel_action {
  std::string appointment_id;
};

struct reschedule_action {
  std::string appointment_id;
  std::string resource;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
};

// The caller's upcoming appointments: by caller ID, or (when `customer_name` is set, because the
// number found nothing) by the name they are under, optionally only those starting in [from, to).
struct lookup_appointments_action {
  std::string phone;
  std::string customer_name{};
  std::optional<std::chrono::sys_seconds> from{};
  std::optional<std::chrono::sys_seconds> to{};
};

// A message for the salon: stored with the call and the shop, shown on the dashboard and listed
// for the owner. Nothing comes back; the call goes on.
struct take_message_action {
  std::string caller_name;
  std::string phone;   // the number to call back on, as the caller confirmed it
  std::string text;    // what the caller wants the salon to know
  std::string reason;  // why: "caller asked", "not answered: student discount", ...
};

// The caller is running late for an appointment: noted on it, and the salon is told (an ops
// event and a message). Nothing comes back.
struct note_late_action {
  std::string appointment_id;
  std::optional<int> minutes_late;
  std::string note;  // what the caller said, e.g. "running about 15 minutes late"
};

struct hand_off_action {
  std::string reason;
};

struct end_call_action {
  std::string reason;
};

using action =
    std::variant<book_action, cancel_action, reschedule_action, lookup_appointments_action,
                 hand_off_action, end_call_action, take_message_action, note_late_action>;

// What the engine says in one turn, sentence by sentence (the first can be spoken while the rest
// streams), and what it wants done.
struct reply {
  std::vector<std::string> sentences;
  std::vector<action> actions;

  std::string text() const {
    std::string out;
    for (const auto& s : sentences) {
      if (!out.empty()) out.push_back(' ');
      out += s;
    }
    return out;
  }
  template <typename Action>
  const Action* find() const {
    for (const auto& a : actions) {
      if (const auto* p = std::get_if<Action>(&a)) return p;
    }
    return nullptr;
  }
};

// Results of the actions, fed back to the session.

struct booking_confirmed {
  std::string appointment_id;
};

// Another caller got the slot first.
struct booking_taken {};

// The booking could not be written (database down); the salon will call back.
struct booking_unavailable {};

struct upcoming_appointment {
  std::string id;
  std::vector<std::string> service_ids;
  std::string stylist;  // name, or "chair N"
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  std::string customer_name{};
};

struct appointments_found {
  std::vector<upcoming_appointment> appointments;
};

enum class change_status { done, taken, unavailable };

struct cancellation_done {
  std::string appointment_id;
  change_status status = change_status::done;
};

struct reschedule_done {
  std::string appointment_id;
  change_status status = change_status::done;
};

using action_result = std::variant<booking_confirmed, booking_taken, booking_unavailable,
                                   appointments_found, cancellation_done, reschedule_done>;

}  // namespace salon::conversation
