#include "dialler/dial_rules.hpp"

namespace dialcore::dialler {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Ok: return "ok";
    case Verdict::Dnc: return "dnc";
    case Verdict::Complete: return "complete";
    case Verdict::MaxAttempts: return "max_attempts";
    case Verdict::NeverRetry: return "never_retry";
    case Verdict::RetryDelay: return "retry_delay";
    case Verdict::AbandonLockout: return "abandon_lockout";
    case Verdict::AmdNeedsAgent: return "amd_needs_agent";
    case Verdict::OutsideWindow: return "outside_window";
  }
  return "?";
}

int local_minute(const PhoneNumber& n, std::int64_t now_s, const ZoneOffsetFn& zone_offset) {
  const std::int64_t local = now_s + (zone_offset ? zone_offset(n.zone, now_s) : 0);
  const std::int64_t sod = local - civil::floor_div(local, 86400) * 86400;
  return static_cast<int>(sod / 60);
}

Verdict check_number(const DialRules& rules, const DncList& dnc, const PhoneNumber& n,
                     std::int64_t now_s, const ZoneOffsetFn& zone_offset, bool agent_reserved) {
  if (dnc.contains(n.e164)) return Verdict::Dnc;
  if (n.complete) return Verdict::Complete;
  if (static_cast<int>(n.attempts.size()) >= rules.max_attempts) return Verdict::MaxAttempts;
  std::optional<std::int64_t> last_abandon, last_machine;
  for (const Attempt& a : n.attempts) {
    if (a.outcome == Disposition::Abandoned) last_abandon = a.at_s;
    if (a.outcome == Disposition::Machine) last_machine = a.at_s;
  }
  if (last_abandon && now_s - *last_abandon < rules.abandon_lockout_s)
    return Verdict::AbandonLockout;
  if (!n.attempts.empty()) {
    const Attempt& last = n.attempts.back();
    const auto delay = rules.retry_delay_s.find(last.outcome);
    if (delay == rules.retry_delay_s.end()) return Verdict::NeverRetry;
    if (now_s - last.at_s < delay->second) return Verdict::RetryDelay;
  }
  if (last_machine && now_s - *last_machine < rules.amd_recall_window_s && !agent_reserved)
    return Verdict::AmdNeedsAgent;
  const auto w = rules.by_region.find(n.region);
  const CallingWindow& win = w != rules.by_region.end() ? w->second : rules.default_window;
  const int m = local_minute(n, now_s, zone_offset);
  if (m < win.start_min || m >= win.end_min) return Verdict::OutsideWindow;
  return Verdict::Ok;
}

std::string choose_cli(const std::optional<std::string>& agent,
                       const std::optional<std::string>& campaign,
                       const std::string& organisation) {
  if (agent && !agent->empty()) return *agent;
  if (campaign && !campaign->empty()) return *campaign;
  return organisation;
}

}  // namespace dialcore::dialler
