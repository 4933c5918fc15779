#pragma once
// How long an agent still needs before taking the next call: talk and wrap times as lognormals
// fitted on the durations seen (exponentially weighted moments of log duration), one pair per
// kind of call (live conversation, machine reached an agent). The residual of an agent who has
// been talking for a seconds is the lognormal conditioned on T > a.

#include <vector>

#include "dialler/pacing_event.hpp"

namespace dialcore::dialler {

class LognormalFit {
 public:
  LognormalFit(double prior_mean_s, double prior_cv, double memory);
  void observe(double duration_s);
  double cdf(double t_s) const;
  double mean_s() const;

 private:
  double mu_;
  double var_;  // of log duration
  double weight_;
  double memory_;
};

class ResidualModel {
 public:
  ResidualModel();
  void observe_talk(AnswerKind kind, double duration_s);
  void observe_wrap(AnswerKind kind, double duration_s);
  void observe_connect(AnswerKind kind);  // mixture weight of machine vs live on agents
  // P(an agent free within dt_s) given its phase and time in phase; kind may be Unknown.
  double free_within_busy(double elapsed_s, double dt_s) const;
  double free_within_wrap(AnswerKind kind, double elapsed_s, double dt_s) const;
  // The same for dt = offset_s + i, i = 0..out.size()-1, written into out (one pass: the
  // conditioning terms are computed once per agent, not once per step).
  void busy_curve(double elapsed_s, double offset_s, std::vector<double>& out) const;
  void wrap_curve(AnswerKind kind, double elapsed_s, double offset_s,
                  std::vector<double>& out) const;

 private:
  const LognormalFit& talk(AnswerKind k) const {
    return k == AnswerKind::Machine ? talk_m_ : talk_l_;
  }
  const LognormalFit& wrap(AnswerKind k) const {
    return k == AnswerKind::Machine ? wrap_m_ : wrap_l_;
  }
  LognormalFit talk_l_, talk_m_, wrap_l_, wrap_m_;
  double machine_share_ = 0.2;
};

}  // namespace dialcore::dialler
