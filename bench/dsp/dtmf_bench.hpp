#pragma once
// `dialbench dtmf detect FILE...`: runs the in-band DTMF detector over WAV files frame by frame,
// as a live leg would, and prints FILE<TAB>DIGITS per file (the corpus contract,
// shared/corpus/README.md). Nothing else goes to stdout.

namespace dialcore::bench {

int run_dtmf_command(int argc, char** argv);  // argv[0] is "dtmf"

}  // namespace dialcore::bench
