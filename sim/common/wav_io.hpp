#pragma once
// 16-bit PCM WAV in and out for the simulator: corpus clips are read as 8 kHz mono (16 kHz is
// decimated with the dataplane's half-band filter, stereo is mixed down; other rates are refused
// with a clear error), and what a call heard is written as 8 kHz mono (--capture-dir).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dialcore::sim {

// Throws std::runtime_error naming the file and what is wrong with it.
std::vector<std::int16_t> read_wav_8k(const std::string& path);
// Returns false when the file cannot be written.
bool write_wav_8k(const std::string& path, std::span<const std::int16_t> pcm);

}  // namespace dialcore::sim
