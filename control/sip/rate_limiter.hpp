#pragma once
// A token bucket for a trunk's max_cps: `rate_per_s` new calls a second, bursts up to the same
// number. Time is passed in (milliseconds of a monotonic clock).

#include <cstdint>

namespace dialcore::control::sip {

class TokenBucket {
 public:
  TokenBucket(std::uint32_t rate_per_s, std::uint64_t now_ms);
  // Takes one token if there is one. rate 0 refuses everything.
  bool try_take(std::uint64_t now_ms);

 private:
  double rate_per_ms_;
  double capacity_;
  double tokens_;
  std::uint64_t last_ms_;
};

}  // namespace dialcore::control::sip
