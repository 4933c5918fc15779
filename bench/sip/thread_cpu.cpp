#include "bench/sip/thread_cpu.hpp"

#include <dirent.h>
#include <time.h>

#include <cstdlib>
#include <fstream>

namespace dialcore::bench::sip {

std::vector<ThreadInfo> process_threads() {
  std::vector<ThreadInfo> out;
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr) return out;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    ThreadInfo t;
    t.tid = static_cast<pid_t>(std::atoi(entry->d_name));
    std::ifstream(std::string("/proc/self/task/") + entry->d_name + "/comm") >> t.name;
    out.push_back(t);
  }
  ::closedir(dir);
  return out;
}

namespace {
double clock_s(clockid_t clock) {
  timespec ts{};
  if (::clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

double thread_cpu_s(pid_t tid) {
  // The kernel's per-thread CPU clock id: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED), i.e.
  // (~tid << 3) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED, as glibc builds it.
  const auto id = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 4U | 2U);
  return clock_s(id);
}

double this_thread_cpu_s() { return clock_s(CLOCK_THREAD_CPUTIME_ID); }

}  // namespace dialcore::bench::sip
