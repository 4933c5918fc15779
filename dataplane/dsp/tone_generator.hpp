#pragma once
// Call-progress and signalling tones (issue 4, item 4): a cadence of up to 4 steps, each one or
// two sine frequencies at a level for a time (or silence), played once, a number of times, or
// until stopped; presets for the agent-connect beep (predictive mode: "a customer is on the
// line"), the four Telcordia special information tones (SIT) and ringback (North American and
// British cadences). 8 or 16 kHz.
//
// The oscillators are rotating complex phasors in double precision (as DtmfGenerator), so the
// phase stays continuous across frames; every tone step starts and ends with a 2 ms raised-cosine
// ramp, so cadence edges do not click. Header-only (std only).
//
// Cost: ~0.3-0.5 us per 20 ms at 8 kHz while a tone sounds (two phasor rotations per sample;
// `worker_prompt_test "[.bench]"`); silence steps are a fill. No allocation, lock or clock read.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>

#include "dataplane/dsp/amd_sit.hpp"

namespace dialcore::dataplane::dsp {

struct ToneStep {
  float hz1 = 0.0f;  // 0: none
  float hz2 = 0.0f;  // 0: none (a single tone)
  float dbfs = -13.0f;  // per frequency, relative to a full-scale sine
  std::uint32_t ms = 0;  // 0 ends the cadence
};

struct ToneSpec {
  std::array<ToneStep, 4> steps{};
  std::uint16_t repeat = 1;  // times the cadence plays; 0 = until stopped
};

// Agent-connect beep: one short 1 kHz beep.
constexpr ToneSpec agent_beep_tone() {
  ToneSpec t;
  t.steps[0] = {1000.0f, 0.0f, -12.0f, 150};
  return t;
}

// SIT: three rising tones, low or high variant of the first two, short (274 ms) or long (380 ms)
// segments; the combination is the code (Telcordia GR-1162 / SR-2275 table). Checked against two
// published copies of the Bell table (TELECOM Digest 1990, a 1983 recorder/announcer manual):
// NC high/long high/long, IC low/short low/short, VC high/long low/short, RO low/short high/long;
// third tone 1776.7 Hz / 380 ms; frequencies within +/-0.2 %, durations +/-5 %. The code is the
// AMD detector's SitCode (amd_sit.hpp: one type for what we play and what we classify); the
// codes the table does not assign (None, Reserved, Unknown) play Intercept.
constexpr ToneSpec sit_tone(SitCode code) {
  constexpr std::uint32_t kShort = 274, kLong = 380;
  bool high1 = false, long1 = false, high2 = false, long2 = false;
  switch (code) {
    case SitCode::VacantCode: high1 = long1 = true; break;
    case SitCode::NoCircuitInter: high1 = long1 = high2 = long2 = true; break;
    case SitCode::NoCircuitIntra: long1 = long2 = true; break;
    case SitCode::ReorderInter: high1 = long2 = true; break;
    case SitCode::ReorderIntra: high2 = long2 = true; break;
    case SitCode::IneffectiveOther: long1 = high2 = true; break;
    default: break;  // Intercept: low short, low short
  }
  ToneSpec t;
  t.steps = {{{high1 ? kSitHigh1 : kSitLow1, 0, -13, long1 ? kLong : kShort},
              {high2 ? kSitHigh2 : kSitLow2, 0, -13, long2 ? kLong : kShort},
              {kSitThird, 0, -13, kLong},
              {}}};
  return t;
}

enum class RingbackStyle : std::uint8_t { NorthAmerica, UnitedKingdom };

// North America: 440 + 480 Hz, 2 s on, 4 s off. UK: 400 + 450 Hz, 0.4 on 0.2 off 0.4 on 2 off.
// Looped until stopped.
constexpr ToneSpec ringback_tone(RingbackStyle style) {
  ToneSpec t;
  t.repeat = 0;
  if (style == RingbackStyle::NorthAmerica) {
    t.steps = {{{440, 480, -19, 2000}, {0, 0, 0, 4000}, {}, {}}};
  } else {
    t.steps = {{{400, 450, -19, 400}, {0, 0, 0, 200}, {400, 450, -19, 400}, {0, 0, 0, 2000}}};
  }
  return t;
}

class ToneGenerator {
 public:
  static constexpr std::uint32_t kRampMs = 2;

