#include "control/campaign/campaign_runner.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace dialcore::control::campaign {

using dialler::AnswerKind;
using dialler::EventKind;

CampaignRunner::CampaignRunner(RunnerSettings settings,
                               std::unique_ptr<dialler::PacingStrategy> strategy,
                               LeadSource& leads, CallPort& port)
    : settings_(std::move(settings)), strategy_(std::move(strategy)), leads_(leads), port_(port) {}

void CampaignRunner::emit(EventKind kind, double t, CallKey call, std::int64_t agent,
                          AnswerKind answer) {
  strategy_->on_event(dialler::Event{kind, t, call, static_cast<std::uint32_t>(agent), answer});
}

void CampaignRunner::count(dialler::LedgerFactKind kind, double answered_s) {
  const dialler::LedgerFact fact{answered_s, kind};
  ledger_.replay(std::span(&fact, 1), settings_.uk_ledger, settings_.amd_false_positive);
}

void CampaignRunner::seed_ledger(std::span<const dialler::LedgerFact> facts) {
  ledger_.replay(facts, settings_.uk_ledger, settings_.amd_false_positive);
  strategy_->restore_ledger(facts);
}

void CampaignRunner::take_ready(std::int64_t agent) {
  ready_.erase(std::remove(ready_.begin(), ready_.end(), agent), ready_.end());
}

void CampaignRunner::agent_ready(std::int64_t agent, double now_s) {
  if (agent < 0) {
    ++counters_.stray_events;
    return;
  }
  take_ready(agent);
  ready_.push_back(agent);
  emit(EventKind::AgentIdle, now_s, 0, agent);
  match(now_s);
  launch(now_s);
}

void CampaignRunner::agent_busy(std::int64_t agent, double now_s) {
  take_ready(agent);
  emit(EventKind::AgentBusy, now_s, 0, agent);
}

void CampaignRunner::agent_wrap(std::int64_t agent, double now_s, AnswerKind kind) {
  take_ready(agent);
  emit(EventKind::AgentWrap, now_s, 0, agent, kind);
}

void CampaignRunner::agent_out(std::int64_t agent, double now_s) {
  take_ready(agent);
  emit(EventKind::AgentLoggedOut, now_s, 0, agent);
}

void CampaignRunner::needs_agent(CallKey call, Call& c, double now_s) {
  c.phase = Phase::Waiting;
  c.deadline_s = now_s + settings_.abandon_after_s;
  waiting_.push_back(call);
  match(now_s);
}

void CampaignRunner::call_answered(CallKey call, double now_s) {
  auto it = calls_.find(call);
  if (it == calls_.end() || it->second.phase != Phase::Ringing) {
    ++counters_.stray_events;
    return;
  }
  ++counters_.answered;
  it->second.answered_s = now_s;
  emit(EventKind::CallAnswered, now_s, call, 0);
  // With AMD the call needs an agent only once it is judged human (call_amd).
  if (!settings_.amd) needs_agent(call, it->second, now_s);
}

void CampaignRunner::call_amd(CallKey call, AmdVerdict verdict, double now_s) {
  auto it = calls_.find(call);
  if (!settings_.amd || it == calls_.end() || it->second.phase != Phase::Ringing) {
    ++counters_.stray_events;
    return;
  }
  if (verdict == AmdVerdict::Human) {
    emit(EventKind::AmdHuman, now_s, call, 0);
    needs_agent(call, it->second, now_s);
    return;
  }
  ++counters_.machines;
  count(dialler::LedgerFactKind::AmdMachine, it->second.answered_s);
  emit(EventKind::AmdMachine, now_s, call, 0);
  it->second.phase = Phase::Dropping;
  port_.drop_machine(call);
}

void CampaignRunner::call_bridged(CallKey call, double now_s) {
  auto it = calls_.find(call);
  if (it == calls_.end() || it->second.phase != Phase::Connecting) {
    ++counters_.stray_events;
    return;
  }
  it->second.phase = Phase::Bridged;
  ++counters_.bridged;
  count(dialler::LedgerFactKind::LiveAnswer, it->second.answered_s);
  emit(EventKind::CallBridged, now_s, call, it->second.agent);
}

void CampaignRunner::call_connect_failed(CallKey call, double now_s) {
  auto it = calls_.find(call);
  if (it == calls_.end() || it->second.phase != Phase::Connecting) {
    ++counters_.stray_events;
    return;
  }
  ++counters_.connect_failures;
  // The agent's voice did not connect: the agent is not offered again until the floor says
  // ready; the call waits for another agent within its original deadline.
  emit(EventKind::AgentLoggedOut, now_s, 0, it->second.agent);
  it->second.phase = Phase::Waiting;
  it->second.agent = 0;
  waiting_.push_front(call);
  match(now_s);
}

