// The positive control for forbidden_edge_probe.cpp: the same include path resolves
// codec_names' own headers.
#include "codecs/names/codec_id.hpp"
