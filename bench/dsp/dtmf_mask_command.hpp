#pragma once
// `dialbench dtmf mask IN.wav OUT.wav`: PCI masking of in-band DTMF on a WAV file, frame by
// frame as a live leg would with masking armed from the first frame (the corpus contract,
// shared/corpus/README.md): OUT.wav is IN.wav with every key replaced, delayed by the masker's
// look-ahead; stdout is the captured digits on one line and nothing else.

namespace dialcore::bench {

int run_dtmf_mask(int argc, char** argv);  // argv[0] is "mask"

}  // namespace dialcore::bench
