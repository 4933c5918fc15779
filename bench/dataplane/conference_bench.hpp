#pragma once
// The mix rows of `dialbench dataplane` (issue 8): a 3-party conference's 20 ms tick (each
// member's packet decoded into its FIFO, the sum, three mix-minus frames encoded: the worker's
// Conference, dataplane/worker/conference.hpp) against the same three legs' plain transcoding
// (one Transcoder per leg, one 20 ms packet each), alternating chunks in the same run.

#include <span>
#include <string>
#include <vector>

namespace dialcore::bench {

struct MixRow {
  std::string name;       // mix_g711, mix_g729, mix_opus
  std::string codecs;     // the three members' codecs
  double tick_us = 0;     // median thread CPU us per mix tick (3 decodes, mix, 3 encodes)
  double transcode_us = 0;  // median thread CPU us for the 3 legs' transcoding of 20 ms
  double ratio = 0;       // tick_us / transcode_us
  std::size_t chunks = 0;
};

// Rows whose names are in `only` (empty: all); `seconds` of measuring per row.
std::vector<MixRow> run_mix_rows(std::span<const std::int16_t> speech, double seconds, const std::string& only);

}  // namespace dialcore::bench
