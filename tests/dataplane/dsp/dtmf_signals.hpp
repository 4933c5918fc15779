#pragma once
// Test signals for the DTMF tests: key sequences rendered with our generator, white noise,
// and a helper that runs the detector frame by frame as a worker would.

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "dataplane/dsp/dtmf_detector.hpp"
#include "dataplane/dsp/dtmf_generator.hpp"

namespace dialcore::test {

using Pcm = std::vector<std::int16_t>;

// `lead_samples` of silence, then the tones (each followed by its pause), then 200 ms of silence.
inline Pcm render(const std::vector<dataplane::dsp::DtmfTone>& tones,
                  std::size_t lead_samples = 800) {
  dataplane::dsp::DtmfGenerator gen;
  Pcm out(lead_samples, 0);
  std::size_t queued = 0;
  Pcm frame(160);
  while (queued < tones.size() || gen.busy()) {
    while (queued < tones.size() && gen.enqueue(tones[queued])) ++queued;
    const std::size_t n = gen.generate(frame);
    out.insert(out.end(), frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
  }
  out.resize(out.size() + 1600, 0);
  return out;
}

// Adds white Gaussian noise whose power is `dbfs` relative to a full-scale sine.
inline void add_noise(Pcm& x, double dbfs, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, 32767.0 / std::sqrt(2.0) * std::pow(10.0, dbfs / 20.0));
  for (auto& s : x) {
    const double v = std::round(s + n(rng));
    s = static_cast<std::int16_t>(std::fmax(-32768.0, std::fmin(32767.0, v)));
  }
}

struct Detected {
  std::string digits;  // keys in order of their Begin events
  std::vector<dataplane::dsp::DtmfEvent> events;
};

inline Detected detect(std::span<const std::int16_t> x, std::size_t frame = 160,
                       std::uint64_t clock = 0) {
  dataplane::dsp::DtmfDetector det;
  std::vector<dataplane::dsp::DtmfEvent> buf(16);
  Detected d;
  for (std::size_t at = 0; at < x.size(); at += frame) {
    const std::size_t n = std::min(frame, x.size() - at);
    const auto r = det.process(x.subspan(at, n), clock + at, buf);
    for (std::size_t i = 0; i < r.count; ++i) {
      d.events.push_back(buf[i]);
      if (buf[i].kind == dataplane::dsp::DtmfEvent::Kind::Begin) d.digits += buf[i].digit;
    }
  }
  return d;
}

}  // namespace dialcore::test
