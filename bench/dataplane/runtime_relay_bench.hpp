#pragma once
// `dialbench dataplane --backend dpdk --workers N`: the dataplane Runtime (N worker threads, as
// dialcored runs them) relaying G.711 on the DPDK backend (a net_ring port with one RX ring, so
// worker 0 dispatches the other shards' RTP in software, and a TX ring per worker) and, in the
// same run, on the socket backend (loopback UDP peers). Reports packets/s and CPU ns per packet
// per worker on each, and their ratios. EAL must be up (bench_eal_init).

#include <string>

namespace dialcore::bench {

struct RuntimeRelayOptions {
  unsigned workers = 2;
  unsigned legs = 400;  // in all, split evenly over the workers (bridged pairs on one worker)
  double seconds = 2.0;
  bool json = false;
};

int run_runtime_relay_bench(const RuntimeRelayOptions& options, const std::string& fixtures);

}  // namespace dialcore::bench
