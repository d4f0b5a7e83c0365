#pragma once

// What the broadcaster sends live-operations events to (WS /ops in net/). Plain types: no CAF.

#include <memory>
#include <optional>
#include <string>

namespace salon::actors {

// Which events a subscriber wants.
struct ops_filter {
  // One shop only: its location id ("1") or its uuid. nullopt: every shop.
  std::optional<std::string> shop;
  // call_turn events carry what was said only for subscribers that ask for it.
  bool transcript = false;
};

// One dashboard. Thread-safe: the broadcaster calls it from an actor thread; it must never
// block. The payload is shared by every subscriber of the event (serialized once).
class ops_subscriber {
 public:
  virtual ~ops_subscriber() = default;
  // false when the subscriber is gone or fell behind (its transport closes it with a reason):
  // the broadcaster then forgets it.
  virtual bool deliver(std::shared_ptr<const std::string> event) = 0;
};

}  // namespace salon::actors
