#include "db/records.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace salon::db {
namespace {

template <class Enum, std::size_t N>
std::optional<Enum> find_by_name(const std::pair<Enum, std::string_view> (&names)[N],
                                 std::string_view text) noexcept {
  const auto* found = std::find_if(std::begin(names), std::end(names),
                                   [text](const auto& entry) { return entry.second == text; });
  if (found == std::end(names)) return std::nullopt;
  return found->first;
}

template <class Enum, std::size_t N>
std::string_view name_of(const std::pair<Enum, std::string_view> (&names)[N], Enum value) noexcept {
  for (const auto& [candidate, name] : names)
    if (candidate == value) return name;
  return "unknown";
}

// The spellings stored in the database's check constraints.
constexpr std::pair<call_status, std::string_view> call_status_names[] = {
    {call_status::queued, "queued"},
    {call_status::ringing, "ringing"},
    {call_status::in_progress, "in_progress"},
    {call_status::completed, "completed"},
    {call_status::busy, "busy"},
    {call_status::no_answer, "no_answer"},
    {call_status::failed, "failed"},
    {call_status::canceled, "canceled"},
};

constexpr std::pair<call_outcome, std::string_view> call_outcome_names[] = {
    {call_outcome::booked, "booked"},
    {call_outcome::inquiry, "inquiry"},
    {call_outcome::missed, "missed"},
    {call_outcome::transferred, "transferred"},
};

constexpr std::pair<sentiment_label, std::string_view> sentiment_label_names[] = {
    {sentiment_label::positive, "positive"},
    {sentiment_label::neutral, "neutral"},
    {sentiment_label::negative, "negative"},
};

constexpr std::pair<appointment_status, std::string_view> appointment_status_names[] = {
    {appointment_status::booked, "booked"},       {appointment_status::cancelled, "cancelled"},
    {appointment_status::completed, "completed"}, {appointment_status::no_show, "no_show"},
    {appointment_status::pending, "pending"},
};

constexpr std::pair<appointment_source, std::string_view> appointment_source_names[] = {
    {appointment_source::phone, "phone"},
    {appointment_source::admin, "admin"},
};

}  // namespace

std::string_view to_string(call_status status) noexcept {
  return name_of(call_status_names, status);
}

std::string_view to_string(call_outcome outcome) noexcept {
  return name_of(call_outcome_names, outcome);
}

std::string_view to_string(sentiment_label label) noexcept {
  return name_of(sentiment_label_names, label);
}

std::string_view to_string(appointment_status status) noexcept {
  return name_of(appointment_status_names, status);
}

std::string_view to_string(appointment_source source) noexcept {
  return name_of(appointment_source_names, source);
}

std::optional<call_status> parse_call_status(std::string_view text) noexcept {
  // Twilio writes in-progress and no-answer.
  if (text == "in-progress") return call_status::in_progress;
  if (text == "no-answer") return call_status::no_answer;
  return find_by_name(call_status_names, text);
}

std::optional<call_outcome> parse_call_outcome(std::string_view text) noexcept {
  return find_by_name(call_outcome_names, text);
}

std::optional<sentiment_label> parse_sentiment_label(std::string_view text) noexcept {
  return find_by_name(sentiment_label_names, text);
}

std::optional<appointment_status> parse_appointment_status(std::string_view text) noexcept {
  return find_by_name(appointment_status_names, text);
}

std::optional<appointment_source> parse_appointment_source(std::string_view text) noexcept {
  return find_by_name(appointment_source_names, text);
}

bool is_final(call_status status) noexcept {
  switch (status) {
    case call_status::queued:
    case call_status::ringing:
    case call_status::in_progress:
      return false;
    default:
      return true;
  }
}

}  // namespace salon::db
