#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dialler/pacing_strategy.hpp"

namespace dialcore::dialler {

int RatioStrategy::calls_to_launch(double) {
  // Calls already answered and waiting count against the agents they will take.
  // K per free agent rounded down (2.5 with one agent free: 2 lines), never below one each.
  const int free = free_agents();
  const double target = std::max<double>(free, std::floor(ratio_ * free + 1e-9));
  const int launch = static_cast<int>(target) - floor_.calls_in_flight();
  return launch > 0 ? launch : 0;
}

std::string RatioStrategy::name() const {
  if (ratio_ == 1.0) return "progressive";
  char buf[32];
  std::snprintf(buf, sizeof buf, "ratio:%g", ratio_);
  return buf;
}

}  // namespace dialcore::dialler
