#include "tests/support/realtime.hpp"

#include <pthread.h>
#include <sched.h>

#include <thread>

namespace salon::testing {

bool realtime_scheduling_allowed() {
  bool allowed = false;
  std::thread probe([&allowed] {
    sched_param param{};
    param.sched_priority = 1;
    allowed = pthread_setschedparam(pthread_self(), SCHED_RR, &param) == 0;
  });
  probe.join();
  return allowed;
}

}  // namespace salon::testing
