#pragma once

namespace salon::testing {

// Whether this process may put a thread under SCHED_RR: root with CAP_SYS_NICE here, but a
// container's root may lack the capability. Asked by trying, on a thread of its own.
bool realtime_scheduling_allowed();

}  // namespace salon::testing
