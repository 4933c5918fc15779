#include "dialler/outcome_model.hpp"

#include <algorithm>
#include <cmath>

namespace dialcore::dialler {

OutcomeModel::OutcomeModel(double horizon_s, double memory_dials, double prior_connect)
    : connect_(static_cast<std::size_t>(std::ceil(horizon_s)) + 2, 0.0),
      other_(connect_.size(), 0.0),
      decay_(1.0 - 1.0 / memory_dials) {
  // A weak prior: 20 dials spread evenly over the ring time.
  const double per = 20.0 / static_cast<double>(connect_.size());
  for (std::size_t i = 0; i < connect_.size(); ++i) {
    connect_[i] = per * prior_connect;
    other_[i] = per * (1 - prior_connect);
  }
}

std::size_t OutcomeModel::bin(double t_s) const {
  if (t_s <= 0) return 0;
  return std::min(connect_.size() - 1, static_cast<std::size_t>(t_s));
}

void OutcomeModel::observe(double elapsed_s, bool connect) {
  for (std::size_t i = 0; i < connect_.size(); ++i) {
    connect_[i] *= decay_;
    other_[i] *= decay_;
  }
  (connect ? connect_ : other_)[bin(elapsed_s)] += 1.0;
  dirty_ = true;
}

void OutcomeModel::rebuild() const {
  cc_.assign(connect_.size() + 1, 0.0);
  ca_.assign(connect_.size() + 1, 0.0);
  for (std::size_t i = 0; i < connect_.size(); ++i) {
    cc_[i + 1] = cc_[i] + connect_[i];
    ca_[i + 1] = ca_[i] + connect_[i] + other_[i];
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
