#pragma once
// `dialbench rtp`: relay throughput, loss, latency and CPU per packet, dialcore against
// rtpengine on the same paced traffic (issue 3, Bench).

namespace dialcore::bench {

int run_rtp_bench(int argc, char** argv);

}  // namespace dialcore::bench
