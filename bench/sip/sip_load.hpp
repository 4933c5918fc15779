#pragma once
// dialbench sip: one measured run. sipp callers (the main UAC at the offered rate, and a second
// UAC placing the RTP sample calls, which play a G.711 pcap) against the in-process B2BUA
// (b2bua_rig.hpp), with a sipp UAS as the agent's UA in bridge mode; or, for the baseline,
// the same callers against a sipp UAS directly (no B2BUA). Bounded: sipp has a global timeout
// and is killed at the end whatever happened.

#include <cstdint>
#include <string>

namespace dialcore::bench::sip {

struct LoadSpec {
  double cps = 200;             // offered call rate of the main UAC
  std::uint64_t calls = 4000;   // total calls, RTP sample included
  std::uint32_t hold_ms = 1000; // each call's hold time (ACK to BYE)
  std::uint32_t rtp_sample = 10;
  std::uint32_t workers = 1;
  bool park = false;
  std::string dir;       // scratch directory (scenarios, sipp logs)
  std::string uac_xml;   // bench/sip/uac.xml's path
  std::string uas_xml;   // bench/sip/uas.xml's path
  std::uint16_t rtp_first_port = 20000;
  // Peers vanish: at cut_ms after the start every sipp is SIGKILLed with its calls as they
  // are, and the run waits for the B2BUA's reaper to end them (0: no cut).
  std::uint32_t cut_ms = 0;
  std::uint32_t session_s = 1800;  // sip.timers.session_expires_s (the reaper probes at half)
  std::uint32_t t1_ms = 500;       // sip.timers.t1_ms
};

struct LoadFigures {
  std::string error;  // non-empty: the run could not be made
  bool timed_out = false;
  bool park = false;
  double seconds = 0;       // from the first sipp start to the last call gone
  double achieved_cps = 0;  // calls routed (answered) per second between the first and the last
  // sipp's own counts (callers: main + sample; the UAS in bridge mode or in the baseline)
  std::uint64_t uac_ok = 0, uac_failed = 0, uas_ok = 0, uas_failed = 0;
  // The B2BUA's counters (zero in the baseline)
  std::uint64_t calls_incoming = 0, calls_answered = 0, calls_bridged = 0, calls_ended_ok = 0,
                calls_failed = 0, teardown_errors = 0;
  std::uint64_t sip_incoming = 0, sip_dialled = 0, sip_answered = 0, sip_refused = 0,
                sip_malformed = 0, sip_events_lost = 0;
  std::uint64_t media_ok = 0, media_failed = 0, media_busy_failures = 0, media_timeouts = 0;
  std::uint64_t peak_calls = 0, peak_legs = 0, peak_worker_legs = 0;
  std::uint64_t legs_left = 0, calls_left = 0, sip_handles_left = 0;
  std::uint64_t sample_calls = 0, sample_checked = 0, sample_ok = 0, sample_rx_packets = 0;
  // The cut (cut_ms > 0): calls and legs alive when the peers were killed, seconds from the
  // cut until nothing was left (-1: something was still left at the reaper's bound).
  std::uint64_t calls_at_cut = 0, legs_at_cut = 0, handles_at_cut = 0;
  double reap_s = 0;
  std::uint64_t sip_probes = 0, sip_reaped = 0;
  // CPU seconds over the run
  double control_cpu_s = 0, sip_cpu_s = 0, worker_cpu_s = 0, sipp_cpu_s = 0;
};

LoadFigures run_b2bua_load(const LoadSpec& spec);
LoadFigures run_baseline_load(const LoadSpec& spec);

}  // namespace dialcore::bench::sip
