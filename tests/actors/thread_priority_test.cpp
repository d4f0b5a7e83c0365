// SCHED_RR for the server's threads (REALTIME_PRIORITY): granted, inherited, given back, and
// refused with a reason.

#include "actors/thread_priority.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/support/realtime.hpp"

namespace salon::actors {
namespace {

struct scheduling {
  int policy = -1;
  int priority = -1;
};

scheduling current_scheduling() {
  scheduling s;
  sched_param param{};
  pthread_getschedparam(pthread_self(), &s.policy, &param);
  s.priority = param.sched_priority;
  return s;
}

TEST(thread_priority, a_realtime_thread_passes_it_on_and_can_give_it_back) {
  // Root with CAP_SYS_NICE (as here) may use SCHED_RR; a process without it is refused, which
  // the other test covers.
  if (!salon::testing::realtime_scheduling_allowed()) {
    EXPECT_TRUE(run_thread_realtime(3).has_value());
    return;
  }
  std::thread worker([] {
    ASSERT_EQ(run_thread_realtime(3), std::nullopt);
    auto mine = current_scheduling();
    EXPECT_EQ(mine.policy, SCHED_RR);
    EXPECT_EQ(mine.priority, 3);
    scheduling child;
    std::thread([&child] { child = current_scheduling(); }).join();
    EXPECT_EQ(child.policy, SCHED_RR) << "threads started afterwards inherit the policy";
    EXPECT_EQ(child.priority, 3);
    run_thread_one_priority_lower();
    EXPECT_EQ(current_scheduling().policy, SCHED_RR);
    EXPECT_EQ(current_scheduling().priority, 2);
    run_thread_normally();
    EXPECT_EQ(current_scheduling().policy, SCHED_OTHER);
    run_thread_one_priority_lower();
    EXPECT_EQ(current_scheduling().policy, SCHED_OTHER) << "a normal thread stays normal";
  });
  worker.join();
  EXPECT_EQ(current_scheduling().policy, SCHED_OTHER) << "only the calling thread changes";
}

TEST(thread_priority, a_refusal_says_what_permission_is_missing) {
  // A child process without the privilege: nobody, with no real-time allowance.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    rlimit none{0, 0};
    setrlimit(RLIMIT_RTPRIO, &none);
    if (geteuid() == 0 && setuid(65534) != 0) _exit(3);
    auto error = run_thread_realtime(5);
    if (!error) _exit(1);
    if (error->find("CAP_SYS_NICE") == std::string::npos) _exit(2);
    _exit(current_scheduling().policy == SCHED_OTHER ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "1: granted, 2: the reason does not name CAP_SYS_NICE, 3: setuid failed, 4: policy "
         "changed anyway";
}

}  // namespace
}  // namespace salon::actors
