#include "sim/common/sim_main.hpp"

#include <csignal>
#include <cstdio>

namespace dialcore::sim {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }
}  // namespace

const std::atomic<bool>& stop_on_signals() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);
  return g_stop;
}

int usage_exit(const std::string& message, bool help) {
  std::fputs(message.c_str(), help ? stdout : stderr);
  return help ? 0 : 2;
}

}  // namespace dialcore::sim
