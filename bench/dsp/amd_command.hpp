#pragma once
// `dialbench amd FILE...`: answering-machine detection on WAV files, frame by frame as a live
// leg would, printing FILE<TAB>RESULT<TAB>decision_ms per file (the corpus contract,
// shared/corpus/README.md). Nothing else goes to stdout.

namespace dialcore::bench {

int run_amd_command(int argc, char** argv);  // argv[0] is "amd"

}  // namespace dialcore::bench
