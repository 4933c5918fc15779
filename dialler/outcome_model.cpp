#include "dialler/outcome_model.hpp"

#include <algorithm>
#include <cmath>

namespace dialcore::dialler {

OutcomeModel::OutcomeModel(double horizon_s, double memory_dials, double prior_connect)
    : connect_(static_cast<std::size_t>(std::ceil(horizon_s)) + 2, 0.0),
      other_(connect_.size(), 0.0),
      at_risk_(connect_.size(), 0.0),
      decay_(1.0 - 1.0 / memory_dials) {
  // A weak prior: 20 dials resolving evenly over the ring time.
  const double per = 20.0 / static_cast<double>(connect_.size());
  for (std::size_t i = 0; i < connect_.size(); ++i) {
    connect_[i] = per * prior_connect;
    other_[i] = per * (1 - prior_connect);
    at_risk_[i] = per * static_cast<double>(connect_.size() - i);
  }
}

void OutcomeModel::decay() {
  for (std::size_t i = 0; i < connect_.size(); ++i) {
    connect_[i] *= decay_;
    other_[i] *= decay_;
    at_risk_[i] *= decay_;
  }
  dirty_ = true;
}

std::size_t OutcomeModel::bin(double t_s) const {
  if (t_s <= 0) return 0;
  return std::min(connect_.size() - 1, static_cast<std::size_t>(t_s));
}

void OutcomeModel::observe(double elapsed_s, bool connect) {
  decay();
  const std::size_t b = bin(elapsed_s);
  for (std::size_t i = 0; i <= b; ++i) at_risk_[i] += 1.0;
  (connect ? connect_ : other_)[b] += 1.0;
}

void OutcomeModel::observe_censored(double elapsed_s) {
  decay();
  const std::size_t b = bin(elapsed_s);
  for (std::size_t i = 0; i < b; ++i) at_risk_[i] += 1.0;
  // Exposed for part of its last bin.
  if (b + 1 < at_risk_.size()) at_risk_[b] += std::max(0.0, elapsed_s - static_cast<double>(b));
}

// Cumulative incidence from the per-bin hazards: with no censored calls it equals the share of
// resolutions by each bin, as plain histograms would give.
void OutcomeModel::rebuild() const {
  cc_.assign(connect_.size() + 1, 0.0);
  ca_.assign(connect_.size() + 1, 0.0);
  double survive = 1.0;
  for (std::size_t i = 0; i < connect_.size(); ++i) {
    const double events = connect_[i] + other_[i];
    const double risk = std::max(at_risk_[i], events);
    const double hc = risk > 0 ? connect_[i] / risk : 0.0;
    const double h = risk > 0 ? events / risk : 0.0;
    cc_[i + 1] = cc_[i] + survive * hc;
    ca_[i + 1] = ca_[i] + survive * h;
    survive *= 1.0 - h;
  }
  dirty_ = false;
}

// Linear interpolation inside a bin: resolution times are spread uniformly within it.
static double interp(const std::vector<double>& cum, double t_s) {
  if (t_s <= 0) return 0;
  const double last = static_cast<double>(cum.size() - 1);
  if (t_s >= last) return cum.back();
  const auto i = static_cast<std::size_t>(t_s);
  const double f = t_s - static_cast<double>(i);
  return cum[i] + f * (cum[i + 1] - cum[i]);
}

double OutcomeModel::cum_connect(double t_s) const {
  if (dirty_) rebuild();
  return interp(cc_, t_s);
}

double OutcomeModel::cum_all(double t_s) const {
  if (dirty_) rebuild();
  return interp(ca_, t_s);
}

double OutcomeModel::connect_within(double elapsed_s, double dt_s) const {
  const double total = cum_all(1e18);
  const double unresolved = total - cum_all(elapsed_s);
  if (unresolved <= 1e-12) return 0;
  return (cum_connect(elapsed_s + dt_s) - cum_connect(elapsed_s)) / unresolved;
}

double OutcomeModel::connect_rate() const { return cum_connect(1e18) / cum_all(1e18); }

}  // namespace dialcore::dialler
