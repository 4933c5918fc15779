#pragma once
// What a simulated agent says, 20 ms at a time: a speech-like signal (a voiced buzz at about
// 120 Hz with three formant-ish harmonics, shaped into 4 Hz syllables, 1.2 s phrases and 0.8 s
// pauses), a steady 440 Hz tone, or a WAV file (8/16 kHz, sim/common's reader) looped.
// next() allocates nothing.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dialcore::sim::agents {

class HandsetAudio {
 public:
  // "speech", "tone", or a WAV path. Throws std::runtime_error for a file it cannot read.
  explicit HandsetAudio(const std::string& source);
  void next(std::span<std::int16_t> frame);
  // Starts over (each call starts at its first sample).
  void rewind() { n_ = 0; }

 private:
  enum class Kind { Speech, Tone, File };
  Kind kind_ = Kind::Speech;
  std::vector<std::int16_t> clip_;
  std::uint64_t n_ = 0;  // samples sent
};

}  // namespace dialcore::sim::agents
