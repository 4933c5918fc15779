#include "dataplane/dsp/dtmf_masker.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dialcore::dataplane::dsp {
namespace {

constexpr std::uint64_t kPerMs = DtmfMasker::kSampleRateHz / 1000;
constexpr std::size_t kBlock = DtmfDetector::kBlockSamples;  // decisions every 5 ms
// Keys are declared ~40-45 ms after they start (39-45 ms on mask-dev), within the look-ahead, so
// their replacement starts before the tone reaches the output. For keys declared later, a
// candidate is hidden provisionally, from its start until it is declared or given up, once it
// has 15 ms of strong evidence and its tones average 90 % of the power: a clean pair, as real
// keys give (~0.95) and voices do not (no voice candidate averages 0.8 at its declaration;
// amd-dev-0031 briefly reaches 0.8-0.86 over a few windows). A voice can otherwise hold a
// key-like pair for 40 ms without being declared (mask-dev-001 at 17.7 s), and what would be
// hidden of it counts against the preserved audio. Never for more than 120 ms.
constexpr float kProvisionalStrongMs = 15.0f;
constexpr float kProvisionalShare = 0.9f;
constexpr std::uint64_t kProvisionalMax = 120 * kPerMs;
constexpr float kRamp = 16.0f;          // 2 ms between audio and fill
constexpr std::size_t kCrossFade = 80;  // 10 ms from delayed to live audio when disarming
constexpr std::size_t kArmFade = 16;    // 2 ms fade to the fill, and of the audio back in
// Comfort noise follows the quietest 5 ms blocks: a block below the floor sets it, otherwise
// the floor rises by 0.05 dB per block (10 dB/s), so tones and speech hardly move it.
constexpr float kFloorRise = 1.0116f;
constexpr float kMaxFloor = 32767.0f * 32767.0f * 0.5f * 3.16e-5f;  // -45 dBFS sine power
constexpr float kMinFloor = 1.0f;
// The internal clock starts here, so times a look-ahead back never fall below zero.
constexpr std::uint64_t kClockBase = 1024;

float dbfs_amplitude(float dbfs) noexcept { return 32767.0f * std::pow(10.0f, dbfs / 20.0f); }

}  // namespace

DtmfMasker::DtmfMasker(const DtmfMaskConfig& config) noexcept
    : config_(config),
      lookahead_(
          std::clamp<std::size_t>(config.lookahead_ms * kPerMs, 30 * kPerMs, kMaxLookaheadSamples)),
      guard_before_(config.guard_before_ms * kPerMs),
      guard_after_(config.guard_after_ms * kPerMs),
      slot_(std::max<std::uint64_t>(1, config.cadence_slot_ms * kPerMs)),
      hold_(config.cadence_hold_ms * kPerMs),
      now_(kClockBase) {
  const double w = 2.0 * std::numbers::pi * config.neutral_tone_hz / kSampleRateHz;
  tone_step_re_ = static_cast<float>(std::cos(w));
  tone_step_im_ = static_cast<float>(std::sin(w));
  tone_amp_ = dbfs_amplitude(config.neutral_tone_dbfs);
  floor_ = kMaxFloor;
}

void DtmfMasker::reset() noexcept {
  detector_.reset();
  mode_ = Mode::Pass;
  rearm_ = false;
  now_ = kClockBase;
  n_spans_ = 0;
  has_provisional_ = false;
  digit_captured_ = false;
  mix_ = 0.0f;
  floor_ = kMaxFloor;  // a min-tracker: the first quiet block brings it down
  block_energy_ = 0;
  last_out_ = 0;
}

