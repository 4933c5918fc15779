#include "daemon/thread_cpu.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

namespace dialcore::daemon {

void render_thread_cpu(std::string& out) {
  static const long ticks = ::sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return;
  std::map<std::string, unsigned long long> by_name;  // clock ticks
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream stat(task.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;  // the thread ended meanwhile
    // pid (comm) state ppid ... : comm may hold spaces and ')', so split at the last ')'.
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    const std::string name = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // Fields after comm start at 3 (state); utime is 14, stime 15.
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
      if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
    }
    by_name[name] += utime + stime;
  }
  if (by_name.empty()) return;
  out += "# TYPE dialcore_thread_cpu_seconds_total counter\n";
  for (const auto& [name, t] : by_name) {
    std::string label;
    for (char c : name) {
      if (c == '"' || c == '\\') label += '\\';
      label += c;
    }
    char value[32];
    std::snprintf(value, sizeof value, "%.2f", static_cast<double>(t) / static_cast<double>(ticks));
    out += "dialcore_thread_cpu_seconds_total{thread=\"" + label + "\"} " + value + "\n";
  }
}

}  // namespace dialcore::daemon
