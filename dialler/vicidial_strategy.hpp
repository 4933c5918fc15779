#pragma once
// Baseline: VICIdial's ADAPT_AVERAGE dial method as its public description gives it (README.md,
// "vicidial"): a dial level recomputed every 15 s from agents waiting and calls waiting
// (available-only tally), pulled down when the drop rate since midnight passes the cap; calls
// in flight = dial level x waiting agents.

#include "dialler/pacing_strategy.hpp"

namespace dialcore::dialler {

struct VicidialKnobs {
  double update_period_s = 15;
  double max_dial_level = 3.0;   // VICIdial's default "Auto Dial Level" ceiling
  double intensity = 0.0;        // adaptive_intensity, -40..40, 0 = neutral
  double day_length_s = 86400;   // "since midnight" resets every day_length_s
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
  // Samples of (waiting agents - waiting calls) between updates: ADAPT_AVERAGE averages them.
  double diff_sum_ = 0;
  int diff_samples_ = 0;
};

}  // namespace dialcore::dialler
