#pragma once
// `dialbench codecs`: encode/decode cost per codec frame through our codec interface and through
// the codec library called directly, in the same run, so the wrapper's overhead is a ratio.

namespace dialcore::bench {

int run_codec_bench(int argc, char** argv);  // argv[0] is "codecs"

}  // namespace dialcore::bench
