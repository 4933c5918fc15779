#pragma once
// Small statistics for benches: medians of repeated runs (the machines are noisy), and the
// wall time of one run.

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace dialcore::bench {

inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return (*mid + *std::max_element(v.begin(), mid)) / 2.0;
}

// Microseconds fn() took on the steady clock.
inline double time_us(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace dialcore::bench
