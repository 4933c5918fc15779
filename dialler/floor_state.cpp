#include "dialler/floor_state.hpp"

namespace dialcore::dialler {

void FloorState::set_agent(std::uint32_t id, AgentPhase phase, double t, AnswerKind kind) {
  if (id >= agents_.size()) agents_.resize(id + 1);
  AgentView& a = agents_[id];
  if (a.phase == AgentPhase::Idle) --idle_;
  if (a.phase != AgentPhase::Out) --logged_in_;
  a.phase = phase;
  a.since_s = t;
  a.call = kind;
  if (phase == AgentPhase::Idle) ++idle_;
  if (phase != AgentPhase::Out) ++logged_in_;
}

bool FloorState::apply(const Event& e) {
  auto call = calls_.find(e.call_id);
  auto mark_demand = [&] {
    if (call == calls_.end()) return false;
    if (!call->second.needs_agent) ++waiting_calls_;
    call->second.needs_agent = true;
    call->second.demand_s = e.time_s;
    return true;
  };
  auto drop_call = [&] {
    if (call == calls_.end()) return false;
    if (call->second.needs_agent) --waiting_calls_;
    calls_.erase(call);
    return true;
  };
  switch (e.kind) {
    case EventKind::AgentIdle:
      set_agent(e.agent_id, AgentPhase::Idle, e.time_s, e.answer);
      return true;
    case EventKind::AgentBusy:
      set_agent(e.agent_id, AgentPhase::Busy, e.time_s, e.answer);
      return true;
    case EventKind::AgentWrap:
      set_agent(e.agent_id, AgentPhase::Wrap, e.time_s, e.answer);
      return true;
    case EventKind::AgentLoggedOut:
      set_agent(e.agent_id, AgentPhase::Out, e.time_s, e.answer);
      return true;
    case EventKind::CallPlaced:
      if (call != calls_.end()) break;
      calls_.emplace(e.call_id, CallView{e.time_s, false, 0});
      return true;
    case EventKind::CallAnswered:
      if (amd_enabled_) return call != calls_.end();
      if (mark_demand()) return true;
      break;
    case EventKind::AmdHuman:
      if (mark_demand()) return true;
      break;
    case EventKind::AmdMachine:
    case EventKind::CallBridged:
    case EventKind::CallAbandoned:
    case EventKind::CallEnded:
      if (drop_call()) return true;
      // A call ends once: CallEnded after CallBridged/CallAbandoned is expected and harmless.
      return e.kind == EventKind::CallEnded;
    case EventKind::InboundQueued: ++inbound_waiting_; return true;
    case EventKind::InboundTaken:
      if (inbound_waiting_ > 0) --inbound_waiting_;
      return true;
    case EventKind::PreviewShown:
    case EventKind::PreviewDial:
      // Preview is the preview strategy's own state; the agent stays idle until the bridge.
      return e.agent_id < agents_.size();
  }
  ++rejected_;
  return false;
}

}  // namespace dialcore::dialler
