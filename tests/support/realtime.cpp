#include "tests/support/realtime.hpp"

#include <thread>

#include "actors/thread_priority.hpp"

namespace salon::testing {

bool realtime_scheduling_allowed() {
  bool allowed = false;
  // The server's own call, on a thread that ends right after: this process's threads stay as
  // they were.
  std::thread probe([&allowed] { allowed = !actors::run_thread_realtime(1).has_value(); });
  probe.join();
  return allowed;
}

}  // namespace salon::testing
