#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace salon::benchmarks {

// Where the dashboards connect: WS /ops of a running server with its admin key.
struct dashboard_target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string api_key;
  // Events of calls whose SID starts with this are the load's own: counted and summed apart.
  std::string sid_prefix;
};

// What one dashboard received.
struct dashboard_tally {
  bool connected = false;
  std::string ended;  // why it stopped before stop(): close code, error
  std::map<std::string, long, std::less<>> by_type;  // every event by its `type`
  long own_events = 0;                               // call_* events of the load's calls
  std::uint64_t own_checksum = 0;  // sum of event_hash over them: order-blind, exact
  std::vector<double> lag_ms;      // arrival minus the event's `at`, sampled
};

// The checksum term of one call event: (type, call SID, turns for call_turn, 0 otherwise). A
// dashboard received exactly the expected events when count and sum both match.
std::uint64_t event_hash(std::string_view type, std::string_view sid, long turns);

// N WebSocket clients of WS /ops (bearer header), each reading and counting every message
// without building a JSON tree (a scan for `type`, `sid`, `turns` and `at`), so that 200 of
// them can follow thousands of events a second. Runs on the given io_context.
class dashboard_fleet {
 public:
  dashboard_fleet(boost::asio::io_context& io, dashboard_target target, int count);
  ~dashboard_fleet();
  dashboard_fleet(const dashboard_fleet&) = delete;
  dashboard_fleet& operator=(const dashboard_fleet&) = delete;

  // Connects them all; safe from any thread.
  void start();
  // How many have their snapshot, and how many failed to connect or were closed.
  int ready() const;
  int ended() const;
  // Own call events received so far, summed over the dashboards.
  long own_events() const;
  // Closes them all (normal close); the io_context finishes the rest.
  void stop();
  // A copy of what each received; call when the io_context has stopped, or accept a moment.
  std::vector<dashboard_tally> tallies() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace salon::benchmarks
