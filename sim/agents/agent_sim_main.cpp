// dialcore-agent-sim: N simulated agents, each a SIP handset registered at dialcored's agent
// interface and an agent API client on the floor (sim/agents/README.md).

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>

#include "sim/agents/agent_sim.hpp"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  using namespace dialcore::sim::agents;
  std::string message;
  bool help = false;
  auto options = parse_options(argc, argv, message, help);
  if (!options) {
    std::fputs(message.c_str(), help ? stdout : stderr);
    return help ? 0 : 2;
  }
  try {
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    AgentSim sim(*options);
    if (const auto error = sim.start_sip()) {
      std::fprintf(stderr, "dialcore-agent-sim: %s\n", error->c_str());
      return 1;
    }
    std::printf("listen %s:%u\n", options->listen_host.c_str(), static_cast<unsigned>(sim.sip_port()));
    std::fflush(stdout);
    const auto error = sim.start_agents();
    if (!error) sim.run(g_stop);
    const auto summary = sim.finish();
    std::fputs(summary_table(summary).c_str(), stdout);
    if (options->json) std::printf("%s\n", summary_json(summary).c_str());
    if (error) {
      std::fprintf(stderr, "dialcore-agent-sim: %s\n", error->c_str());
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dialcore-agent-sim: %s\n", e.what());
    return 1;
  }
}
