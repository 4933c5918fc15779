// Compiled by a test with the include path of dialcore_codec_names only: codec_names may not
// depend on codecs, so this include must fail to resolve.
#include "codecs/codec.hpp"
