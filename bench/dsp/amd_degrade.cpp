#include "bench/dsp/amd_degrade.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <stdexcept>

#include "codecs/codec.hpp"

namespace dialcore::bench {
namespace {

constexpr std::size_t kFrame = 160;  // 20 ms at 8 kHz

std::vector<std::int16_t> g729_round_trip(const std::vector<std::int16_t>& pcm) {
  codecs::CodecFormat f;
  f.id = codecs::CodecId::G729;
  auto enc = codecs::make_encoder(f, codecs::EncoderOptions{});
  auto dec = codecs::make_decoder(f);
  if (!enc || !dec) throw std::runtime_error("G.729 codec unavailable");
  std::vector<std::int16_t> out(pcm.size(), 0);
  std::array<std::uint8_t, 64> wire{};
  for (std::size_t at = 0; at + kFrame <= pcm.size(); at += kFrame) {
    const auto e = enc->encode({pcm.data() + at, kFrame}, wire);
    if (!e.ok()) throw std::runtime_error("G.729 encode failed");
    const auto d = dec->decode({wire.data(), e.count}, {out.data() + at, kFrame});
    if (!d.ok()) throw std::runtime_error("G.729 decode failed");
  }
  return out;
}

}  // namespace

std::string AmdDegradation::name() const {
  std::string n;
  if (g729) n.append("g729");
  if (snr_db) {
    if (!n.empty()) n.push_back('+');
    n.append("snr");
    n.append(std::to_string(std::lround(*snr_db)));
  }
  if (n.empty()) n.append("clean");
  return n;
}

double active_level_db(const std::vector<std::int16_t>& pcm) {
  std::vector<double> frames;
  for (std::size_t at = 0; at + kFrame <= pcm.size(); at += kFrame) {
    double sum = 0.0;
    for (std::size_t i = 0; i < kFrame; ++i) sum += static_cast<double>(pcm[at + i]) * pcm[at + i];
    frames.push_back(10.0 * std::log10(sum / kFrame / (32768.0 * 32768.0) + 1e-12));
  }
  if (frames.empty()) return -120.0;
  const double top = *std::max_element(frames.begin(), frames.end());
  double power = 0.0;
  int n = 0;
  for (double db : frames) {
    if (db >= top - 25.0) {
      power += std::pow(10.0, db / 10.0);
      ++n;
    }
  }
  return 10.0 * std::log10(power / n);
}

std::vector<std::int16_t> degrade(const std::vector<std::int16_t>& pcm, const AmdDegradation& d) {
  std::vector<std::int16_t> out = d.g729 ? g729_round_trip(pcm) : pcm;
  if (!d.snr_db) return out;
  const double noise_db = active_level_db(out) - *d.snr_db;  // against the speech as received
  const double sigma = 32768.0 * std::pow(10.0, noise_db / 20.0);
  std::mt19937 rng(d.seed);
  std::normal_distribution<double> gauss(0.0, sigma);
  for (auto& s : out) {
    s = static_cast<std::int16_t>(std::clamp(std::lround(s + gauss(rng)), -32768L, 32767L));
  }
  return out;
}

}  // namespace dialcore::bench
