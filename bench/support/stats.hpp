#pragma once
// Small statistics for benches: medians of repeated runs (the machines are noisy).

#include <algorithm>
#include <vector>

namespace dialcore::bench {

inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return (*mid + *std::max_element(v.begin(), mid)) / 2.0;
}

}  // namespace dialcore::bench
