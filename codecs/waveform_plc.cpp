#include "codecs/waveform_plc.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dialcore::codecs {
namespace {

std::int16_t to_pcm(float v) {
  return static_cast<std::int16_t>(std::lrint(std::clamp(v, -32768.0f, 32767.0f)));
}

}  // namespace

WaveformPlc::WaveformPlc(std::uint32_t sample_rate_hz)
    : rate_khz_(sample_rate_hz / 1000),
      history_len_(390 * rate_khz_ / 8),  // 48.75 ms, as in G.711 Appendix I
      pitch_min_(5 * rate_khz_),          // 200 Hz
      pitch_max_(15 * rate_khz_),         // 66.7 Hz
      corr_len_(20 * rate_khz_),
      ring_(history_len_, 0),
      history_(history_len_, 0.0f),
      period_(pitch_max_, 0.0f) {}

void WaveformPlc::push_history(std::span<const std::int16_t> pcm) noexcept {
  const std::size_t n = std::min(pcm.size(), history_len_);
  const std::int16_t* src = pcm.data() + (pcm.size() - n);
  const std::size_t room = history_len_ - head_;  // samples before the ring wraps
  if (n < room) {
    std::memcpy(ring_.data() + head_, src, n * sizeof(std::int16_t));
    head_ += n;
    return;
  }
  std::memcpy(ring_.data() + head_, src, room * sizeof(std::int16_t));
  std::memcpy(ring_.data(), src + room, (n - room) * sizeof(std::int16_t));
  head_ = n - room;
}

void WaveformPlc::start_erasure() noexcept {
  for (std::size_t k = 0; k < history_len_; ++k) {
    history_[k] = static_cast<float>(ring_[(head_ + k) % history_len_]);
  }
  const float* h = history_.data();
  const std::size_t n = history_len_;
  const float* target = h + n - corr_len_;  // the most recent corr_len_ samples

  // Normalised cross-correlation of the recent signal with itself one period earlier:
  // a coarse pass over every `step` lags, then a fine pass around the best.
  auto score = [&](std::size_t lag) {
    const float* past = target - lag;
    float xy = 0.0f, yy = 1.0f;
    for (std::size_t k = 0; k < corr_len_; ++k) {
      xy += target[k] * past[k];
      yy += past[k] * past[k];
    }
    return xy / std::sqrt(yy);
  };
  const std::size_t step = std::max<std::size_t>(2, rate_khz_ / 4);
  std::size_t best = pitch_max_;
  float best_score = -1e30f;
  for (std::size_t lag = pitch_min_; lag <= pitch_max_; lag += step) {
    const float s = score(lag);
    if (s > best_score) best_score = s, best = lag;
  }
  const std::size_t lo = std::max(pitch_min_, best - std::min(best, step - 1));
  const std::size_t hi = std::min(pitch_max_, best + step - 1);
  for (std::size_t lag = lo; lag <= hi; ++lag) {
    const float s = score(lag);
    if (s > best_score) best_score = s, best = lag;
  }
  pitch_ = best;

  // The pitch buffer: the last period, its tail cross-faded into the samples one period
  // earlier, so that wrapping from its end to its start is as smooth as the real signal.
  period_len_ = pitch_;
  const std::size_t ov = std::max<std::size_t>(1, pitch_ / 4);
  const float* last = h + n - pitch_;
  const float* before = last - pitch_;
  for (std::size_t k = 0; k < pitch_; ++k) period_[k] = last[k];
  for (std::size_t k = pitch_ - ov; k < pitch_; ++k) {
    const float w = static_cast<float>(k - (pitch_ - ov) + 1) / static_cast<float>(ov + 1);
    period_[k] = (1.0f - w) * last[k] + w * before[k];
  }
  pos_ = 0;

  // Remove the step between the last real sample (extrapolated one sample) and the first
  // synthetic one with an offset that decays over a quarter period.
  const float predicted = h[n - 1] + (h[n - 1] - h[n - 2]);
  offset_ = predicted - period_[0];
  offset_left_ = ov;
}

float WaveformPlc::next_synthetic() noexcept {
  float v = period_[pos_];
  pos_ = pos_ + 1 == period_len_ ? 0 : pos_ + 1;
  if (offset_left_ > 0) {
    const std::size_t ov = std::max<std::size_t>(1, pitch_ / 4);
    v += offset_ * static_cast<float>(offset_left_) / static_cast<float>(ov);
    --offset_left_;
  }
  // Full level for 10 ms, then fade linearly to silence at 60 ms (G.711 Appendix I).
  const std::size_t full = 10 * rate_khz_, silent = 60 * rate_khz_;
  if (erased_ >= silent) {
    v = 0.0f;
  } else if (erased_ > full) {
    v *= 1.0f - static_cast<float>(erased_ - full) / static_cast<float>(silent - full);
  }
  ++erased_;
  return v;
}

void WaveformPlc::conceal(std::span<std::int16_t> pcm) noexcept {
  if (erased_ == 0) start_erasure();
  for (auto& s : pcm) s = to_pcm(next_synthetic());
  push_history(pcm);
}

void WaveformPlc::remember(std::span<std::int16_t> pcm) noexcept {
  if (erased_ > 0) {
    // Cross-fade over 4 ms, plus 4 ms per further 10 ms lost, at most 10 ms (Appendix I).
    const std::size_t lost_10ms = erased_ / (10 * rate_khz_);
    const std::size_t fade = std::min<std::size_t>(
        {(4 + 4 * (lost_10ms > 0 ? lost_10ms - 1 : 0)) * rate_khz_, 10 * rate_khz_, pcm.size()});
    for (std::size_t k = 0; k < fade; ++k) {
      const float w = static_cast<float>(k + 1) / static_cast<float>(fade + 1);
      pcm[k] = to_pcm(w * static_cast<float>(pcm[k]) + (1.0f - w) * next_synthetic());
    }
    erased_ = 0;
    offset_left_ = 0;
  }
  push_history(pcm);
}

}  // namespace dialcore::codecs