void DtmfMasker::arm() noexcept {
  if (mode_ == Mode::Draining) {
    mode_ = Mode::Armed;
    return;
  }
  if (mode_ == Mode::CrossFade) {
    rearm_ = true;
    return;
  }
  if (mode_ != Mode::Pass) return;
  // The look-ahead starts filled: the last sample sent fades to zero over 2 ms, then silence
  // (replaced by the fill if a key is found at once); the audio from now on fades in.
  for (std::size_t i = 0; i < lookahead_; ++i) {
    const float g = i < kArmFade ? 1.0f - static_cast<float>(i + 1) / kArmFade : 0.0f;
    ring_[(now_ - lookahead_ + i) % kRingSize] =
        static_cast<std::int16_t>(std::lround(g * static_cast<float>(last_out_)));
  }
  fade_in_from_ = now_;
  mix_ = 0.0f;
  mode_ = Mode::Armed;
}

void DtmfMasker::disarm() noexcept {
  if (mode_ == Mode::Armed) mode_ = Mode::Draining;
  rearm_ = false;
}

DtmfMaskResult DtmfMasker::process(std::span<const std::int16_t> in, std::span<std::int16_t> out,
                                   std::uint64_t first_sample, std::span<DtmfEvent> events,
                                   std::span<DtmfEvent> captured) noexcept {
  DtmfMaskResult result;
  origin_ = first_sample - now_;
  const std::size_t total = std::min(in.size(), out.size());
  if (mode_ == Mode::Pass) {  // not armed: detection, the noise floor, and a copy
    // Keys go to the ordinary events, straight from the detector on the caller's clock.
    const DtmfResult r = detector_.process(in.first(total), first_sample, events);
    result.events = r.count;
    result.dropped = r.dropped;
    if (r.count > 0) digit_captured_ = false;
    for (std::size_t i = 0; i < total;) {
      const std::size_t n =
          std::min(kBlock - static_cast<std::size_t>((now_ + i) % kBlock), total - i);
      track_floor(in.subspan(i, n), now_ + i + n);
      i += n;
    }
    now_ += total;
    if (out.data() != in.data()) std::copy_n(in.begin(), total, out.begin());
    if (total > 0) last_out_ = out[total - 1];
    return result;
  }
  std::size_t i = 0;
  while (i < total) {
    // Chunks end on the detector's 5 ms blocks, so decisions do not depend on the frame size.
    const std::size_t n = std::min(kBlock - static_cast<std::size_t>(now_ % kBlock), total - i);
    const auto chunk = in.subspan(i, n);
    const DtmfResult r = detector_.process(chunk, now_, ev_);
    result.dropped += r.dropped;
    copy_to_ring(chunk, now_);
    // What a block decides (keys, noise floor) applies from the next chunk on, so a chunk's
    // output never depends on where the caller's frames end within a block.
    output(out.subspan(i, n), now_);
    track_floor(chunk, now_ + n);
    now_ += n;
    on_events(r.count, events, captured, result);
    update_provisional();
    i += n;
    if (mode_ == Mode::Pass && rearm_) {  // arm() came during the disarm cross-fade
      rearm_ = false;
      arm();
    }
    if (mode_ == Mode::Pass && i < total) {  // the disarm cross-fade ended inside this frame
      const DtmfMaskResult rest =
          process(in.subspan(i), out.subspan(i), origin_ + now_, events.subspan(result.events),
                  captured.subspan(result.captured));
      result.events += rest.events;
      result.captured += rest.captured;
      result.dropped += rest.dropped;
      return result;
    }
  }
  return result;
}

void DtmfMasker::on_events(std::size_t n, std::span<DtmfEvent> events,
                           std::span<DtmfEvent> captured, DtmfMaskResult& result) noexcept {
  for (std::size_t k = 0; k < n; ++k) {
    DtmfEvent e = ev_[k];
    const std::uint64_t start = e.start_sample;  // internal clock: the detector is fed now_
    const bool begin = e.kind == DtmfEvent::Kind::Begin;
    if (begin) digit_captured_ = mode_ == Mode::Armed || mode_ == Mode::Draining;
    if (digit_captured_) {
      if (begin) {
        open_span(start - guard_before_);
      } else {
        close_span(start + e.duration_samples + guard_after_);
      }
    }
    e.start_sample = origin_ + start;
    std::span<DtmfEvent> to = digit_captured_ ? captured : events;
    std::size_t& count = digit_captured_ ? result.captured : result.events;
    if (count < to.size()) {
      to[count++] = e;
    } else {
      ++result.dropped;
    }
  }
}

