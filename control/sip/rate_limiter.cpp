#include "control/sip/rate_limiter.hpp"

#include <algorithm>

namespace dialcore::control::sip {

TokenBucket::TokenBucket(std::uint32_t rate_per_s, std::uint64_t now_ms)
    : rate_per_ms_(rate_per_s / 1000.0),
      capacity_(static_cast<double>(rate_per_s)),
      tokens_(capacity_),
      last_ms_(now_ms) {}

bool TokenBucket::try_take(std::uint64_t now_ms) {
  if (now_ms > last_ms_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_per_ms_);
    last_ms_ = now_ms;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace dialcore::control::sip
