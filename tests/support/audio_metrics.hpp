#pragma once
// Objective audio measures for codec and DSP tests.

#include <cstddef>
#include <cstdint>
#include <span>

namespace dialcore::test {

double rms(std::span<const std::int16_t> x);

// Segmental SNR in dB over `segment`-sample segments, skipping segments whose reference RMS is
// below `min_rms` (silence says nothing about a codec) and clamping each to [-10, 60] dB.
double segmental_snr_db(std::span<const std::int16_t> ref, std::span<const std::int16_t> test,
                        std::size_t segment, double min_rms = 100.0);

struct Alignment {
  std::size_t lag = 0;       // test lags ref by this many samples
  double correlation = 0.0;  // normalised cross-correlation at that lag
};
// The lag in [0, max_lag] where test best matches ref.
Alignment best_alignment(std::span<const std::int16_t> ref, std::span<const std::int16_t> test,
                         std::size_t max_lag);

// Largest absolute sample-to-sample step in x.
int max_step(std::span<const std::int16_t> x);

}  // namespace dialcore::test