void CampaignRunner::call_ended(CallKey call, double now_s) {
  auto it = calls_.find(call);
  if (it == calls_.end()) {
    ++counters_.stray_events;
    return;
  }
  ++counters_.ended;
  const Call c = it->second;
  calls_.erase(it);
  waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), call), waiting_.end());
  if (c.phase == Phase::Connecting) {
    // The customer hung up while the agent was being connected: the agent is free again.
    ready_.push_front(c.agent);
    emit(EventKind::AgentIdle, now_s, 0, c.agent);
  }
  if (c.phase != Phase::Bridged) emit(EventKind::CallEnded, now_s, call, 0);
  leads_.release(c.lead_id);
  match(now_s);
  launch(now_s);
}

void CampaignRunner::match(double now_s) {
  while (!waiting_.empty() && !ready_.empty()) {
    const CallKey call = waiting_.front();
    waiting_.pop_front();
    auto it = calls_.find(call);
    if (it == calls_.end() || it->second.phase != Phase::Waiting) continue;
    const std::int64_t agent = ready_.front();
    ready_.pop_front();
    it->second.phase = Phase::Connecting;
    it->second.agent = agent;
    emit(EventKind::AgentBusy, now_s, 0, agent);
    port_.connect(call, agent);
  }
}

void CampaignRunner::tick(double now_s) {
  // Collected first: the port may end a call synchronously from abandon().
  std::vector<CallKey> due;
  for (const auto& [key, c] : calls_) {
    if ((c.phase == Phase::Waiting || c.phase == Phase::Connecting) && now_s >= c.deadline_s) {
      due.push_back(key);
    }
  }
  for (const CallKey key : due) {
    auto it = calls_.find(key);
    if (it == calls_.end()) continue;
    Call& c = it->second;
    // Not bridged within abandon_after_s of the answer: abandoned, the message is played. An
    // agent whose connection was still being made is free again.
    if (c.phase == Phase::Connecting) {
      ready_.push_front(c.agent);
      emit(EventKind::AgentIdle, now_s, 0, c.agent);
    }
    c.phase = Phase::Abandoning;
    waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), key), waiting_.end());
    ++counters_.abandoned;
    count(dialler::LedgerFactKind::Abandon, c.answered_s);
    emit(EventKind::CallAbandoned, now_s, key, 0, AnswerKind::Live);
    port_.abandon(key);
  }
  match(now_s);
  launch(now_s);
}

std::optional<double> CampaignRunner::next_deadline() const {
  std::optional<double> next;
  for (const auto& [key, c] : calls_) {
    if (c.phase == Phase::Waiting || c.phase == Phase::Connecting) {
      if (!next || c.deadline_s < *next) next = c.deadline_s;
    }
  }
  return next;
}

void CampaignRunner::launch(double now_s) {
  if (paused_ || in_decision_) return;  // port callbacks re-entering during a launch wait
  in_decision_ = true;
  const int want = std::min(strategy_->calls_to_launch(now_s), settings_.max_launch_per_decision);
  for (int i = 0; i < want; ++i) {
    const auto pick = leads_.next(static_cast<std::int64_t>(std::floor(now_s * 1000.0)));
    if (!pick) {
      ++counters_.no_leads;
      break;
    }
    const CallKey call = next_call_++;
    calls_[call] = Call{Phase::Ringing, pick->lead_id, now_s, 0, 0};
    ++counters_.dials;
    emit(EventKind::CallPlaced, now_s, call, 0);
    port_.originate(DialOrder{call, settings_.campaign_id, pick->lead_id, pick->number_index,
                              pick->number, settings_.cli, settings_.trunk, settings_.amd});
  }
  // Calls the strategy takes back: only ringing ones past the minimum ring time.
  for (const std::uint64_t id : strategy_->calls_to_cancel(now_s)) {
    auto it = calls_.find(id);
    if (it == calls_.end() || it->second.phase != Phase::Ringing ||
        now_s - it->second.placed_s < settings_.min_ring_s) {
      continue;
    }
    it->second.phase = Phase::Cancelling;
    ++counters_.taken_back;
    port_.cancel(id);
  }
  in_decision_ = false;
}

}  // namespace dialcore::control::campaign