void DtmfMasker::open_span(std::uint64_t begin) noexcept {
  if (config_.uniform_cadence && n_spans_ > 0 && spans_[n_spans_ - 1].end >= begin) {
    spans_[n_spans_ - 1].end = kOpen;  // the block goes on
    return;
  }
  if (n_spans_ > 0 && spans_[n_spans_ - 1].end >= begin) {  // overlaps the previous: merge
    spans_[n_spans_ - 1].end = kOpen;
    return;
  }
  if (n_spans_ == kMaxSpans) {  // cannot happen with real keys; hide more rather than less
    spans_[n_spans_ - 1].end = kOpen;
    return;
  }
  spans_[n_spans_++] = {begin, kOpen};
  if (config_.uniform_cadence) session_begin_ = begin;
}

void DtmfMasker::close_span(std::uint64_t end) noexcept {
  if (n_spans_ == 0) return;
  Span& s = spans_[n_spans_ - 1];
  if (config_.uniform_cadence) {
    const std::uint64_t want = end + hold_ - session_begin_;
    end = session_begin_ + (want + slot_ - 1) / slot_ * slot_;
  }
  s.end = end;
}

void DtmfMasker::update_provisional() noexcept {
  has_provisional_ = false;
  if (mode_ != Mode::Armed && mode_ != Mode::Draining) return;
  const DtmfCandidate c = detector_.candidate();
  if (c.digit == 0 || c.unsteady || c.strong_ms < kProvisionalStrongMs) return;
  if (c.share < kProvisionalShare) return;
  if (now_ > c.start_sample + kProvisionalMax) return;
  provisional_ = {c.start_sample - guard_before_, kOpen};
  has_provisional_ = true;
}

// Ring copies in at most two pieces (a chunk never exceeds a block, the ring is 1024).
void DtmfMasker::copy_to_ring(std::span<const std::int16_t> chunk, std::uint64_t t) noexcept {
  const std::size_t at = static_cast<std::size_t>(t % kRingSize);
  const std::size_t first = std::min(chunk.size(), kRingSize - at);
  std::copy_n(chunk.begin(), first, ring_.begin() + static_cast<std::ptrdiff_t>(at));
  std::copy(chunk.begin() + static_cast<std::ptrdiff_t>(first), chunk.end(), ring_.begin());
}

void DtmfMasker::copy_from_ring(std::uint64_t t, std::span<std::int16_t> out) const noexcept {
  const std::size_t at = static_cast<std::size_t>(t % kRingSize);
  const std::size_t first = std::min(out.size(), kRingSize - at);
  std::copy_n(ring_.begin() + static_cast<std::ptrdiff_t>(at), first, out.begin());
  std::copy_n(ring_.begin(), out.size() - first, out.begin() + static_cast<std::ptrdiff_t>(first));
}

// Whether any of [a, b) is to be replaced.
bool DtmfMasker::hidden_in(std::uint64_t a, std::uint64_t b) const noexcept {
  if (has_provisional_ && b > provisional_.begin) return true;
  for (std::size_t k = 0; k < n_spans_; ++k) {
    if (a < spans_[k].end && b > spans_[k].begin) return true;
  }
  return false;
}

std::int16_t DtmfMasker::fill_sample(std::uint64_t t) noexcept {
  switch (config_.fill) {
    case DtmfMaskFill::Silence: return 0;
    case DtmfMaskFill::ComfortNoise: {
      // xorshift32; two uniforms summed: triangular noise of the floor's power (variance 1/6
      // of the square of the half-range, hence the factor sqrt(6)).
      auto next = [this] {
        noise_ ^= noise_ << 13;
        noise_ ^= noise_ >> 17;
        noise_ ^= noise_ << 5;
        return static_cast<float>(noise_) * (1.0f / 4294967296.0f) - 0.5f;
      };
      const float u = next() + next();
      return static_cast<std::int16_t>(std::lround(u * std::sqrt(6.0f * floor_)));
    }
    case DtmfMaskFill::NeutralTone: {
      const float re = tone_re_ * tone_step_re_ - tone_im_ * tone_step_im_;
      tone_im_ = tone_re_ * tone_step_im_ + tone_im_ * tone_step_re_;
      tone_re_ = re;
      bool on = true;
      if (config_.uniform_cadence) on = ((t - session_begin_) / (slot_ / 2)) % 2 == 0;
      return on ? static_cast<std::int16_t>(std::lround(tone_amp_ * tone_im_)) : 0;
    }
  }
  return 0;
}

