#pragma once
// Baseline: VICIdial's ADAPT_AVERAGE dial method as its public description gives it (README.md,
// "vicidial"): a dial level recomputed every 15 s from agents waiting and calls waiting
// (available-only tally) as level x (1 + one-minute average differential / average agents),
// pulled down when the drop rate since midnight passes the cap; calls
// in flight = dial level x waiting agents.

#include <array>
#include <deque>

#include "dialler/pacing_strategy.hpp"

namespace dialcore::dialler {

struct VicidialKnobs {
  double update_period_s = 15;
  double max_dial_level = 3.0;  // VICIdial's default "Auto Dial Level" ceiling
  double intensity = 0.0;       // adaptive_intensity, -40..40, 0 = neutral
  double day_length_s = 86400;  // "since midnight" resets every day_length_s
};

class VicidialAdaptAverage final : public PacingStrategy {
 public:
  VicidialAdaptAverage(const CampaignPacing& c, VicidialKnobs k = {});
  int calls_to_launch(double now_s) override;
  std::string name() const override { return "vicidial"; }
  double dial_level() const { return level_; }

 private:
  void observe(const Event& e) override;
  void update(double now_s);

  VicidialKnobs knobs_;
  double level_ = 1.0;
  double next_update_s_ = 0;
  double day_start_s_ = 0;
  double answers_today_ = 0;
  double drops_today_ = 0;
  // Time-weighted (waiting agents - waiting calls) and logged-in agents per 15 s period; the
  // update uses the last four periods (VICIdial's one-minute averages).
  double diff_sum_ = 0, agents_sum_ = 0, period_s_ = 0, last_sample_s_ = 0;
  std::deque<std::array<double, 3>> periods_;
};

}  // namespace dialcore::dialler
