#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conversation/shop_clock.hpp"
#include "conversation/shop_snapshot.hpp"
#include "conversation/when_request.hpp"

namespace salon::conversation {

struct free_slot {
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  // Stylist name, or "chair N" when the shop lists no stylists.
  std::string resource;
  // Index into shop_snapshot::stylists; unset for chairs.
  std::optional<std::size_t> stylist;

  friend bool operator==(const free_slot&, const free_slot&) = default;
};

struct slot_query {
  std::vector<std::string> service_ids;
  // Stylist id or name; unset means any stylist who does all the services.
  std::optional<std::string> stylist;
  // Starts are searched in [from, to); nothing before `now` is ever offered.
  std::chrono::sys_seconds from;
  std::chrono::sys_seconds to;
  std::chrono::sys_seconds now;
  // Local minutes after midnight a start may fall in, every day of the window ("after 5").
  minute_span start_within{};
  std::size_t max_slots = 2;
  std::chrono::minutes step{15};
  // Time to treat as taken although the snapshot does not show it yet (a slot just lost to
  // another caller).
  std::vector<booked_interval> also_taken;
  // Time to treat as free (the caller's own appointment while moving it).
  std::optional<booked_interval> ignore;
};

// The shop's book prepared for fast free-time searches: bookings sorted per stylist or chair,
// opening hours and closed dates, all in the shop's time zone. Used by the conversation and by
// the shop actor alike.
class availability {
 public:
  explicit availability(const shop_snapshot& shop);

  // Earliest free starts, one per start time, in time order. A slot lies inside opening hours
  // for its full length, on a resource that does every requested service, in free time only.
  std::vector<free_slot> find(const slot_query& query) const;

  // Opening hours on a local date; unset when the shop is closed that day.
  std::optional<opening_hours> hours_on(std::chrono::local_days day) const;
  // Earliest opening and latest closing over the week; unset when the shop has no hours.
  std::optional<opening_hours> widest_hours() const;
  std::chrono::minutes duration_of(const std::vector<std::string>& service_ids) const;
  // Whether a stylist (index) does every listed service.
  bool does_all(std::size_t stylist, const std::vector<std::string>& service_ids) const;
  bool works_on(std::size_t stylist, std::chrono::local_days day) const;

  void replace_bookings(const std::vector<booked_interval>& booked);
  const shop_clock& clock() const noexcept { return clock_; }

 private:
  struct span {
    std::chrono::sys_seconds start;
    std::chrono::sys_seconds end;
  };
  struct resource {
    std::string name;
    std::string key;     // lower-case name, for matching booked intervals
    std::string id_key;  // lower-case stylist id
    std::optional<std::size_t> stylist;
    std::vector<span> busy;  // sorted by start
  };

  struct extra_rules {
    std::optional<std::pair<std::size_t, span>> ignore;
    std::vector<std::pair<std::size_t, span>> taken;
  };

  std::optional<std::size_t> resource_of(const std::string& name) const;
  bool is_free(const resource& r, std::size_t index, span s, const extra_rules& rules,
               std::size_t& cursor, std::chrono::sys_seconds& blocked_until) const;

  shop_clock clock_;
  std::array<std::optional<opening_hours>, 7> hours_;
  std::vector<std::chrono::local_days> closed_;
  std::vector<shop_service> services_;
  std::vector<shop_stylist> stylists_;
  std::vector<resource> resources_;
};

// One-off search straight from a snapshot (builds the index each call).
std::vector<free_slot> find_free_slots(const shop_snapshot& shop, const slot_query& query);

}  // namespace salon::conversation
