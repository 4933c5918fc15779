#include "tests/support/audio_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace dialcore::test {

double rms(std::span<const std::int16_t> x) {
  if (x.empty()) return 0.0;
  double e = 0.0;
  for (auto s : x) e += static_cast<double>(s) * s;
  return std::sqrt(e / static_cast<double>(x.size()));
}

double segmental_snr_db(std::span<const std::int16_t> ref, std::span<const std::int16_t> test,
                        std::size_t segment, double min_rms) {
  const std::size_t n = std::min(ref.size(), test.size());
  double sum = 0.0;
  int count = 0;
  for (std::size_t start = 0; start + segment <= n; start += segment) {
    double sig = 0.0, err = 0.0;
    for (std::size_t i = start; i < start + segment; ++i) {
      const double r = ref[i], d = static_cast<double>(test[i]) - r;
      sig += r * r;
      err += d * d;
    }
    if (std::sqrt(sig / static_cast<double>(segment)) < min_rms) continue;
    const double snr = err == 0.0 ? 60.0 : 10.0 * std::log10(sig / err);
    sum += std::clamp(snr, -10.0, 60.0);
    ++count;
  }
  return count == 0 ? 0.0 : sum / count;
}

Alignment best_alignment(std::span<const std::int16_t> ref, std::span<const std::int16_t> test,
                         std::size_t max_lag) {
  Alignment best{0, -2.0};
  for (std::size_t lag = 0; lag <= max_lag && lag < test.size(); ++lag) {
    const std::size_t n = std::min(ref.size(), test.size() - lag);
    double xy = 0.0, xx = 0.0, yy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = ref[i], y = test[i + lag];
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
    const double c = (xx > 0.0 && yy > 0.0) ? xy / std::sqrt(xx * yy) : 0.0;
    if (c > best.correlation) best = {lag, c};
  }
  return best;
}

int max_step(std::span<const std::int16_t> x) {
  int m = 0;
  for (std::size_t i = 1; i < x.size(); ++i) m = std::max(m, std::abs(x[i] - x[i - 1]));
  return m;
}

}  // namespace dialcore::test
