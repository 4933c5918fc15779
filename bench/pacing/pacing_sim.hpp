#pragma once
// Discrete-event simulation of one shift of a workload, driving a real dialler::PacingStrategy
// through the same events the daemon sends. Common random numbers: the k-th dial of every
// strategy calls lead k, whose outcome, ring time, talk and wrap come from a stream seeded by
// (seed, k) alone; inbound arrivals have their own stream.

#include <cstdint>
#include <string>

#include "bench/pacing/workload.hpp"

namespace dialcore::bench::pacing {

struct SimResult {
  double talk_min_per_agent_hour = 0;
  double occupancy = 0;
  std::int64_t dials = 0;
  std::int64_t live_answers = 0;  // people who answered (incl. AMD false positives)
  std::int64_t abandoned = 0;     // true: not bridged in time, or hung up as a machine by AMD
  double true_abandon_rate = 0;
  double worst_day_rate = 0;
  double worst_60min_rate = 0;
  double uk_rate = -1;  // < 0 when AMD is off
  double dials_per_connect = 0;
  double bridge_delay_p99_s = 0;
  double idle_between_calls_s = 0;
  double inbound_service_level = -1;  // < 0 when there is no inbound traffic
  std::int64_t cancelled_ringing = 0;  // unanswered calls the dialler hung up (>= min ring)
  std::int64_t cancel_refused = 0;     // hang-ups asked before the minimum ring time
  double sim_ms = 0;
};

// Throws std::runtime_error for an unknown strategy.
SimResult simulate(const Workload& w, const std::string& strategy, std::uint64_t seed);

}  // namespace dialcore::bench::pacing
