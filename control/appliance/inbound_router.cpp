#include "control/appliance/inbound_router.hpp"

#include <utility>

namespace dialcore::control::appliance {

InboundRouter::InboundRouter(calls::CallController& calls, floor::Floor& floor, sip::SipStack& sip,
                             CallBook& book, HandsetOf handset)
    : calls_(calls), floor_(floor), sip_(sip), book_(book), handset_(std::move(handset)) {}

void InboundRouter::install() {
  calls_.set_inbound([this](const calls::InboundCall& c) { return route(c); },
                     [this](const calls::CallEvent& e) { on_event(e); });
}

calls::Route InboundRouter::route(const calls::InboundCall& call) {
  calls::Route r;
  for (const auto& [agent, state] : floor_.states()) {
    if (state != agent_state::State::Available) continue;
    const auto user = handset_(agent);
    if (!user || user->empty()) continue;
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
    r.kind = calls::Route::Kind::Agent;
    r.agent.agent_id = agent;
    r.agent.address = *user;
    r.agent.dial = [&sip = sip_, u = *user](std::string sdp) {
      return sip.dial_agent(sip::AgentDialRequest{u, std::move(sdp), true});
    };
    ++counters_.offered;
    return r;
  }
  ++counters_.refused;
  r.kind = calls::Route::Kind::Reject;
  r.status = 480;
  return r;
}

void InboundRouter::on_event(const calls::CallEvent& e) {
  BookedCall* b = book_.find(e.call);
  switch (e.kind) {
    case calls::CallEventKind::Bridged:
      if (b != nullptr) b->bridged = true;
      floor_.call_answered(e.call);
      return;
    case calls::CallEventKind::AgentEnded: {
      ++counters_.agent_failed;
      const std::int64_t agent = b != nullptr ? b->agent : 0;
      if (b != nullptr) b->offered = false;
      floor_.call_ended(e.call);  // withdrawn
      if (agent != 0 && e.outcome != calls::CallOutcome::Cancelled) floor_.voice_lost(agent);
      calls_.hangup(e.call);  // no queue to wait in: the caller is let go
      return;
    }
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
