#pragma once
// `dialbench pacing`: runs pacing strategies over a workload in the discrete-event simulator.

namespace dialcore::bench {
int run_pacing_bench(int argc, char** argv);
}
