#include "dataplane/dsp/dtmf_generator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "dataplane/dsp/dtmf_tones.hpp"

namespace dialcore::dataplane::dsp {
namespace {

constexpr double kFullScale = 32767.0;

}  // namespace

DtmfGenerator::DtmfGenerator() noexcept {
  for (std::size_t i = 0; i < kRampSamples; ++i) {
    const double t = (static_cast<double>(i) + 0.5) / kRampSamples;
    ramp_[i] = static_cast<float>(0.5 - 0.5 * std::cos(std::numbers::pi * t));
  }
}

bool DtmfGenerator::enqueue(const DtmfTone& tone) noexcept {
  if (queued_ == kQueueCapacity || dtmf_key_index(tone.digit) < 0) return false;
  queue_[(head_ + queued_) % kQueueCapacity] = tone;
  ++queued_;
  return true;
}

void DtmfGenerator::clear() noexcept {
  queued_ = 0;
  active_ = false;
}

bool DtmfGenerator::start_next() noexcept {
  if (queued_ == 0) return false;
  const DtmfTone t = queue_[head_];
  head_ = (head_ + 1) % kQueueCapacity;
  --queued_;
  const auto key = static_cast<std::size_t>(dtmf_key_index(t.digit));
  auto setup = [](Osc& o, double hz, float dbfs) {
    const double w = 2.0 * std::numbers::pi * hz / kSampleRateHz;
    o = {1.0, 0.0, std::cos(w), std::sin(w), kFullScale * std::pow(10.0, dbfs / 20.0)};
  };
  setup(row_, kDtmfRowHz[key / 4] * (1.0 + t.row_offset), t.row_dbfs);
  setup(col_, kDtmfColHz[key % 4] * (1.0 + t.col_offset), t.col_dbfs);
  on_samples_ = t.on_ms * (kSampleRateHz / 1000);
  total_samples_ = on_samples_ + t.off_ms * (kSampleRateHz / 1000);
  pos_ = 0;
  active_ = true;
  return true;
}

std::size_t DtmfGenerator::generate(std::span<std::int16_t> pcm) noexcept {
  std::size_t i = 0;
  while (i < pcm.size() && (active_ || start_next())) {
    // The tone: both phasors turn once per sample; locals keep them in registers.
    double r1 = row_.re, i1 = row_.im, r2 = col_.re, i2 = col_.im;
    const double c1 = row_.step_re, s1 = row_.step_im, c2 = col_.step_re, s2 = col_.step_im;
    for (; i < pcm.size() && pos_ < on_samples_; ++i, ++pos_) {
      const double n1 = r1 * c1 - i1 * s1, n2 = r2 * c2 - i2 * s2;
      i1 = r1 * s1 + i1 * c1;
      i2 = r2 * s2 + i2 * c2;
      r1 = n1;
      r2 = n2;
      double y = row_.amp * i1 + col_.amp * i2;
      const std::uint32_t edge = std::min(pos_, on_samples_ - 1 - pos_);
      if (edge < kRampSamples) y *= ramp_[edge];
      y = std::clamp(y + (y >= 0.0 ? 0.5 : -0.5), -32768.0, 32767.0);
      pcm[i] = static_cast<std::int16_t>(y);
    }
    row_.re = r1;
    row_.im = i1;
    col_.re = r2;
    col_.im = i2;
    // The pause.
    const std::size_t pause = std::min<std::size_t>(pcm.size() - i, total_samples_ - pos_);
    std::fill_n(pcm.begin() + static_cast<std::ptrdiff_t>(i), pause, std::int16_t{0});
    i += pause;
    pos_ += static_cast<std::uint32_t>(pause);
    if (pos_ >= total_samples_) active_ = false;
  }
  const std::size_t from_queue = i;
  std::fill(pcm.begin() + static_cast<std::ptrdiff_t>(i), pcm.end(), std::int16_t{0});
  // Renormalise once per frame: rounding would otherwise let the amplitude drift.
  for (Osc* o : {&row_, &col_}) {
    const double m = std::sqrt(o->re * o->re + o->im * o->im);
    o->re /= m;
    o->im /= m;
  }
  return from_queue;
}

}  // namespace dialcore::dataplane::dsp
