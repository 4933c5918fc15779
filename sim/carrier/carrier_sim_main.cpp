// dialcore-carrier-sim: a SIP endpoint that answers INVITEs the way a carrier network would,
// per a workload file (sim/carrier/README.md).

#include <cstdio>
#include <exception>

#include "sim/carrier/carrier_sim.hpp"
#include "sim/common/sim_main.hpp"

int main(int argc, char** argv) {
  using namespace dialcore::sim::carrier;
  std::string message;
  bool help = false;
  auto options = parse_options(argc, argv, message, help);
  if (!options) return dialcore::sim::usage_exit(message, help);
  try {
    if (options->corpus.empty()) options->corpus = default_corpus();
    Planner planner(dialcore::bench::pacing::load_workload(options->workload),
                    load_extensions(options->workload), options->seed, options->time_scale);
    CarrierSim sim(*options, std::move(planner), Corpus::load(options->corpus));
    const auto& stop = dialcore::sim::stop_on_signals();
    if (const auto error = sim.start()) {
      std::fprintf(stderr, "dialcore-carrier-sim: %s\n", error->c_str());
      return 1;
    }
    std::printf("listen %s:%u\n", options->listen_host.c_str(), static_cast<unsigned>(sim.sip_port()));
    std::fflush(stdout);
    sim.run(stop);
    std::fputs(sim.summary().table().c_str(), stdout);
    if (options->json) std::printf("%s\n", sim.summary().json().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dialcore-carrier-sim: %s\n", e.what());
    return 1;
  }
}
