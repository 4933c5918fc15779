#pragma once
// Packet loss concealment for waveform codecs (G.711, L16), after ITU-T G.711 Appendix I:
// on a loss, find the pitch period in the recent history and repeat it, with an overlap-add
// where the repeated period wraps, attenuation after the first 10 ms and silence after 60 ms;
// on the first good frame after a loss, cross-fade from the synthetic signal into the real one.
// Why not spandsp's plc (libspandsp-dev is installed for the benches, and its plc_state_t can be
// placed in our own memory): its pitch search and buffers are fixed for 8 kHz, and L16 runs at
// 16 and 48 kHz too; one implementation serves every waveform codec.
// Unlike Appendix I we add no algorithmic delay: the step between the last real sample and the
// first synthetic one is removed by a short decaying offset instead of rewriting output.
//
// Cost: remember() is one memcpy of the frame into a ring, ~6 ns per 10 ms frame at 8 kHz
// (`dialbench codecs`: G711Decoder 0.034 us vs the bare table loop 0.028 us); conceal()
// linearises the ring and searches the pitch only at the first lost frame of a loss.

#include <cstdint>
#include <span>
#include <vector>

namespace dialcore::codecs {

class WaveformPlc {
 public:
  explicit WaveformPlc(std::uint32_t sample_rate_hz);

  // Call with every decoded good frame, in order. When the frames before it were concealed,
  // it blends the start of `pcm` with the synthetic continuation (pcm is modified).
  void remember(std::span<std::int16_t> pcm) noexcept;
  // Writes synthetic audio for a lost stretch (any length; called repeatedly for long losses).
  void conceal(std::span<std::int16_t> pcm) noexcept;

 private:
  void start_erasure() noexcept;
  float next_synthetic() noexcept;
  void push_history(std::span<const std::int16_t> pcm) noexcept;

  std::uint32_t rate_khz_;
  std::size_t history_len_;
  std::size_t pitch_min_, pitch_max_, corr_len_;
  std::vector<std::int16_t> ring_;  // last history_len_ output samples (real or concealed)
  std::size_t head_ = 0;            // next write position in ring_
  std::vector<float> history_;      // ring_ linearised, oldest first, at the start of a loss
  std::vector<float> period_;   // the repeated pitch buffer (up to 3 periods)
  std::size_t period_len_ = 0;  // samples in period_ currently used
  std::size_t pitch_ = 0;       // detected pitch period, samples
  std::size_t pos_ = 0;         // read position in period_
  std::size_t erased_ = 0;      // samples concealed in the current loss, 0 = not in a loss
  float offset_ = 0.0f;         // decaying step correction at the start of a loss
  std::size_t offset_left_ = 0;
};

}  // namespace dialcore::codecs
