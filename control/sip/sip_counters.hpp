#pragma once
// Counters of the SIP layer: written by the SIP thread, read by control at any time.

#include "control/sip/sip_types.hpp"

#include <array>
#include <atomic>
#include <cstdint>

namespace dialcore::control::sip {

inline constexpr std::size_t kCallEndCount = static_cast<std::size_t>(kLastCallEnd) + 1;

// A copy for control: plain numbers.
struct SipCountersSnapshot {
  std::uint64_t calls_started = 0;       // outbound INVITEs sent
  std::uint64_t calls_answered = 0;      // outbound 2xx
  std::uint64_t calls_incoming = 0;      // inbound INVITEs (new dialogs)
  std::uint64_t auth_challenges = 0;     // 401/407 answered with credentials
  std::uint64_t auth_failures = 0;       // challenged again after our credentials, or none to give
  std::uint64_t dtmf_events = 0;         // INFO digits passed up
  std::uint64_t malformed_requests = 0;  // requests the stack refused as malformed (4xx by us)
  std::uint64_t commands_refused = 0;    // control commands dropped: queue full or call unknown
  std::uint64_t registrations = 0;  // REGISTERs accepted (200), refreshes and removals included
  std::uint64_t register_challenges = 0;  // 401/407 challenges sent (REGISTER and handset INVITE)
  std::uint64_t register_failures =
      0;  // refused digests (403): wrong password, unknown user, forged nonce
  std::uint64_t events_lost = 0;  // the sink threw (out of memory): the event is gone
  std::uint64_t probes_sent = 0;  // in-dialog OPTIONS to a far end silent for half the session
  std::uint64_t calls_reaped = 0;  // far end gone (probe 408/481) or teardown forced by the reaper
  std::array<std::uint64_t, kCallEndCount> ended{};  // calls ended, by CallEnd
  std::uint64_t ended_by(CallEnd e) const { return ended[static_cast<std::size_t>(e)]; }
};

// Relaxed everywhere: counts, not synchronisation points.
struct SipCounters {
  std::atomic<std::uint64_t> calls_started{0};
  std::atomic<std::uint64_t> calls_answered{0};
  std::atomic<std::uint64_t> calls_incoming{0};
  std::atomic<std::uint64_t> auth_challenges{0};
  std::atomic<std::uint64_t> auth_failures{0};
  std::atomic<std::uint64_t> dtmf_events{0};
  std::atomic<std::uint64_t> malformed_requests{0};
  std::atomic<std::uint64_t> commands_refused{0};
  std::atomic<std::uint64_t> registrations{0};
  std::atomic<std::uint64_t> register_challenges{0};
  std::atomic<std::uint64_t> register_failures{0};
  std::atomic<std::uint64_t> events_lost{0};
  std::atomic<std::uint64_t> probes_sent{0};
  std::atomic<std::uint64_t> calls_reaped{0};
  std::array<std::atomic<std::uint64_t>, kCallEndCount> ended{};

  static void bump(std::atomic<std::uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
  void count_end(CallEnd e) { bump(ended[static_cast<std::size_t>(e)]); }

  SipCountersSnapshot snapshot() const {
    SipCountersSnapshot s;
    s.calls_started = calls_started.load(std::memory_order_relaxed);
    s.calls_answered = calls_answered.load(std::memory_order_relaxed);
    s.calls_incoming = calls_incoming.load(std::memory_order_relaxed);
    s.auth_challenges = auth_challenges.load(std::memory_order_relaxed);
    s.auth_failures = auth_failures.load(std::memory_order_relaxed);
    s.dtmf_events = dtmf_events.load(std::memory_order_relaxed);
    s.malformed_requests = malformed_requests.load(std::memory_order_relaxed);
    s.commands_refused = commands_refused.load(std::memory_order_relaxed);
    s.registrations = registrations.load(std::memory_order_relaxed);
    s.register_challenges = register_challenges.load(std::memory_order_relaxed);
    s.register_failures = register_failures.load(std::memory_order_relaxed);
    s.events_lost = events_lost.load(std::memory_order_relaxed);
    s.probes_sent = probes_sent.load(std::memory_order_relaxed);
    s.calls_reaped = calls_reaped.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < kCallEndCount; ++i) {
      s.ended[i] = ended[i].load(std::memory_order_relaxed);
    }
    return s;
  }
};

}  // namespace dialcore::control::sip
