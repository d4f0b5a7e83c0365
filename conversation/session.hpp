#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conversation/call_summary.hpp"
#include "conversation/reply.hpp"
#include "conversation/shop_snapshot.hpp"

namespace salon::conversation {

// One phone call with the receptionist. Feed it what the caller says and the results of the
// actions it asks for; it answers with sentences and actions. It has no clock: every call takes
// "now". Deterministic: the same inputs give the same replies. No member throws; a failure inside
// becomes an apology and an offer to reach a person.
class session {
 public:
  session(std::shared_ptr<const shop_snapshot> shop, std::string caller_phone,
          std::chrono::sys_seconds call_start);
  ~session();
  session(const session& other);
  session& operator=(const session& other);
  session(session&&) noexcept;
  session& operator=(session&&) noexcept;

  // The first words of the call ("Thanks for calling ...").
  reply greeting() const;
  reply prompt(std::string_view text, std::chrono::sys_seconds now) noexcept;
  // A key press: 1 is yes, 2 is no, 0 asks for a person.
  reply dtmf(std::string_view digits, std::chrono::sys_seconds now) noexcept;
  // The caller talked over the reply; `heard` is the part they heard before it stopped.
  reply interrupt(std::string_view heard, std::chrono::sys_seconds now) noexcept;
  reply result(const action_result& outcome, std::chrono::sys_seconds now) noexcept;

  call_summary summary() const;
  bool ended() const noexcept;

  // Swap in fresh booked intervals (the shop actor refreshes them); dialog state is kept.
  void replace_bookings(std::vector<booked_interval> booked);
  // Swap in a whole new snapshot; dialog state is kept (services and stylists by id).
  void replace_snapshot(std::shared_ptr<const shop_snapshot> shop);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace salon::conversation
