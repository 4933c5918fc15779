#pragma once
// `dialbench dataplane --backend dpdk`: one Worker on DpdkIo over a net_ring port, relaying and
// transcoding for many legs, the bench playing the wire between worker turns (issue 3, Bench).

namespace dialcore::bench {

int run_dataplane_bench(int argc, char** argv);

}  // namespace dialcore::bench
