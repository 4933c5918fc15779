#include "dialler/predictive_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dialcore::dialler {

PredictiveStrategy::PredictiveStrategy(const CampaignPacing& c, PredictiveKnobs k)
    : PacingStrategy(c),
      knobs_(k),
      outcomes_(c.ring_timeout_s + 10, k.memory_dials),
      live_(c.ring_timeout_s + 10, k.memory_dials, 0.2),
      theta_(k.theta_init),
      horizon_s_(c.ring_timeout_s + 10) {}

void PredictiveStrategy::observe(const Event& e) {
  const auto& calls = floor_.calls();
  const auto call = calls.find(e.call_id);
  const bool known = call != calls.end();
  const double rung_s = known ? e.time_s - call->second.placed_s : 0.0;
  const auto& agents = floor_.agents();
  const AgentView* agent = e.agent_id < agents.size() ? &agents[e.agent_id] : nullptr;
  switch (e.kind) {
    case EventKind::CallPlaced:
      launch_rate_ = launch_rate_ * std::exp(-(e.time_s - launch_rate_at_s_) / 60.0) + 1.0 / 60.0;
      launch_rate_at_s_ = e.time_s;
      break;
    case EventKind::CallAnswered:
      if (known && !campaign_.amd_enabled) outcomes_.observe(rung_s, true);
      break;
    case EventKind::AmdHuman:
      if (known) outcomes_.observe(rung_s, true);
      break;
    case EventKind::AmdMachine:
      if (known) outcomes_.observe(rung_s, false);
      if (knobs_.uk_mode) ledger_.record_amd_false_positive_estimate(e.time_s, knobs_.amd_fp_share);
      break;
    case EventKind::CallEnded:
      if (auto it = std::find(cancelled_.begin(), cancelled_.end(), e.call_id);
          it != cancelled_.end()) {
        cancelled_.erase(it);  // we hung it up: how it would have ended is unknown
        if (known) {
          outcomes_.observe_censored(rung_s);
          live_.observe_censored(rung_s);
        }
        break;
      }
      if (known && !call->second.needs_agent) {
        outcomes_.observe(rung_s, false);
        live_.observe(rung_s, false);
      } else if (known) {
        live_.observe(call->second.demand_s - call->second.placed_s, false);  // dropped machine
      }
      break;
    case EventKind::CallBridged:
      if (known)
        live_.observe(call->second.demand_s - call->second.placed_s,
                      e.answer != AnswerKind::Machine);
      if (e.answer != AnswerKind::Machine) {
        ledger_.record_live_answer(e.time_s);
        theta_ *= std::exp(knobs_.gain * knobs_.target_abandon);
      }
      residual_.observe_connect(e.answer);
      break;
    case EventKind::CallAbandoned:
      if (known) live_.observe(call->second.demand_s - call->second.placed_s, true);
      ledger_.record_live_answer(e.time_s);
      ledger_.record_abandon(e.time_s);
      theta_ *= std::exp(-knobs_.gain * (1 - knobs_.target_abandon));
      break;
    case EventKind::AgentWrap:
      if (agent && agent->phase == AgentPhase::Busy)
        residual_.observe_talk(e.answer, e.time_s - agent->since_s);
      break;
    case EventKind::AgentIdle:
      if (agent && agent->phase == AgentPhase::Wrap)
        residual_.observe_wrap(agent->call, e.time_s - agent->since_s);
      break;
    default: break;
  }
  theta_ = std::clamp(theta_, knobs_.theta_min, knobs_.theta_max);
}

double PredictiveStrategy::effective_theta(double now_s) const {
  // Warm start: each window is read as if it also held warm_live answers at the target rate,
  // so the first abandons of a fresh day do not stop pacing while its denominator is tiny.
  const double cap = campaign_.max_abandon_rate;
  const double h = ledger_.min_headroom(now_s, cap, knobs_.uk_mode) +
                   knobs_.warm_live * (cap - knobs_.target_abandon) / (1 - cap);
  if (h >= knobs_.guard_abandons) return theta_;
  if (h <= 0) return knobs_.theta_min;
  return std::max(knobs_.theta_min, theta_ * h / knobs_.guard_abandons);
}

void PredictiveStrategy::forecast(double now_s) {
  const auto steps = static_cast<std::size_t>(horizon_s_) + 1;
  mean_gap_.assign(steps, 0.0);
  var_gap_.assign(steps, 0.0);
  new_cdf_.assign(steps, 0.0);
  new_pdf_.assign(steps, 0.0);
  const double grace = campaign_.abandon_after_s;
  const double base = free_agents() - floor_.waiting_calls();
  for (std::size_t s = 0; s < steps; ++s) mean_gap_[s] = base;
  curve_.resize(steps);
  for (const AgentView& a : floor_.agents()) {
    if (a.phase == AgentPhase::Busy)
      residual_.busy_curve(now_s - a.since_s, grace, curve_);
    else if (a.phase == AgentPhase::Wrap)
      residual_.wrap_curve(a.call, now_s - a.since_s, grace, curve_);
    else
      continue;
    for (std::size_t s = 0; s < steps; ++s) {
      mean_gap_[s] += curve_[s];
      var_gap_[s] += curve_[s] * (1 - curve_[s]);
    }
  }
  for (const auto& [id, c] : floor_.calls()) {
    if (c.needs_agent) continue;
    if (std::find(excluded_.begin(), excluded_.end(), id) != excluded_.end()) continue;
    for (std::size_t s = 0; s < steps; ++s) {
      const double q = outcomes_.connect_within(now_s - c.placed_s, static_cast<double>(s));
      mean_gap_[s] -= q;
      var_gap_[s] += q * (1 - q);
    }
  }
  // Calls that later decisions will place (at about the recent rate) and that connect before
  // tau stand in the queue ahead of a call launched now.
  const double rate =
      knobs_.future_weight * launch_rate_ * std::exp(-(now_s - launch_rate_at_s_) / 60.0);
  double ahead = 0, prev_w = 0;
  for (std::size_t s = 0; s < steps; ++s) {
    new_cdf_[s] = outcomes_.connect_within(0, static_cast<double>(s));
    // Only a live answer can be abandoned: with live_weight the risk is averaged over when the
    // new call would answer live, not over every connect (machines answer later, when the
    // forecast is least sure, and cost nothing if no agent is free).
    const double w =
        knobs_.live_weight ? live_.connect_within(0, static_cast<double>(s)) : new_cdf_[s];
    new_pdf_[s] = s == 0 ? w : w - prev_w;
    prev_w = w;
    ahead += rate * new_cdf_[s];
    mean_gap_[s] -= ahead;
    var_gap_[s] += ahead;
  }
}

