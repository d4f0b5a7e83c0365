#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conversation/catalog_index.hpp"
#include "conversation/when_request.hpp"

namespace salon::conversation {

enum class intent {
  book,
  reschedule,
  cancel,
  prices,
  hours,
  location,
  stylists,
  shop_info,
  human,
  goodbye,
  unknown,
};

std::string_view to_string(intent i) noexcept;

enum class answer { none, yes, no };

// What the engine expects next; it changes how a bare word is read ("Jane" as a name, "3" as
// a time, "second" as a choice).
enum class expectation { none, service, when, name, yes_no, choice, variant };

// Everything understood from one caller utterance.
struct utterance {
  // Most likely first; empty when nothing was understood.
  std::vector<intent> intents;
  when_request when;
  catalog_mentions catalog;
  std::optional<std::string> name;
  answer reply = answer::none;
  // 1-based pick among offered times ("the second one"); -1 for "the later one"; 0 for none.
  int choice = 0;
  bool greeting = false;
  bool thanks = false;
  // "actually", "instead", "i mean", "change": replace what was said before.
  bool correction = false;
  // "also", "as well", "add": add to what was said before.
  bool addition = false;
  // Which static fact was asked about ("parking", "payment", ...), if any.
  std::string fact;
  bool asks_menu = false;     // "what do you offer"
  bool asks_closing = false;  // "what time do you close"
  bool asks_opening = false;  // "what time do you open"
  bool later = false;         // "anything later?"
  bool earlier = false;       // "anything earlier?"
  double sentiment = 0.0;
  std::size_t word_count = 0;

  bool has(intent i) const noexcept;
  intent primary() const noexcept { return intents.empty() ? intent::unknown : intents.front(); }
  // True when the utterance carried anything the dialog can act on.
  bool understood() const noexcept;
};

}  // namespace salon::conversation
