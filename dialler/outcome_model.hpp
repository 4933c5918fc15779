#pragma once
// What a dial becomes, learnt from the list as it is dialled: the chance that a call rings into
// a connect (needs an agent) and when, conditioned on how long it has already rung. A discrete
// hazard model in 1 s bins (events and time at risk per bin, exponential forgetting, so a
// mid-shift change of the answer rate shows up within a few hundred dials). Calls the dialler
// hung up while ringing are censored observations (Kaplan-Meier style: they count as at risk
// up to their hang-up, never as a resolution), so taking calls back does not bias the model.

#include <vector>

namespace dialcore::dialler {

class OutcomeModel {
 public:
  // horizon_s: the ring timeout (+ AMD analysis); memory: dials of effective history.
  OutcomeModel(double horizon_s, double memory_dials, double prior_connect = 0.3);
  void observe(double elapsed_s, bool connect);
  // A call that was still ringing when it was hung up at elapsed_s: its outcome is unknown.
  void observe_censored(double elapsed_s);
  // P(a call that has rung elapsed_s without resolving connects by elapsed_s + dt_s).
  double connect_within(double elapsed_s, double dt_s) const;
  double connect_rate() const;  // unconditional P(connect)

 private:
  double cum_connect(double t_s) const;  // P(connected by t) (cumulative incidence)
  double cum_all(double t_s) const;      // P(resolved by t)
  void decay();
  std::size_t bin(double t_s) const;
  void rebuild() const;

  std::vector<double> connect_;
  std::vector<double> other_;
  std::vector<double> at_risk_;  // weight of calls unresolved at the start of each bin
  double decay_;
  mutable std::vector<double> cc_;  // cumulative sums, rebuilt lazily
  mutable std::vector<double> ca_;
  mutable bool dirty_ = true;
};

}  // namespace dialcore::dialler