double PredictiveStrategy::marginal_risk(double now_s, int k) {
  if (mean_gap_.empty()) forecast(now_s);
  const std::size_t steps = mean_gap_.size();
  risk_at_.resize(steps);
  for (std::size_t s = 0; s < steps; ++s) {
    const double c = new_cdf_[s];
    const double mu = mean_gap_[s] - (k - 1) * c;
    const double var = var_gap_[s] + (k - 1) * c * (1 - c) + 0.25;
    // P(agents free by then - calls ahead of it < 1), normal approximation.
    risk_at_[s] = 0.5 * std::erfc((mu - 0.5) / std::sqrt(2 * var));
  }
  // Path: a call connecting at s also pushes out any call that finds the floor short later on
  // (FIFO), so its cost is the worst shortfall from s to the horizon, not only the one at s.
  if (knobs_.path)
    for (std::size_t s = steps - 1; s-- > 0;) risk_at_[s] = std::max(risk_at_[s], risk_at_[s + 1]);
  double risk = 0, mass = 0;
  for (std::size_t s = 0; s < steps; ++s) {
    const double f = new_pdf_[s];
    if (f <= 0) continue;
    risk += f * risk_at_[s];
    mass += f;
  }
  return mass > 0 ? risk / mass : 1.0;
}

int PredictiveStrategy::calls_to_launch(double now_s) {
  if (floor_.logged_in_agents() == 0) return 0;
  const int cap = static_cast<int>(knobs_.max_lines_per_agent * floor_.logged_in_agents()) -
                  floor_.calls_in_flight();
  if (cap <= 0) return 0;
  forecast(now_s);
  const double theta =
      std::min(knobs_.theta_max, effective_theta(now_s) * (1 + knobs_.idle_boost * free_agents()));
  int n = 0;
  while (n < cap && marginal_risk(now_s, n + 1) <= theta) ++n;
  mean_gap_.clear();
  // Never fewer than progressive: one line per free agent cannot be abandoned.
  return std::max(n, std::min(cap, free_agents() - floor_.calls_in_flight()));
}

double PredictiveStrategy::ringing_risk(double now_s, std::uint64_t id) {
  const auto& calls = floor_.calls();
  const auto c = calls.find(id);
  if (c == calls.end() || c->second.needs_agent) return 0.0;
  if (mean_gap_.empty()) forecast(now_s);
  const double rung = now_s - c->second.placed_s;
  double risk = 0, mass = 0, prev = 0;
  for (std::size_t s = 0; s < mean_gap_.size(); ++s) {
    // This call's own expected connect is already in the gap; if it does connect at s it takes
    // one agent, so it finds none when the others leave less than one.
    const double q = outcomes_.connect_within(rung, static_cast<double>(s));
    const double lw = live_.connect_within(rung, static_cast<double>(s));
    const double f = lw - prev;
    prev = lw;
    if (f <= 0) continue;
    const double mu = mean_gap_[s] + q;
    const double var = std::max(0.0, var_gap_[s] - q * (1 - q)) + 0.25;
    risk += f * 0.5 * std::erfc((mu - 0.5) / std::sqrt(2 * var));
    mass += f;
  }
  return mass > 0 ? risk / mass : 0.0;
}

std::vector<std::uint64_t> PredictiveStrategy::calls_to_cancel(double now_s) {
  std::vector<std::uint64_t> out;
  if (knobs_.cancel <= 0) return out;
  const double limit = knobs_.cancel * effective_theta(now_s);
  // One at a time, riskiest first: each call taken back leaves more agents for the others.
  for (int round = 0; round < 8; ++round) {
    forecast(now_s);
    std::uint64_t worst = 0;
    bool found = false;
    double worst_risk = limit;
    for (const auto& [id, c] : floor_.calls()) {
      if (c.needs_agent || now_s - c.placed_s < campaign_.min_ring_s) continue;
      if (std::find(out.begin(), out.end(), id) != out.end()) continue;
      const double r = ringing_risk(now_s, id);
      if (r > worst_risk) {
        worst_risk = r;
        worst = id;
        found = true;
      }
    }
    if (!found) break;
    out.push_back(worst);
    // Until the caller reports its end, count it out of the forecast.
    excluded_.push_back(worst);
  }
  excluded_.clear();
  mean_gap_.clear();
  for (auto id : out) cancelled_.push_back(id);
  cancels_ += out.size();
  return out;
}

}  // namespace dialcore::dialler

namespace dialcore::dialler {
std::string PredictiveStrategy::describe() const {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "theta %.4f connect %.3f in_flight %d waiting %d idle %d cancelled %llu", theta_,
                outcomes_.connect_rate(), floor_.calls_in_flight(), floor_.waiting_calls(),
                floor_.idle_agents(), static_cast<unsigned long long>(cancels_));
  return buf;
}
}  // namespace dialcore::dialler
