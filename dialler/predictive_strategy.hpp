#pragma once
// Our predictive pacing (README.md, "predictive"). At each decision it forecasts, over the next
// ring-time horizon, how many agents will be free (idle now, plus busy and wrapping agents whose
// lognormal residual ends) and how many calls will need one (waiting now, plus calls in flight
// conditioned on how long each has rung), and launches the largest number of new calls whose
// last one would find no agent with probability <= theta. Theta follows the measured abandon
// outcome towards the target rate (stochastic approximation) and shrinks as the tightest
// compliance ledger runs out of headroom. The list's answer model forgets old dials, so a
// mid-shift change of the answer rate is followed within a few hundred dials.

#include "dialler/abandon_ledger.hpp"
#include "dialler/outcome_model.hpp"
#include "dialler/pacing_strategy.hpp"
#include "dialler/residual_model.hpp"

namespace dialcore::dialler {

struct PredictiveKnobs {
  double target_abandon = 0.027;  // long-run abandon rate aimed at (cap is the campaign's)
  double theta_init = 0.05;       // starting risk accepted for the last call launched
  double theta_min = 0.005;
  double theta_max = 0.6;
  double gain = 0.1;           // controller step per live answer (log theta)
  double guard_abandons = 4;   // headroom (abandons) below which theta is scaled down
  double future_weight = 0.0;  // weight of calls launched later that connect sooner
  double warm_live = 0;        // live answers at the target rate assumed in each window
  double memory_dials = 400;   // effective history of the outcome model
  double max_lines_per_agent = 5;
  double idle_boost = 0.0;     // theta x (1 + idle_boost x free agents): idle time costs more
  bool live_weight = true;     // risk averaged over live-answer times only
  bool path = false;           // cost of a call = worst shortfall from its connect to the horizon
  bool uk_mode = false;        // ledgers count estimated AMD false positives
  double amd_fp_share = 0.05;  // est. share of AMD machine verdicts that were people
  // Take back ringing calls (rung >= min_ring_s) whose risk of answering live with no agent
  // free exceeds cancel x theta; 0 never cancels.
  double cancel = 1.0;
};

class PredictiveStrategy final : public PacingStrategy {
 public:
  PredictiveStrategy(const CampaignPacing& c, PredictiveKnobs k = {});
  int calls_to_launch(double now_s) override;
  std::vector<std::uint64_t> calls_to_cancel(double now_s) override;
  // Its ledger (the headroom it paces against) gets the facts, with its own UK mode and share.
  void restore_ledger(std::span<const LedgerFact> facts) override {
    ledger_.replay(facts, knobs_.uk_mode, knobs_.amd_fp_share);
  }
  // The risk that ringing call `call` answers live and finds no agent (exposed for tests).
  double ringing_risk(double now_s, std::uint64_t call);
  std::string name() const override { return "predictive"; }
  std::string describe() const override;
  // The risk that the k-th new call launched now finds no agent (exposed for tests).
  double marginal_risk(double now_s, int k);
  double theta() const { return theta_; }
  const AbandonLedger& ledger() const { return ledger_; }
  const OutcomeModel& outcomes() const { return outcomes_; }

 private:
  void observe(const Event& e) override;
  void forecast(double now_s);
  double effective_theta(double now_s) const;

  PredictiveKnobs knobs_;
  OutcomeModel outcomes_;
  OutcomeModel live_;  // connect = a live answer (known once bridged, abandoned or dropped)
  ResidualModel residual_;
  AbandonLedger ledger_;
  double theta_;
  double horizon_s_;
  double launch_rate_ = 0;  // calls placed per second, exponentially weighted over ~60 s
  double launch_rate_at_s_ = 0;
  std::vector<std::uint64_t> cancelled_;  // ours: their end is censored, not a no-answer
  std::uint64_t cancels_ = 0;
  std::vector<std::uint64_t> excluded_;  // taken back in this decision, still on the floor
  // Per-step forecast, rebuilt at each decision.
  std::vector<double> mean_gap_, var_gap_, new_cdf_, new_pdf_, curve_, risk_at_;
};

}  // namespace dialcore::dialler
