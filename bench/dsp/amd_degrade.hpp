#pragma once
// Degraded copies of a leg's audio for checking how AMD holds up off the development set
// (held-out sets have other codecs and noise): a G.729A round trip through bcg729 (the
// codecs/ component, 20 ms packets) and white noise at a given SNR against the file's active
// speech level. Deterministic: the noise comes from a seeded generator.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dialcore::bench {

struct AmdDegradation {
  bool g729 = false;                 // encode and decode through G.729A first
  std::optional<double> snr_db;      // then add white noise this far under the active level
  std::uint32_t seed = 1;            // noise generator seed
  std::string name() const;          // "clean", "g729", "snr20", "g729+snr10", ...
};

// The active level in dB re full scale (mean square): the mean power of the 20 ms frames
// within 25 dB of the loudest frame (a P.56-like active level, enough to set an SNR).
double active_level_db(const std::vector<std::int16_t>& pcm);

// Returns the degraded copy (8 kHz in, 8 kHz out, same length).
std::vector<std::int16_t> degrade(const std::vector<std::int16_t>& pcm, const AmdDegradation& d);

}  // namespace dialcore::bench
