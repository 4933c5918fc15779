#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "amd_signals.hpp"
#include "dataplane/dsp/half_band_decimator.hpp"

using dialcore::dataplane::dsp::HalfBandDecimator;

namespace {

// RMS of 16 kHz sine at `hz` after decimation (the filter's start-up skipped), in dB relative
// to the input's RMS; fed in 20 ms blocks as a wideband leg would.
double gain_db(double hz) {
  std::vector<std::int16_t> in(16000);
  for (std::size_t i = 0; i < in.size(); ++i) {
    in[i] = static_cast<std::int16_t>(std::lround(10000.0 * std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / 16000.0)));
  }
  HalfBandDecimator d;
  std::vector<std::int16_t> out(in.size() / 2);
  for (std::size_t at = 0; at < in.size(); at += 320) {
    REQUIRE(d.process(std::span<const std::int16_t>(in).subspan(at, 320),
                      std::span<std::int16_t>(out).subspan(at / 2, 160)) == 160);
  }
  double sum = 0.0;
  for (std::size_t i = 100; i < out.size(); ++i) sum += static_cast<double>(out[i]) * out[i];
  const double rms = std::sqrt(sum / static_cast<double>(out.size() - 100));
  return 20.0 * std::log10(rms / (10000.0 / std::sqrt(2.0)));
}

}  // namespace

TEST_CASE("16 kHz to 8 kHz keeps the telephone band and removes what would alias", "[amd][decimator]") {
  CHECK(std::abs(gain_db(300.0)) < 0.1);
  CHECK(std::abs(gain_db(1000.0)) < 0.1);
  CHECK(std::abs(gain_db(3000.0)) < 0.1);
  CHECK(gain_db(3400.0) > -0.5);
  CHECK(gain_db(5000.0) < -60.0);  // would fold to 3 kHz
  CHECK(gain_db(6500.0) < -60.0);  // would fold to 1.5 kHz
}

TEST_CASE("AMD on a decimated 16 kHz leg hears the fax tone", "[amd][decimator]") {
  dialcore::test::Pcm wide;
  std::vector<double> x(16000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = i < 3200 ? 0.0 : 3000.0 * std::sin(2.0 * std::numbers::pi * 1100.0 * static_cast<double>(i) / 16000.0);
  }
  dialcore::test::append(wide, x);
  HalfBandDecimator d;
  dialcore::test::Pcm narrow(wide.size() / 2);
  REQUIRE(d.process(wide, narrow) == narrow.size());
  const auto r = dialcore::test::run_amd(narrow);
  CHECK(r.result == dialcore::dataplane::dsp::AmdResult::Fax);
}
