#pragma once
// dialbench sip: CPU time of this process's threads (the control thread, the SIP thread, the
// dataplane workers), read through each thread's CPU clock (the clock glibc's
// pthread_getcpuclockid returns, made from the kernel thread id) with nanosecond resolution.

#include <sys/types.h>

#include <string>
#include <vector>

namespace dialcore::bench::sip {

struct ThreadInfo {
  pid_t tid = 0;
  std::string name;  // /proc/self/task/<tid>/comm
};

std::vector<ThreadInfo> process_threads();
// CPU seconds (user + system) the thread `tid` of this process has used; 0 when it is gone.
double thread_cpu_s(pid_t tid);
// The calling thread's CPU seconds (CLOCK_THREAD_CPUTIME_ID).
double this_thread_cpu_s();

}  // namespace dialcore::bench::sip
