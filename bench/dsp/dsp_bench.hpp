#pragma once
// `dialbench dsp`: microseconds per 20 ms frame at 8 kHz for each DSP component a worker runs
// per leg, over real audio, so the per-leg budget is visible (issue 4). Rows are a table
// (dsp_bench.cpp, kRows): AMD and masking add theirs there.

namespace dialcore::bench {

int run_dsp_bench(int argc, char** argv);  // argv[0] is "dsp"

}  // namespace dialcore::bench
