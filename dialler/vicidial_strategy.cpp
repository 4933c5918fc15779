#include "dialler/vicidial_strategy.hpp"

#include <algorithm>
#include <cmath>

namespace dialcore::dialler {

VicidialAdaptAverage::VicidialAdaptAverage(const CampaignPacing& c, VicidialKnobs k)
    : PacingStrategy(c), knobs_(k) {}

void VicidialAdaptAverage::observe(const Event& e) {
  if (e.kind == EventKind::CallBridged && e.answer != AnswerKind::Machine) answers_today_ += 1;
  if (e.kind == EventKind::CallAbandoned) {
    answers_today_ += 1;
    drops_today_ += 1;
  }
}

void VicidialAdaptAverage::update(double now_s) {
  periods_.push_back({diff_sum_, agents_sum_, period_s_});
  if (periods_.size() > 4) periods_.pop_front();
  diff_sum_ = agents_sum_ = period_s_ = 0;
  double d = 0, a = 0, t = 0;
  for (const auto& p : periods_) {
    d += p[0];
    a += p[1];
    t += p[2];
  }
  const double diff = t > 0 ? d / t : 0.0;
  const double agents = std::max(1.0, t > 0 ? a / t : 0.0);
  // AST_VDadapt.pl: suggested level = level x (differential / average agents + 1). Intensity
  // scales the step.
  const double step = (diff / agents) * (1.0 + knobs_.intensity / 20.0);
  level_ += level_ * step;
  // Drop cap on the since-midnight rate: ADAPT_AVERAGE pulls the level down in proportion to
  // the overshoot rather than clamping it to 1 (that is ADAPT_HARD_LIMIT).
  const double drop_rate = answers_today_ > 0 ? drops_today_ / answers_today_ : 0.0;
  const double cap = campaign_.max_abandon_rate;
  if (drop_rate > cap) level_ -= level_ * std::min(1.0, (drop_rate - cap) / cap);
  level_ = std::clamp(level_, 1.0, knobs_.max_dial_level);
  if (now_s - day_start_s_ >= knobs_.day_length_s) {
    day_start_s_ = now_s;
    answers_today_ = drops_today_ = 0;
  }
}

int VicidialAdaptAverage::calls_to_launch(double now_s) {
  const double dt = now_s - last_sample_s_;
  last_sample_s_ = now_s;
  diff_sum_ += dt * (free_agents() - floor_.waiting_calls());
  agents_sum_ += dt * floor_.logged_in_agents();
  period_s_ += dt;
  if (now_s >= next_update_s_) {
    update(now_s);
    next_update_s_ = now_s + knobs_.update_period_s;
  }
  // Available-only tally: lines = level x agents waiting, minus calls already in progress.
  const int target = static_cast<int>(std::ceil(level_ * free_agents() - 1e-9));
  const int launch = target - floor_.calls_in_flight();
  return launch > 0 ? launch : 0;
}

}  // namespace dialcore::dialler
