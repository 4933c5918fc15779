#include "sim/agents/handset_audio.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "sim/common/wav_io.hpp"

namespace dialcore::sim::agents {

namespace {
constexpr double kRate = 8000;
constexpr double kTwoPi = 2 * std::numbers::pi;
}  // namespace

HandsetAudio::HandsetAudio(const std::string& source) {
  if (source == "speech") {
    kind_ = Kind::Speech;
  } else if (source == "tone") {
    kind_ = Kind::Tone;
  } else {
    kind_ = Kind::File;
    clip_ = read_wav_8k(source);
    if (clip_.empty()) throw std::runtime_error(source + ": no samples");
  }
}

void HandsetAudio::next(std::span<std::int16_t> frame) {
  for (auto& out : frame) {
    const double t = static_cast<double>(n_) / kRate;
    double v = 0;
    switch (kind_) {
      case Kind::Tone: v = 8000 * std::sin(kTwoPi * 440 * t); break;
      case Kind::File: v = clip_[n_ % clip_.size()]; break;
      case Kind::Speech: {
        const double phrase = std::fmod(t, 2.0);  // 1.2 s of syllables, 0.8 s of pause
        if (phrase < 1.2) {
          const double f0 = 120 + 15 * std::sin(kTwoPi * 0.7 * t);  // a little intonation
          const double syllable = std::pow(std::sin(std::numbers::pi * 4 * phrase), 2);
          v = syllable * (5000 * std::sin(kTwoPi * f0 * t) + 2500 * std::sin(kTwoPi * 4 * f0 * t) +
                          1200 * std::sin(kTwoPi * 11 * f0 * t));
        }
        break;
      }
    }
    out = static_cast<std::int16_t>(std::lround(v));
    ++n_;
  }
}

}  // namespace dialcore::sim::agents