void DtmfMasker::output(std::span<std::int16_t> out, std::uint64_t first) noexcept {
  const std::size_t n = out.size();
  const std::uint64_t t0 = first - lookahead_;  // the delayed samples going out now
  const bool fading_in = t0 < fade_in_from_ + kArmFade && t0 + n > fade_in_from_;
  if (mode_ == Mode::Armed && mix_ == 0.0f && !fading_in && !hidden_in(t0, t0 + n)) {
    copy_from_ring(t0, out);  // most chunks
  } else {
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t t = t0 + k;
      float x = ring_[t % kRingSize];
      if (t >= fade_in_from_ && t < fade_in_from_ + kArmFade) {
        x *= static_cast<float>(t - fade_in_from_ + 1) / kArmFade;
      }
      const float target = hidden_in(t, t + 1) ? 1.0f : 0.0f;
      mix_ += std::clamp(target - mix_, -1.0f / kRamp, 1.0f / kRamp);
      float y = x;
      if (mix_ > 0.0f) y = (1.0f - mix_) * x + mix_ * static_cast<float>(fill_sample(t));
      if (mode_ == Mode::CrossFade) {
        const float w = static_cast<float>(++cross_) / static_cast<float>(kCrossFade);
        y = (1.0f - w) * y + w * static_cast<float>(ring_[(first + k) % kRingSize]);
      }
      out[k] = static_cast<std::int16_t>(std::lround(std::clamp(y, -32768.0f, 32767.0f)));
      if (mode_ == Mode::CrossFade && cross_ == kCrossFade) {  // the rest of the chunk is live
        for (std::size_t j = k + 1; j < n; ++j) out[j] = ring_[(first + j) % kRingSize];
        mode_ = Mode::Pass;
        n_spans_ = 0;
        break;
      }
    }
  }
  if (n > 0) last_out_ = out[n - 1];
  if (mode_ == Mode::Pass) return;
  // Forget replaced intervals that have gone out; finish a disarm once nothing is hidden.
  const std::uint64_t t_out = t0 + n;
  std::size_t kept = 0;
  for (std::size_t k = 0; k < n_spans_; ++k) {
    if (spans_[k].end > t_out) spans_[kept++] = spans_[k];
  }
  n_spans_ = kept;
  if (mode_ == Mode::Draining && n_spans_ == 0 && !has_provisional_ && mix_ == 0.0f &&
      detector_.active_digit() == 0) {
    mode_ = Mode::CrossFade;
    cross_ = 0;
  }
  if ((first + n) % kBlock == 0) {  // keep the neutral tone's phasor on the unit circle
    const float m = std::sqrt(tone_re_ * tone_re_ + tone_im_ * tone_im_);
    tone_re_ /= m;
    tone_im_ /= m;
  }
}

void DtmfMasker::track_floor(std::span<const std::int16_t> chunk, std::uint64_t end) noexcept {
  std::int64_t sum = 0;  // integer sum of squares: exact, and vectorises
  for (const std::int16_t s : chunk) sum += static_cast<std::int64_t>(s * s);
  block_energy_ += sum;
  if (end % kBlock != 0) return;  // the 5 ms block is not complete yet
  const float e = static_cast<float>(block_energy_) / static_cast<float>(kBlock);
  block_energy_ = 0;
  floor_ = std::clamp(std::min(e, floor_ * kFloorRise), kMinFloor, kMaxFloor);
}

}  // namespace dialcore::dataplane::dsp
