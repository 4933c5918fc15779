#include <catch2/catch.hpp>

#include "control/sip/rate_limiter.hpp"

namespace dialcore::control::sip {

TEST_CASE("the token bucket allows max_cps a second with that burst", "[sip][limits]") {
  TokenBucket b(10, 1000);
  int taken = 0;
  for (int i = 0; i < 25; ++i) taken += b.try_take(1000) ? 1 : 0;
  CHECK(taken == 10);             // the burst
  CHECK_FALSE(b.try_take(1050));  // half a token after 50 ms
  CHECK(b.try_take(1100));        // one after 100 ms
  CHECK_FALSE(b.try_take(1100));
  taken = 0;
  for (std::uint64_t t = 2000; t < 12000; t += 10) taken += b.try_take(t) ? 1 : 0;
  CHECK(taken >= 99);  // 10 s at 10/s (plus what had refilled)
  CHECK(taken <= 110);
}

TEST_CASE("a zero rate refuses everything and time going back is ignored", "[sip][limits]") {
  TokenBucket zero(0, 0);
  CHECK_FALSE(zero.try_take(0));
  CHECK_FALSE(zero.try_take(100000));
  TokenBucket b(1, 5000);
  CHECK(b.try_take(5000));
  CHECK_FALSE(b.try_take(1000));  // an earlier time adds nothing
}

}  // namespace dialcore::control::sip
