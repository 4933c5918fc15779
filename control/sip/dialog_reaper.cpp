// The reaper (issue 7, robustness: "never leak a call"): once the far end of a call is gone,
// the call ends within a bound, whatever state it was in. Runs on the SIP thread, from the
// 100 ms tick.
//
// - A call that is up and whose far end has been silent for half the session interval
//   (`timers.session_expires_s / 2`; 0 disables) gets an in-dialog OPTIONS. Any answer (200,
//   405, 501...) shows the far end is there; 408 (nta's Timer F: no answer in 64×T1) or 481
//   (it no longer knows the dialog) means it is gone: BYE, and the call ends as Failed with
//   that status. 503 is what nta reports itself when the transport refuses (ICMP port
//   unreachable: the peer's process is gone, its host is not), indistinguishable from a
//   peer's own 503 (nta's reply carries our Via): the probe is repeated after 64×T1, and the
//   third 503 in a row ends the call the same way (Failed/503).
// - Every teardown we start (BYE, CANCEL, a final non-2xx to an INVITE) and every first 2xx
//   waiting for its ACK arms a deadline of 64×T1 + 2 s: sofia's own timers (B, F, H) end such
//   a transaction by then; if the call is still here at the deadline (a CANCEL that never got
//   its 487, a BYE whose 408 never came up), the handle is destroyed and the call reported
//   Ended (Failed/408 unless a cause was recorded before).
#include "control/sip/sip_engine.hpp"

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>

#include <algorithm>
#include <vector>

namespace dialcore::control::sip {
namespace {

constexpr std::uint64_t kReapGraceMs = 2000;  // beyond 64×T1, for the last timer to fire
constexpr std::uint8_t kProbe503Limit = 3;    // 503s in a row to the probe: the peer is gone

}  // namespace

void SipEngine::arm_reap(Call& call, std::uint64_t now) {
  const std::uint64_t bound = 64ULL * shared_.settings.timers.t1_ms + kReapGraceMs;
  // The earliest deadline stays: a second teardown step does not extend the first.
  if (call.reap_deadline_ms == 0 || now + bound < call.reap_deadline_ms) {
    call.reap_deadline_ms = now + bound;
  }
}

void SipEngine::reap_calls(std::uint64_t now) {
  const std::uint64_t probe_after_ms = shared_.settings.timers.session_expires_s * 500ULL;
  std::vector<CallId> overdue;
  for (auto& [id, call] : calls_.all()) {
    if (call.reap_deadline_ms != 0) {
      if (now >= call.reap_deadline_ms) overdue.push_back(id);
      continue;
    }
    if (probe_after_ms == 0 || call.phase != CallPhase::Up || call.probe_pending) continue;
    if (now < call.last_heard_ms + probe_after_ms) continue;
    call.probe_pending = true;
    SipCounters::bump(shared_.counters.probes_sent);
    nua_options(call.handle, TAG_END());
  }
  for (CallId id : overdue) {
    Call* call = calls_.find(id);
    if (call == nullptr) continue;
    SipCounters::bump(shared_.counters.calls_reaped);
    record_end(*call, CallEnd::Failed, 408);
    finish(*call);  // destroys the handle: sofia drops the dialog and its transactions
  }
}

void SipEngine::on_probe_response(Call& call, int status) {
  if (!call.probe_pending || status < 200) return;
  call.probe_pending = false;
  const std::uint64_t now = now_ms();
  if (status == 503 && ++call.probe_failures < kProbe503Limit) {
    // Probe again 64×T1 from now: last_heard is set back so that reap_calls fires then.
    const std::uint64_t probe_after_ms = shared_.settings.timers.session_expires_s * 500ULL;
    const std::uint64_t retry_ms = 64ULL * shared_.settings.timers.t1_ms;
    call.last_heard_ms = now + std::min(retry_ms, probe_after_ms) - probe_after_ms;
    return;
  }
  if (status != 408 && status != 481 && status != 503) {
    call.probe_failures = 0;  // any other answer: the far end is there
    call.last_heard_ms = now;
    return;
  }
  SipCounters::bump(shared_.counters.calls_reaped);
  record_end(call, CallEnd::Failed, status);
  nua_bye(call.handle, TAG_END());
  arm_reap(call, now);
}

}  // namespace dialcore::control::sip
