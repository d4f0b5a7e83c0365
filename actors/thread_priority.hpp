#pragma once

#include <optional>
#include <string>

namespace salon::actors {

// Puts the calling thread under SCHED_RR at `priority` (1..99). Threads it starts afterwards
// inherit the policy, so calling it before the runtime and the HTTP server exist puts every
// thread of the server ahead of other processes. Empty on success, else what the system said.
std::optional<std::string> run_thread_realtime(int priority);

// Returns the calling thread to the normal scheduler: for slow work (a website scrape) that must
// not hold a core ahead of the calls.
void run_thread_normally();

// A real-time calling thread goes one priority lower (to the normal scheduler from priority 1):
// for work that must wait for the calls but not for other processes (the dashboards' feed).
// A thread under the normal scheduler stays as it is.
void run_thread_one_priority_lower();

}  // namespace salon::actors
