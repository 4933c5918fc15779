#include "dialler/residual_model.hpp"

#include <algorithm>
#include <cmath>

namespace dialcore::dialler {

LognormalFit::LognormalFit(double prior_mean_s, double prior_cv, double memory)
    : var_(std::log1p(prior_cv * prior_cv)), weight_(5), memory_(memory) {
  mu_ = std::log(prior_mean_s) - var_ / 2;
}

void LognormalFit::observe(double duration_s) {
  const double x = std::log(std::max(duration_s, 0.1));
  weight_ = std::min(weight_ + 1, memory_);
  const double a = 1.0 / weight_;
  const double d = x - mu_;
  mu_ += a * d;
  var_ = (1 - a) * (var_ + a * d * d);
  var_ = std::max(var_, 1e-4);
}

double LognormalFit::cdf(double t_s) const {
  if (t_s <= 0) return 0;
  return 0.5 * std::erfc(-(std::log(t_s) - mu_) / std::sqrt(2 * var_));
}

double LognormalFit::mean_s() const { return std::exp(mu_ + var_ / 2); }

ResidualModel::ResidualModel()
    : talk_l_(120, 1.0, 500), talk_m_(10, 0.5, 200), wrap_l_(15, 0.5, 500), wrap_m_(5, 0.5, 200) {}

void ResidualModel::observe_talk(AnswerKind k, double d) {
  (k == AnswerKind::Machine ? talk_m_ : talk_l_).observe(d);
}
void ResidualModel::observe_wrap(AnswerKind k, double d) {
  (k == AnswerKind::Machine ? wrap_m_ : wrap_l_).observe(d);
}
void ResidualModel::observe_connect(AnswerKind k) {
  machine_share_ += (static_cast<double>(k == AnswerKind::Machine) - machine_share_) / 300.0;
}

// P(T + W <= a + dt | T > a) with W at its mean: the wrap adds a near-constant shift.
static double residual(const LognormalFit& t, const LognormalFit& w, double a, double dt) {
  const double surv = 1 - t.cdf(a);
  if (surv <= 1e-9) return 1;  // far in the tail: treat as about to finish
  const double done = t.cdf(a + dt - w.mean_s()) - t.cdf(a);
  return std::clamp(done / surv, 0.0, 1.0);
}

double ResidualModel::free_within_busy(double a, double dt) const {
  // Mixture over what the agent is handling, weighted by who survives to a.
  const double wl = (1 - machine_share_) * (1 - talk_l_.cdf(a));
  const double wm = machine_share_ * (1 - talk_m_.cdf(a));
  if (wl + wm <= 1e-12) return 1;
  return (wl * residual(talk_l_, wrap_l_, a, dt) + wm * residual(talk_m_, wrap_m_, a, dt)) /
         (wl + wm);
}

double ResidualModel::free_within_wrap(AnswerKind k, double a, double dt) const {
  const LognormalFit& w = wrap(k);
  const double surv = 1 - w.cdf(a);
  if (surv <= 1e-9) return 1;
  return std::clamp((w.cdf(a + dt) - w.cdf(a)) / surv, 0.0, 1.0);
}

void ResidualModel::busy_curve(double a, double offset, std::vector<double>& out) const {
  const double sl = 1 - talk_l_.cdf(a), sm = 1 - talk_m_.cdf(a);
  const double wl = (1 - machine_share_) * sl, wm = machine_share_ * sm;
  const double fl = talk_l_.cdf(a), fm = talk_m_.cdf(a);
  const double shift_l = wrap_l_.mean_s(), shift_m = wrap_m_.mean_s();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double dt = offset + static_cast<double>(i);
    if (wl + wm <= 1e-12) {
      out[i] = 1;
      continue;
    }
    const double pl =
        sl > 1e-9 ? std::clamp((talk_l_.cdf(a + dt - shift_l) - fl) / sl, 0.0, 1.0) : 1.0;
    const double pm =
        sm > 1e-9 ? std::clamp((talk_m_.cdf(a + dt - shift_m) - fm) / sm, 0.0, 1.0) : 1.0;
    out[i] = (wl * pl + wm * pm) / (wl + wm);
  }
}

void ResidualModel::wrap_curve(AnswerKind k, double a, double offset,
                               std::vector<double>& out) const {
  const LognormalFit& w = wrap(k);
  const double f = w.cdf(a), surv = 1 - f;
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = surv <= 1e-9
                 ? 1.0
                 : std::clamp((w.cdf(a + offset + static_cast<double>(i)) - f) / surv, 0.0, 1.0);
}

}  // namespace dialcore::dialler
