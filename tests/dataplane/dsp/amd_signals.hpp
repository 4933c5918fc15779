#pragma once
// Test signals for the AMD tests, generated in the test: tones (fax, SIT, beeps), V.21 HDLC
// flags, a voice-like signal (a gliding harmonic series shaped into syllables), white noise, and
// a helper that runs the detector 20 ms at a time as a worker would.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <span>
#include <vector>

#include "dataplane/dsp/amd_detector.hpp"

namespace dialcore::test {

using Pcm = std::vector<std::int16_t>;

inline double amplitude(double dbfs) { return 32767.0 * std::pow(10.0, dbfs / 20.0); }

inline void append(Pcm& out, const std::vector<double>& x) {
  for (double v : x) {
    out.push_back(static_cast<std::int16_t>(std::fmax(-32768.0, std::fmin(32767.0, std::round(v)))));
  }
}

inline void silence(Pcm& out, double ms) { out.resize(out.size() + static_cast<std::size_t>(ms * 8), 0); }

// A sine of `ms` at `dbfs` (relative to a full-scale sine) with 5 ms raised-cosine edges.
inline void tone(Pcm& out, double hz, double ms, double dbfs) {
  const std::size_t n = static_cast<std::size_t>(ms * 8);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double edge = std::fmin(1.0, std::fmin(static_cast<double>(i), static_cast<double>(n - 1 - i)) / 40.0);
    x[i] = amplitude(dbfs) * (0.5 - 0.5 * std::cos(std::numbers::pi * edge)) *
           std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / 8000.0);
  }
  append(out, x);
}

// A struck note (piano, guitar): a fundamental with 2nd and 3rd harmonics at -12 dB, starting
// at `dbfs` and decaying exponentially by `decay_db_per_s`.
inline void struck_note(Pcm& out, double hz, double ms, double dbfs, double decay_db_per_s) {
  const std::size_t n = static_cast<std::size_t>(ms * 8);
  std::vector<double> x(n);
  const double h = std::pow(10.0, -12.0 / 20.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / 8000.0;
    const double env = amplitude(dbfs - decay_db_per_s * t) * std::fmin(1.0, static_cast<double>(i) / 16.0);
    const double w = 2.0 * std::numbers::pi * hz * t;
    x[i] = env * (std::sin(w) + h * std::sin(2.0 * w) + h * std::sin(3.0 * w)) / (1.0 + 2.0 * h);
  }
  append(out, x);
}

// V.21 channel 2 (answering side) carrying HDLC flags 0x7E at 300 bit/s: FSK, mark 1650 Hz
// (1), space 1850 Hz (0), phase-continuous.
inline void v21_flags(Pcm& out, double ms, double dbfs) {
  const std::size_t n = static_cast<std::size_t>(ms * 8);
  std::vector<double> x(n);
  double phase = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t bit = i * 300 / 8000;
    const int flag_bit = (0x7E >> (bit % 8)) & 1;
    phase += 2.0 * std::numbers::pi * (flag_bit ? 1650.0 : 1850.0) / 8000.0;
    x[i] = amplitude(dbfs) * std::sin(phase);
  }
  append(out, x);
}

// A voice-like utterance of `ms` at about `dbfs` RMS: 15 harmonics of a pitch gliding
// between 110 and 190 Hz, cut into syllables of 120-250 ms whose envelope dips by ~15 dB
// between them (never to silence, as within a word).
inline void voice(Pcm& out, double ms, double dbfs, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t n = static_cast<std::size_t>(ms * 8);
  std::vector<double> x(n);
  double phase = 0.0, syllable_start = 0.0, syllable_len = 160.0 + 90.0 * u(rng);
  const double f0_base = 110.0 + 80.0 * u(rng);
  for (std::size_t i = 0; i < n; ++i) {
    const double t_ms = static_cast<double>(i) / 8.0;
    if (t_ms - syllable_start >= syllable_len) {
      syllable_start = t_ms;
      syllable_len = 120.0 + 130.0 * u(rng);
    }
    const double f0 = f0_base * (1.0 + 0.15 * std::sin(2.0 * std::numbers::pi * t_ms / 700.0));
    phase += 2.0 * std::numbers::pi * f0 / 8000.0;
    double s = 0.0;
    for (int k = 1; k <= 15; ++k) {
      if (k * f0 > 3400.0) break;
      s += std::sin(k * phase) / std::sqrt(static_cast<double>(k));
    }
    const double pos = (t_ms - syllable_start) / syllable_len;
    const double env = 0.18 + 0.82 * std::sin(std::numbers::pi * pos);
    x[i] = amplitude(dbfs) * 0.45 * env * s;
  }
  append(out, x);
}

// Adds white Gaussian noise whose power is `dbfs` relative to a full-scale sine.
inline void add_noise(Pcm& x, double dbfs, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, amplitude(dbfs) / std::sqrt(2.0));
  for (auto& s : x) {
    const double v = std::round(s + n(rng));
    s = static_cast<std::int16_t>(std::fmax(-32768.0, std::fmin(32767.0, v)));
  }
}

struct AmdRun {
  dataplane::dsp::AmdResult result = dataplane::dsp::AmdResult::Undecided;
  std::uint32_t decision_ms = 0;
  std::vector<dataplane::dsp::AmdEvent> events;
  const dataplane::dsp::AmdEvent* find(dataplane::dsp::AmdEvent::Kind k) const {
    for (const auto& e : events) {
      if (e.kind == k) return &e;
    }
    return nullptr;
  }
};

// Runs a fresh detector over x in 20 ms frames (a trailing partial frame is dropped), then
// finish().
inline AmdRun run_amd(std::span<const std::int16_t> x, const dataplane::dsp::AmdConfig& config = {}) {
  using dataplane::dsp::AmdDetector;
  AmdDetector det(config);
  std::vector<dataplane::dsp::AmdEvent> buf(4);
  AmdRun r;
  for (std::size_t at = 0; at + AmdDetector::kFrameSamples <= x.size() && !det.done();
       at += AmdDetector::kFrameSamples) {
    const std::size_t n = det.process(x.subspan(at, AmdDetector::kFrameSamples), buf);
    r.events.insert(r.events.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  const std::size_t n = det.finish(buf);
  r.events.insert(r.events.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  r.result = det.result();
  r.decision_ms = det.decision_ms();
  return r;
}

}  // namespace dialcore::test
