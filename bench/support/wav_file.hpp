#pragma once
// Reading and writing 16-bit PCM WAV files for benches and tests (not for the recorder, which
// keeps its headers valid while writing; see issue 5).

#include <cstdint>
#include <string>
#include <vector>

namespace dialcore::bench {

struct WavAudio {
  std::uint32_t sample_rate_hz = 0;
  std::vector<std::int16_t> samples;  // mono; multi-channel input is down-mixed
};

struct WavResult {
  WavAudio audio;
  std::string error;  // empty when the file was read
  bool ok() const { return error.empty(); }
};

// Reads a RIFF/WAVE file of 16-bit PCM (format 1 or WAVE_FORMAT_EXTENSIBLE with PCM).
WavResult read_wav(const std::string& path);
// Writes mono 16-bit PCM; returns an error message or empty.
std::string write_wav(const std::string& path, const WavAudio& audio);

}  // namespace dialcore::bench