  ToneGenerator() noexcept = default;
  ToneGenerator(const ToneSpec& spec, std::uint32_t rate_hz) noexcept { start(spec, rate_hz); }

  void start(const ToneSpec& spec, std::uint32_t rate_hz) noexcept {
    spec_ = spec;
    rate_hz_ = rate_hz;
    step_ = 0;
    loops_ = 0;
    done_ = spec_.steps[0].ms == 0 || rate_hz == 0;
    begin_step();
  }

  // Writes all of pcm: the tone, then silence once it is done. Returns the samples that came
  // from the tone (pcm.size() while it plays).
  std::size_t generate(std::span<std::int16_t> pcm) noexcept {
    std::size_t i = 0;
    for (; i < pcm.size() && !done_; ++i) {
      pcm[i] = sample();
      if (++pos_ >= length_) next_step();
    }
    std::fill(pcm.begin() + static_cast<std::ptrdiff_t>(i), pcm.end(), std::int16_t{0});
    return i;
  }

  bool done() const noexcept { return done_; }
  std::uint32_t loops() const noexcept { return loops_; }  // whole cadences played

 private:
  struct Osc {
    double re = 1.0, im = 0.0, step_re = 1.0, step_im = 0.0;
    void set(float hz, std::uint32_t rate) noexcept {
      const double w = 2.0 * std::numbers::pi * hz / rate;
      re = 1.0;
      im = 0.0;
      step_re = std::cos(w);
      step_im = std::sin(w);
    }
    double next() noexcept {
      const double v = im;
      const double r = re * step_re - im * step_im;
      im = re * step_im + im * step_re;
      re = r;
      return v;
    }
  };

  void begin_step() noexcept {
    const ToneStep& s = spec_.steps[step_];
    length_ = static_cast<std::uint64_t>(s.ms) * rate_hz_ / 1000;
    pos_ = 0;
    ramp_ = std::max<std::uint64_t>(1, std::uint64_t{kRampMs} * rate_hz_ / 1000);
    amp_ = (s.hz1 > 0.0f || s.hz2 > 0.0f) ? 32767.0 * std::pow(10.0, s.dbfs / 20.0) : 0.0;
    if (s.hz1 > 0.0f) a_.set(s.hz1, rate_hz_);
    if (s.hz2 > 0.0f) b_.set(s.hz2, rate_hz_);
    two_ = s.hz2 > 0.0f;
    one_ = s.hz1 > 0.0f;
  }

  void next_step() noexcept {
    ++step_;
    if (step_ >= spec_.steps.size() || spec_.steps[step_].ms == 0) {
      step_ = 0;
      ++loops_;
      if (spec_.repeat != 0 && loops_ >= spec_.repeat) {
        done_ = true;
        return;
      }
    }
    begin_step();
  }

  std::int16_t sample() noexcept {
    if (amp_ == 0.0) return 0;
    double v = (one_ ? a_.next() : 0.0) + (two_ ? b_.next() : 0.0);
    const std::uint64_t edge = std::min(pos_, length_ - 1 - pos_);
    if (edge < ramp_) {
      v *= 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(edge) / static_cast<double>(ramp_));
    }
    if ((pos_ & 0xFF) == 0) {  // keep the phasors on the unit circle
      renorm(a_);
      renorm(b_);
    }
    return static_cast<std::int16_t>(std::clamp(v * amp_, -32768.0, 32767.0));
  }
  static void renorm(Osc& o) noexcept {
    const double m = std::sqrt(o.re * o.re + o.im * o.im);
    if (m > 0.0) {
      o.re /= m;
      o.im /= m;
    }
  }

  ToneSpec spec_{};
  std::uint32_t rate_hz_ = 8000;
  std::size_t step_ = 0;
  std::uint32_t loops_ = 0;
  bool done_ = true, one_ = false, two_ = false;
  std::uint64_t length_ = 0, pos_ = 0, ramp_ = 1;
  double amp_ = 0.0;
  Osc a_, b_;
};

}  // namespace dialcore::dataplane::dsp
