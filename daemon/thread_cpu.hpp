#pragma once
// dialcored's threads' CPU time for /metrics: dialcore_thread_cpu_seconds_total{thread="NAME"}
// from /proc/self/task/*/stat (utime + stime), summed by thread name (dp-worker-N,
// dc-recorder-N, the control thread "dialcored", SIP, the history writer...). `dialctl top` turns
// two readings into CPU percentages. Linux only; nothing is written when /proc cannot be read.

#include <string>

namespace dialcore::daemon {

void render_thread_cpu(std::string& out);

}  // namespace dialcore::daemon
