#pragma once
// `dialbench dataplane --only transcode_jb`: the transcoding decode path (G.729 -> PCMU, the
// worker's Transcoder, no I/O) with the jitter buffer on vs off, interleaved in one run, on a
// simulated 20 ms clock with 2 % loss and 2 % swapped packets; and the JitterBuffer alone.
// Fields: bench/dataplane/README.md.

#include <boost/json/array.hpp>

#include <cstdint>
#include <span>

namespace dialcore::bench {

struct TranscodeJbRow {
  std::uint32_t legs = 0;
  std::uint64_t packets = 0;      // per mode, measured
  double on_ns = 0, off_ns = 0;   // thread CPU ns per packet, medians of chunks
  double ratio = 0;               // on / off
  double jb_only_ns = 0;          // JitterBuffer push + pull per packet, no codec
  std::uint64_t concealed_on = 0, concealed_off = 0;  // frames concealed in the measured part
};

TranscodeJbRow run_transcode_jb(std::uint32_t legs, double seconds, std::span<const std::int16_t> speech);
// Prints the row's own table and appends it to the JSON rows (name "transcode_jb").
void add_transcode_jb(const TranscodeJbRow& row, boost::json::array& json_rows);

}  // namespace dialcore::bench
