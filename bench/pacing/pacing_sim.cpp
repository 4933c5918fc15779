#include "bench/pacing/pacing_sim.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <queue>
#include <random>
#include <stdexcept>
#include <vector>

#include "dialler/pacing_strategy.hpp"

namespace dialcore::bench::pacing {

namespace {

using dialler::AnswerKind;
using dialler::Event;
using dialler::EventKind;

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

enum class Outcome { Live, Machine, Busy, Invalid, NoAnswer };

// Everything about lead k, drawn in a fixed order so every strategy sees the same lead.
struct Lead {
  double u_outcome, t_live, t_machine, t_busy, t_invalid, talk, wrap, u_amd;
};

Lead draw_lead(const Workload& w, std::uint64_t seed, std::uint64_t k) {
  std::mt19937_64 rng(splitmix(seed * 0x100000001b3ULL ^ splitmix(k)));
  std::uniform_real_distribution<double> u(0, 1);
  Lead l{};
  l.u_outcome = u(rng);
  l.t_live = w.answer_live.sample(rng);
  l.t_machine = w.answer_machine.sample(rng);
  l.t_busy = w.answer_busy.sample(rng);
  l.t_invalid = w.answer_invalid.sample(rng);
  l.talk = w.talk_s.sample(rng);
  l.wrap = w.wrap_s.sample(rng);
  l.u_amd = u(rng);
  return l;
}

Outcome pick(const Outcomes& o, double u) {
  if ((u -= o.live) < 0) return Outcome::Live;
  if ((u -= o.machine) < 0) return Outcome::Machine;
  if ((u -= o.busy) < 0) return Outcome::Busy;
  if ((u -= o.invalid) < 0) return Outcome::Invalid;
  return Outcome::NoAnswer;
}

enum class Ev { Answer, AmdDone, Ended, Deadline, TalkEnd, WrapEnd, Tick, InArrive, InGiveUp };

struct QEvent {
  double t;
  std::uint64_t seq;
  Ev ev;
  std::uint64_t id;
  bool operator>(const QEvent& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

struct Call {
  Outcome outcome;
  Lead lead;
  double placed_s = 0;
  double demand_s = 0;
  bool answered = false;
  bool waiting = false;
  bool done = false;
};

struct Agent {
  bool idle = true;
  double idle_since = 0;
  AnswerKind kind = AnswerKind::Unknown;
  double wrap_s = 0;
  bool inbound = false;
};

class Sim {
 public:
  Sim(const Workload& w, const std::string& strategy, std::uint64_t seed)
      : w_(w), seed_(seed), end_s_(w.shift_hours * 3600), in_rng_(splitmix(seed ^ 0xabcdef)) {
    dialler::CampaignPacing c;
    c.amd_enabled = w.amd_enabled;
    c.ring_timeout_s = w.ring_timeout_s + (w.amd_enabled ? w.amd_analysis_s : 0);
    c.abandon_after_s = w.abandon_after_s;
    min_ring_s_ = c.min_ring_s;
    std::string err;
    strategy_ = dialler::make_strategy(strategy, c, &err);
    if (!strategy_) throw std::runtime_error(err);
    if (strategy_->name().rfind("preview", 0) == 0)
      throw std::runtime_error("preview is not simulated (no agent preview/think time model)");
    agents_.resize(static_cast<std::size_t>(w.agents));
    minutes_live_.assign(static_cast<std::size_t>(end_s_ / 60) + 2, 0);
    minutes_ab_.assign(minutes_live_.size(), 0);
  }

  SimResult run();

 private:
  void push(double t, Ev ev, std::uint64_t id) { q_.push({t, seq_++, ev, id}); }
  void emit(EventKind k, double t, std::uint64_t call, std::uint32_t agent, AnswerKind a) {
    strategy_->on_event(Event{k, t, call, agent, a});
  }
  void place(double t);
  void handle(const QEvent& e);
  void demand(double t, std::uint64_t id);
  void dispatch(double t);
  void bridge(double t, std::uint64_t id, std::uint32_t agent);
  void start_busy(double t, std::uint32_t agent, double talk_s, double wrap_s, AnswerKind k,
                  bool in);
  void count_live(double t, bool abandoned);
  void cancel(double t, std::uint64_t id);
  int take_idle_agent();

  const Workload& w_;
  std::uint64_t seed_;
  double end_s_;
  std::unique_ptr<dialler::PacingStrategy> strategy_;
  std::priority_queue<QEvent, std::vector<QEvent>, std::greater<>> q_;
  std::uint64_t seq_ = 0;
  std::vector<Call> calls_;
  std::vector<Agent> agents_;
  std::deque<std::uint32_t> idle_;  // longest idle first
  std::deque<std::uint64_t> waiting_;
  std::deque<std::pair<std::uint64_t, double>> in_waiting_;  // inbound id, arrival
  std::vector<bool> in_done_;
  std::mt19937_64 in_rng_;
  // Figures.
  double talk_s_ = 0, busy_s_ = 0, idle_s_ = 0;
  std::int64_t calls_handled_ = 0, live_ = 0, abandoned_ = 0, amd_machine_verdicts_ = 0;
  std::int64_t live_detected_ = 0, abandoned_detected_ = 0, in_offered_ = 0, in_in_sla_ = 0;
  std::int64_t cancelled_ = 0, cancel_refused_ = 0;
  double min_ring_s_ = 15.0;
  std::vector<double> bridge_delays_;
  std::vector<int> minutes_live_, minutes_ab_;
  bool trace_ = std::getenv("DIALCORE_PACING_TRACE") != nullptr;
};

void Sim::count_live(double t, bool abandoned) {
  const auto m = std::min(minutes_live_.size() - 1, static_cast<std::size_t>(t / 60));
  ++live_;
  ++minutes_live_[m];
  if (abandoned) {
    ++abandoned_;
    ++minutes_ab_[m];
  }
}

void Sim::place(double t) {
  const std::uint64_t id = calls_.size();
  Call c{};
  c.lead = draw_lead(w_, seed_, id);
  const Outcomes& o = (w_.regime_shift && t >= w_.regime_shift->first * 3600)
                          ? w_.regime_shift->second
                          : w_.outcomes;
  c.outcome = pick(o, c.lead.u_outcome);
  c.placed_s = t;
  calls_.push_back(c);
  emit(EventKind::CallPlaced, t, id, 0, AnswerKind::Unknown);
  const double timeout = w_.ring_timeout_s;
  switch (c.outcome) {
    case Outcome::Live:
    case Outcome::Machine: {
      const double a = c.outcome == Outcome::Live ? c.lead.t_live : c.lead.t_machine;
      if (a < timeout)
        push(t + a, Ev::Answer, id);
      else {
        calls_[id].outcome = Outcome::NoAnswer;
        push(t + timeout, Ev::Ended, id);
      }
      break;
    }
    case Outcome::Busy:
    case Outcome::Invalid: {
      const double a = c.outcome == Outcome::Busy ? c.lead.t_busy : c.lead.t_invalid;
      push(t + std::min(a, timeout), Ev::Ended, id);
      break;
    }
    case Outcome::NoAnswer: push(t + timeout, Ev::Ended, id); break;
  }
}

// The dialler hangs up a call that is still ringing: allowed only after the minimum ring time
// (refused and counted otherwise); the lead's outcome is then never known.
void Sim::cancel(double t, std::uint64_t id) {
  if (id >= calls_.size()) return;
  Call& c = calls_[id];
  if (c.done || c.answered) return;
  if (t - c.placed_s < min_ring_s_) {
    ++cancel_refused_;
    return;
  }
  c.done = true;
  ++cancelled_;
  emit(EventKind::CallEnded, t, id, 0, AnswerKind::Unknown);
}

int Sim::take_idle_agent() {
  if (idle_.empty()) return -1;
  const std::uint32_t a = idle_.front();
  idle_.pop_front();
  return static_cast<int>(a);
}

void Sim::start_busy(double t, std::uint32_t a, double talk_s, double wrap_s, AnswerKind k,
                     bool in) {
  Agent& ag = agents_[a];
  idle_s_ += t - ag.idle_since;
  ++calls_handled_;
  ag.idle = false;
  ag.kind = k;
  ag.wrap_s = wrap_s;
  ag.inbound = in;
  emit(EventKind::AgentBusy, t, 0, a, k);
  if (k == AnswerKind::Live && !in) talk_s_ += std::max(0.0, std::min(t + talk_s, end_s_) - t);
  busy_s_ += std::max(0.0, std::min(t + talk_s + wrap_s, end_s_) - t);
  push(t + talk_s, Ev::TalkEnd, a);
}

void Sim::bridge(double t, std::uint64_t id, std::uint32_t a) {
  Call& c = calls_[id];
  c.waiting = false;
  c.done = true;
  const AnswerKind k = c.outcome == Outcome::Live ? AnswerKind::Live : AnswerKind::Machine;
  emit(EventKind::CallBridged, t, id, a, k);
  if (k == AnswerKind::Live) {
    bridge_delays_.push_back(t - c.demand_s);
    count_live(t, false);
    start_busy(t, a, c.lead.talk, c.lead.wrap, k, false);
  } else {
    start_busy(t, a, w_.machine_handle_s, w_.machine_wrap_s, k, false);
  }
}

// Inbound first, then outbound calls in the order they started waiting.
void Sim::dispatch(double t) {
  while (!idle_.empty() && !in_waiting_.empty()) {
    auto [iid, arrived] = in_waiting_.front();
    in_waiting_.pop_front();
    in_done_[iid] = true;
    if (t - arrived <= w_.inbound->sla_answer_within_s) ++in_in_sla_;
    emit(EventKind::InboundTaken, t, 0, 0, AnswerKind::Unknown);
    const auto a = static_cast<std::uint32_t>(take_idle_agent());
    start_busy(t, a, w_.inbound->talk_s.sample(in_rng_), w_.inbound->wrap_s.sample(in_rng_),
               AnswerKind::Unknown, true);
  }
  while (!idle_.empty() && !waiting_.empty()) {
    const std::uint64_t id = waiting_.front();
    waiting_.pop_front();
    if (!calls_[id].waiting) continue;
    bridge(t, id, static_cast<std::uint32_t>(take_idle_agent()));
  }
}

void Sim::demand(double t, std::uint64_t id) {
  calls_[id].waiting = true;
  calls_[id].demand_s = t;
  waiting_.push_back(id);
  push(t + w_.abandon_after_s, Ev::Deadline, id);
  dispatch(t);
}

void Sim::handle(const QEvent& e) {
  const double t = e.t;
  switch (e.ev) {
    case Ev::Answer:
      if (calls_[e.id].done) break;  // taken back by the dialler while ringing
      calls_[e.id].answered = true;
      emit(EventKind::CallAnswered, t, e.id, 0, AnswerKind::Unknown);
      if (w_.amd_enabled)
        push(t + w_.amd_analysis_s, Ev::AmdDone, e.id);
      else
        demand(t, e.id);
      break;
    case Ev::AmdDone: {
      Call& c = calls_[e.id];
      const bool live = c.outcome == Outcome::Live;
      const bool says_machine =
          live ? c.lead.u_amd < w_.amd_false_positive : c.lead.u_amd >= w_.amd_false_negative;
      if (says_machine) {
        ++amd_machine_verdicts_;
        emit(EventKind::AmdMachine, t, e.id, 0, AnswerKind::Unknown);
        c.done = true;
        if (live) count_live(t, true);  // a person hung up on: abandoned
      } else {
        emit(EventKind::AmdHuman, t, e.id, 0, AnswerKind::Unknown);
        demand(t, e.id);
      }
      break;
    }
    case Ev::Ended:
      if (calls_[e.id].done) break;
      calls_[e.id].done = true;
      emit(EventKind::CallEnded, t, e.id, 0, AnswerKind::Unknown);
      break;
    case Ev::Deadline: {
      Call& c = calls_[e.id];
      if (!c.waiting) break;
      c.waiting = false;
      c.done = true;
      if (c.outcome == Outcome::Live) {
        emit(EventKind::CallAbandoned, t, e.id, 0, AnswerKind::Live);
        count_live(t, true);
        ++abandoned_detected_;
      } else {
        emit(EventKind::CallEnded, t, e.id, 0, AnswerKind::Machine);
      }
      break;
    }
    case Ev::TalkEnd: {
      Agent& ag = agents_[e.id];
      emit(EventKind::AgentWrap, t, 0, static_cast<std::uint32_t>(e.id), ag.kind);
      push(t + ag.wrap_s, Ev::WrapEnd, e.id);
      break;
    }
    case Ev::WrapEnd: {
      Agent& ag = agents_[e.id];
      ag.idle = true;
      ag.idle_since = t;
      idle_.push_back(static_cast<std::uint32_t>(e.id));
      emit(EventKind::AgentIdle, t, 0, static_cast<std::uint32_t>(e.id), ag.kind);
      dispatch(t);
      break;
    }
    case Ev::Tick:
      push(t + 1.0, Ev::Tick, 0);
      if (trace_ && std::fmod(t, 900.0) < 0.5)
        std::fprintf(stderr, "t %6.0f live %5lld ab %4lld %s\n", t, static_cast<long long>(live_),
                     static_cast<long long>(abandoned_), strategy_->describe().c_str());
      break;
    case Ev::InArrive: {
      const std::uint64_t iid = in_done_.size();
      in_done_.push_back(false);
      ++in_offered_;
      in_waiting_.emplace_back(iid, t);
      emit(EventKind::InboundQueued, t, 0, 0, AnswerKind::Unknown);
      push(t + w_.inbound->patience_s.sample(in_rng_), Ev::InGiveUp, iid);
      push(t + std::exponential_distribution<double>(w_.inbound->calls_per_hour / 3600)(in_rng_),
           Ev::InArrive, 0);
      dispatch(t);
      break;
    }
    case Ev::InGiveUp: {
      if (in_done_[e.id]) break;
      in_done_[e.id] = true;
      std::erase_if(in_waiting_, [&](const auto& p) { return p.first == e.id; });
      emit(EventKind::InboundTaken, t, 0, 0, AnswerKind::Unknown);
      break;
    }
  }
}

SimResult Sim::run() {
  const auto wall0 = std::chrono::steady_clock::now();
  for (std::uint32_t a = 0; a < agents_.size(); ++a) {
    idle_.push_back(a);
    emit(EventKind::AgentIdle, 0, 0, a, AnswerKind::Unknown);
  }
  push(0, Ev::Tick, 0);
  if (w_.inbound && w_.inbound->calls_per_hour > 0)
    push(std::exponential_distribution<double>(w_.inbound->calls_per_hour / 3600)(in_rng_),
         Ev::InArrive, 0);
  while (!q_.empty() && q_.top().t < end_s_) {
    const QEvent e = q_.top();
    q_.pop();
    handle(e);
    // Decide after each batch of simultaneous events.
    if (!q_.empty() && q_.top().t == e.t) continue;
    for (int n = strategy_->calls_to_launch(e.t); n > 0; --n) place(e.t);
    for (const std::uint64_t id : strategy_->calls_to_cancel(e.t)) cancel(e.t, id);
  }
  for (const Agent& ag : agents_)
    if (ag.idle) idle_s_ += end_s_ - ag.idle_since;

  SimResult r;
  const double agent_hours = static_cast<double>(agents_.size()) * w_.shift_hours;
  r.talk_min_per_agent_hour = talk_s_ / 60 / agent_hours;
  r.occupancy = busy_s_ / (agent_hours * 3600);
  r.dials = static_cast<std::int64_t>(calls_.size());
  r.live_answers = live_;
  r.abandoned = abandoned_;
  r.true_abandon_rate = live_ ? static_cast<double>(abandoned_) / static_cast<double>(live_) : 0;
  // Days of the shift (a shift longer than 24 h spans several).
  const std::size_t per_day = 24 * 60;
  for (std::size_t d0 = 0; d0 < minutes_live_.size(); d0 += per_day) {
    double l = 0, a = 0;
    for (std::size_t m = d0; m < std::min(minutes_live_.size(), d0 + per_day); ++m) {
      l += minutes_live_[m];
      a += minutes_ab_[m];
    }
    if (l > 0) r.worst_day_rate = std::max(r.worst_day_rate, a / l);
  }
  double wl = 0, wa = 0;
  for (std::size_t m = 0; m < minutes_live_.size(); ++m) {
    wl += minutes_live_[m];
    wa += minutes_ab_[m];
    if (m >= 60) {
      wl -= minutes_live_[m - 60];
      wa -= minutes_ab_[m - 60];
    }
    if (m + 1 >= 60 && wl > 0) r.worst_60min_rate = std::max(r.worst_60min_rate, wa / wl);
  }
  if (w_.amd_enabled) {
    // The campaign's reasoned estimate of AMD false positives: the share of machine verdicts
    // that were people, from the list's configured mix and the AMD's measured error rates.
    const double lp = w_.outcomes.live * w_.amd_false_positive;
    const double mp = w_.outcomes.machine * (1 - w_.amd_false_negative);
    const double fp =
        static_cast<double>(amd_machine_verdicts_) * (lp + mp > 0 ? lp / (lp + mp) : 0);
    live_detected_ = live_ - (abandoned_ - abandoned_detected_);
    const double den = static_cast<double>(live_detected_) + fp;
    r.uk_rate = den > 0 ? (static_cast<double>(abandoned_detected_) + fp) / den : 0;
  }
  r.cancelled_ringing = cancelled_;
  r.cancel_refused = cancel_refused_;
  r.dials_per_connect = live_ ? static_cast<double>(r.dials) / static_cast<double>(live_) : 0;
  if (!bridge_delays_.empty()) {
    const auto k = static_cast<std::size_t>(0.99 * static_cast<double>(bridge_delays_.size() - 1));
    std::nth_element(bridge_delays_.begin(), bridge_delays_.begin() + static_cast<long>(k),
                     bridge_delays_.end());
    r.bridge_delay_p99_s = bridge_delays_[k];
  }
  r.idle_between_calls_s = calls_handled_ ? idle_s_ / static_cast<double>(calls_handled_) : 0;
  if (in_offered_ > 0)
    r.inbound_service_level = static_cast<double>(in_in_sla_) / static_cast<double>(in_offered_);
  r.sim_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

}  // namespace

SimResult simulate(const Workload& w, const std::string& strategy, std::uint64_t seed) {
  Sim s(w, strategy, seed);
  return s.run();
}

}  // namespace dialcore::bench::pacing
