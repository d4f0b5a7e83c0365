#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conversation/utterance.hpp"

namespace salon::conversation {

enum class call_outcome { booked, inquiry, missed, transferred };

constexpr std::string_view to_string(call_outcome o) noexcept {
  switch (o) {
    case call_outcome::booked:
      return "booked";
    case call_outcome::inquiry:
      return "inquiry";
    case call_outcome::missed:
      return "missed";
    case call_outcome::transferred:
      return "transferred";
  }
  return "inquiry";
}

struct booked_appointment {
  std::string appointment_id;
  std::vector<std::string> service_ids;
  std::string resource;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  std::int64_t price_cents = 0;
  std::string customer_name;
  bool rescheduled = false;
};

// The call as the dashboard sees it; valid at any point of the call.
struct call_summary {
  intent primary_intent = intent::unknown;
  std::vector<intent> intents;
  double sentiment = 0.0;  // [-1, 1]
  std::string sentiment_label = "neutral";
  call_outcome outcome = call_outcome::missed;
  // "service", "stylist", "date", "time", "name", ... as the caller filled them.
  std::map<std::string, std::string> slots;
  std::optional<booked_appointment> appointment;
  int turns = 0;
};

}  // namespace salon::conversation
