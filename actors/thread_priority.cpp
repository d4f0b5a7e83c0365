#include "actors/thread_priority.hpp"

#include <pthread.h>
#include <sched.h>

#include <cstring>

namespace salon::actors {

std::optional<std::string> run_thread_realtime(int priority) {
  sched_param param{};
  param.sched_priority = priority;
  if (int error = pthread_setschedparam(pthread_self(), SCHED_RR, &param); error != 0) {
    std::string why = std::strerror(error);
    if (error == EPERM) why += " (needs root, CAP_SYS_NICE, or an RLIMIT_RTPRIO this high)";
    return why;
  }
  return std::nullopt;
}

void run_thread_normally() {
  sched_param param{};
  param.sched_priority = 0;
  // Lowering a thread's own priority is always allowed; nothing to report.
  pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
}

void run_thread_one_priority_lower() {
  int policy = SCHED_OTHER;
  sched_param param{};
  if (pthread_getschedparam(pthread_self(), &policy, &param) != 0) return;
  if (policy != SCHED_RR && policy != SCHED_FIFO) return;
  if (param.sched_priority <= 1) {
    run_thread_normally();
    return;
  }
  param.sched_priority -= 1;
  pthread_setschedparam(pthread_self(), policy, &param);
}

}  // namespace salon::actors
