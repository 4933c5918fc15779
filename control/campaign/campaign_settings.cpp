#include "control/campaign/campaign_settings.hpp"

#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <exception>

namespace dialcore::control::campaign {
namespace {

// "HH:MM" (checked by the config loader) as minutes after midnight; fallback when unreadable.
int minutes_of(const std::string& hhmm, int fallback) {
  int h = 0;
  int m = 0;
  if (std::sscanf(hhmm.c_str(), "%d:%d", &h, &m) != 2) return fallback;
  return h * 60 + m;
}

}  // namespace

std::string strategy_spec(const config::Campaign& c) {
  std::string inner;
  switch (c.dialler.strategy) {
    case config::DialStrategy::Preview:
      inner = c.dialler.preview_timeout_s > 0
                  ? "preview:" + std::to_string(c.dialler.preview_timeout_s)
                  : "preview";
      break;
    case config::DialStrategy::Progressive: inner = "progressive"; break;
    case config::DialStrategy::Power: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "ratio:%g", c.dialler.lines_per_agent);
      inner = buf;
      break;
    }
    case config::DialStrategy::Predictive: inner = "predictive"; break;
  }
  if (c.dialler.min_idle_agents_inbound > 0) {
    return "blended:" + std::to_string(c.dialler.min_idle_agents_inbound) + ":" + inner;
  }
  return inner;
}

dialler::CampaignPacing pacing_of(const config::Campaign& c, double ring_timeout_s) {
  dialler::CampaignPacing p;
  p.amd_enabled = c.amd.enabled;
  p.ring_timeout_s = ring_timeout_s;
  p.abandon_after_s = 2.0;  // the rule (Ofcom, FCC): 2 s after the greeting
  p.max_abandon_rate = c.abandon_target_percent / 100.0;
  return p;
}

dialler::DialRules rules_of(const config::Campaign& c) {
  dialler::DialRules r;
  r.default_window = {minutes_of(c.calling_window_start, 8 * 60),
                      minutes_of(c.calling_window_end, 21 * 60)};
  r.max_attempts = static_cast<int>(c.max_attempts);
  using D = dialler::Disposition;
  r.retry_delay_s.clear();
  const auto set = [&](D d, std::uint32_t s) {
    if (s > 0) r.retry_delay_s[d] = s;  // 0: never retried
  };
  set(D::Busy, c.retry.busy_s);
  set(D::NoAnswer, c.retry.no_answer_s);
  set(D::Machine, c.retry.machine_s);
  set(D::Invalid, c.retry.invalid_s);
  r.retry_delay_s[D::Abandoned] = r.abandon_lockout_s;
  r.retry_delay_s[D::Answered] = 24 * 3600;
  return r;
}

RunnerSettings runner_settings_of(const config::Campaign& c, std::int64_t store_campaign_id) {
  RunnerSettings s;
  s.campaign_id = store_campaign_id;
  s.trunk = c.trunk;
  s.cli = c.cli;
  s.amd = c.amd.enabled;
  s.max_abandon_rate = c.abandon_target_percent / 100.0;
  s.uk_ledger = c.abandon_ledger == config::AbandonLedger::Uk;
  return s;
}

HopperSettings hopper_settings_of(const config::Campaign& c, std::int64_t store_campaign_id,
                                  const std::string& organisation_zone) {
  HopperSettings h;
  h.campaign_id = store_campaign_id;
  h.rules = rules_of(c);
  h.default_zone = organisation_zone.empty() ? "UTC" : organisation_zone;
  return h;
}

dialler::ZoneOffsetFn tz_database_offsets() {
  return [](const std::string& zone, std::int64_t utc_s) -> std::int64_t {
    try {
      const date::time_zone* tz = date::locate_zone(zone);
      const auto info = tz->get_info(date::sys_seconds{std::chrono::seconds{utc_s}});
      return info.offset.count();
    } catch (const std::exception&) {
      return 0;  // unknown zone: UTC
    }
  };
}

}  // namespace dialcore::control::campaign
