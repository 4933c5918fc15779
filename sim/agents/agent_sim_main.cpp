// dialcore-agent-sim: N simulated agents, each a SIP handset registered at dialcored's agent
// interface and an agent API client on the floor (sim/agents/README.md).

#include <cstdio>
#include <exception>

#include "sim/agents/agent_sim.hpp"
#include "sim/common/sim_main.hpp"

int main(int argc, char** argv) {
  using namespace dialcore::sim::agents;
  std::string message;
  bool help = false;
  auto options = parse_options(argc, argv, message, help);
  if (!options) return dialcore::sim::usage_exit(message, help);
  try {
    const auto& stop = dialcore::sim::stop_on_signals();
    AgentSim sim(*options);
    if (const auto error = sim.start_sip()) {
      std::fprintf(stderr, "dialcore-agent-sim: %s\n", error->c_str());
      return 1;
    }
    std::printf("listen %s:%u\n", options->listen_host.c_str(), static_cast<unsigned>(sim.sip_port()));
    std::fflush(stdout);
    const auto error = sim.start_agents();
    if (!error) sim.run(stop);
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
