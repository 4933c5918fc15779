#pragma once
// What a simulator run did: calls by drawn outcome, how they ended, answers, talk time, RTP
// packets both ways, payments keyed. Printed as a table on exit and, with --json, as one line.

#include <array>
#include <cstdint>
#include <string>

#include "sim/carrier/call_plan.hpp"

namespace dialcore::sim::carrier {

struct Summary {
  std::array<std::uint64_t, kOutcomeCount> calls{};  // INVITEs handled, by drawn outcome
  std::uint64_t invites = 0;        // every INVITE seen
  std::uint64_t refused = 0;        // past --max-calls or while stopping: 503, not drawn
  std::uint64_t sdp_failed = 0;     // an offer we could not answer (400/488)
  std::uint64_t answers = 0;        // 200 OK sent
  double talk_seconds = 0;          // answer to end, summed over answered calls
  std::uint64_t rtp_sent = 0;       // audio and telephone-event packets
  std::uint64_t rtp_received = 0;   // audio and telephone-event packets
  std::uint64_t rtp_events_received = 0;
  std::uint64_t payments_started = 0, payments_keyed = 0;  // keyed = every key sent
  std::uint64_t info_dtmf = 0;      // SIP INFO digits from the caller
  // How calls ended.
  std::uint64_t caller_cancel = 0, caller_bye = 0, our_bye = 0, our_reject = 0, ring_timeout = 0,
                shutdown = 0, other_end = 0;

  std::string table() const;
  std::string json() const;  // one line, no newline
};

}  // namespace dialcore::sim::carrier
