#include "control/appliance/inbound_router.hpp"

#include <utility>

namespace dialcore::control::appliance {

InboundRouter::InboundRouter(calls::CallController& calls, floor::Floor& floor, CallBook& book,
                             AgentVoice& voice, QueueRouter& queues, CallInLine& call_in,
                             HandsetOf handset)
    : calls_(calls),
      floor_(floor),
      book_(book),
      voice_(voice),
      queues_(queues),
      call_in_(call_in),
      handset_(std::move(handset)) {}

void InboundRouter::install() {
  calls_.set_inbound([this](const calls::InboundCall& c) { return route(c); },
                     [this](const calls::CallEvent& e) { on_event(e); });
}

calls::Route InboundRouter::route(const calls::InboundCall& call) {
  calls::Route r;
  r.kind = calls::Route::Kind::Park;
  if (call_in_.is_access(call.did)) {
    ++counters_.call_in;
    call_in_.take(call.call);
    return r;
  }
  if (auto queue = queues_.queue_for(call.did)) {
    ++counters_.queued;
    queues_.take(call.call, *queue, call.from_user, call.did);
    return r;
  }
  for (const auto& [agent, state] : floor_.states()) {
    if (state != agent_state::State::Available) continue;
    const auto user = handset_(agent);
    if (!voice_.voice_up(agent) && (!user || user->empty())) continue;
    floor::CallInfo info;
    info.call = call.call;
    info.kind = agent_state::CallKind::Routed;
    info.interaction_id = calls_.history_id(call.call).value_or("");
    info.call_type = "inbound";
    info.from = call.from_user;
    info.to = call.did;
    if (!floor_.offer(agent, info).ok()) continue;
    BookedCall booked;
    booked.history_id = info.interaction_id;
    booked.agent = agent;
    booked.offered = true;
    book_.put(call.call, std::move(booked));
    ++counters_.offered;
    return r;  // connected on Answered
  }
  ++counters_.refused;
  r.kind = calls::Route::Kind::Reject;
  r.status = 480;
  return r;
}

void InboundRouter::direct_failed(const calls::CallEvent& e) {
  BookedCall* b = book_.find(e.call);
  ++counters_.agent_failed;
  const std::int64_t agent = b != nullptr ? b->agent : 0;
  if (b != nullptr) b->offered = false;
  floor_.call_ended(e.call);  // withdrawn
  if (agent != 0 && e.outcome != calls::CallOutcome::Cancelled) floor_.voice_lost(agent);
  calls_.hangup(e.call);  // no queue to wait in: the caller is let go
}

void InboundRouter::on_event(const calls::CallEvent& e) {
  if (call_in_.on_event(e) || queues_.on_event(e)) return;
  BookedCall* b = book_.find(e.call);
  switch (e.kind) {
    case calls::CallEventKind::Answered:
      if (b == nullptr || !b->offered || !voice_.connect_call(e.call, b->agent)) {
        calls::CallEvent failed = e;
        failed.outcome = calls::CallOutcome::Cancelled;  // not the handset's fault
        direct_failed(failed);
      }
      return;
    case calls::CallEventKind::Bridged:
      if (b != nullptr) b->bridged = true;
      floor_.call_answered(e.call);
      return;
    case calls::CallEventKind::AgentEnded: direct_failed(e); return;
    case calls::CallEventKind::Dtmf:
      if (e.side == calls::Side::Customer) floor_.dtmf(e.call, e.digit);
      return;
    case calls::CallEventKind::Ended: {
      const bool keep = b != nullptr && b->offered && b->bridged;
      if (b != nullptr && b->offered) floor_.call_ended(e.call);
      if (!keep) book_.erase(e.call);
      return;
    }
    default: return;
  }
}

}  // namespace dialcore::control::appliance
