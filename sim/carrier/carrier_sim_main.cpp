// dialcore-carrier-sim: a SIP endpoint that answers INVITEs the way a carrier network would,
// per a workload file (sim/carrier/README.md).

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>

#include "sim/carrier/carrier_sim.hpp"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  using namespace dialcore::sim::carrier;
  std::string message;
  bool help = false;
  auto options = parse_options(argc, argv, message, help);
  if (!options) {
    std::fputs(message.c_str(), help ? stdout : stderr);
    return help ? 0 : 2;
  }
  try {
    if (options->corpus.empty()) options->corpus = default_corpus();
    Planner planner(dialcore::bench::pacing::load_workload(options->workload),
                    load_extensions(options->workload), options->seed, options->time_scale);
    CarrierSim sim(*options, std::move(planner), Corpus::load(options->corpus));
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    if (const auto error = sim.start()) {
      std::fprintf(stderr, "dialcore-carrier-sim: %s\n", error->c_str());
      return 1;
    }
    std::printf("listen %s:%u\n", options->listen_host.c_str(), static_cast<unsigned>(sim.sip_port()));
    std::fflush(stdout);
    sim.run(g_stop);
    std::fputs(sim.summary().table().c_str(), stdout);
    if (options->json) std::printf("%s\n", sim.summary().json().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dialcore-carrier-sim: %s\n", e.what());
    return 1;
  }
}
