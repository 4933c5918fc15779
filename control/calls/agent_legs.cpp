// CallController: standing agent legs (persistent call-me and call-in voice connections) and
// the ring timeout of an agent leg (issue 8; used by control/appliance's AgentVoice). See the
// block at the end of call_controller.hpp.

#include <utility>

#include "control/calls/call_controller.hpp"
#include "control/calls/call_record.hpp"

namespace dialcore::control::calls {

CallHandle CallController::open_agent_leg(AgentTarget target, CallEventHandler events) {
  if (!target.dial) return 0;
  std::erase_if(standing_, [this](const auto& s) { return find(s.first) == nullptr; });
  Call& call = new_call(false, std::move(events));
  call.agent_id = target.agent_id;
  call.agent_address = target.address;
  standing_[call.id] = Standing{Side::Agent, 0};
  ++counters_.agent_legs;
  history_started(call, Side::Agent, "", target.address);
  allocate(call, Side::Agent, media::LegPlacement::any(),
           [this, target = std::move(target)](Call& c) {
             c.leg(Side::Agent).local =
                 local_media(target.codecs, target.srtp, c.leg(Side::Agent).address);
             dial_agent(c, target.dial);
           });
  return call.id;
}

bool CallController::on_standing_event(const sip::SipEvent& e) {
  if (e.kind != sip::SipEventKind::Answered) return false;
  const auto it = by_sip_.find(e.call);
  if (it == by_sip_.end()) return false;
  const auto [id, side] = it->second;
  const auto s = standing_.find(id);
  Call* call = find(id);
  if (s == standing_.end() || side != Side::Agent || call == nullptr ||
      call->state != CallState::Setup || call->leg(side).cancelled) {
    return false;  // the ordinary path (a crossed CANCEL is hung up there)
  }
  const auto media = take_answer(*call, Side::Agent, e);
  if (!media) return true;  // failed: AgentEnded was emitted
  const int status = e.status;
  program(*call, Side::Agent, *media, [this, status](Call& c) {
    if (c.state != CallState::Setup) return;
    c.state = CallState::Up;
    const std::int64_t at = now_ms();
    record([&] { return history_->answered(c.history_id, "agent", at); });
    emit(c, {CallEventKind::AgentAnswered, 0, Side::Agent, CallOutcome::Normal, status});
  });
  return true;
}

bool CallController::adopt_standing(CallHandle id, std::int64_t agent_id) {
  Call* call = find(id);
  if (call == nullptr || !call->inbound || call->state != CallState::Up ||
      !call->leg(Side::Agent).idle() ||
      call->leg(Side::Customer).media_state != MediaState::Ready) {
    return false;
  }
  call->agent_id = agent_id;
  standing_[id] = Standing{Side::Customer, 0};
  return true;
}

CallHandle CallController::standing_peer(CallHandle standing) const {
  const auto it = standing_.find(standing);
  return it == standing_.end() ? 0 : it->second.peer;
}

bool CallController::bridge_standing(CallHandle customer, CallHandle standing,
                                     std::optional<std::uint32_t> beep) {
  const auto it = standing_.find(standing);
  if (it == standing_.end()) return false;
  Call* s = find(standing);
  if (s == nullptr) {
    standing_.erase(it);
    return false;
  }
  Call* c = find(customer);
  if (c == nullptr || customer == standing || c->state != CallState::Up ||
      c->leg(Side::Customer).media_state != MediaState::Ready) {
    return false;
  }
  // An agent leg given up just before (a ring timeout) may still be destroying its media: it
  // was never bridged, so the customer leg is free.
  const CallLeg& old = c->leg(Side::Agent);
  if (old.sip_live ||
      (old.media_state != MediaState::None && old.media_state != MediaState::Destroying)) {
    return false;
  }
  const CallLeg& voice = s->leg(it->second.side);
  if (s->state != CallState::Up || voice.media_state != MediaState::Ready) return false;
  if (Call* busy = find(it->second.peer); busy != nullptr && busy->state != CallState::Ending) {
    return false;  // one customer at a time
  }
  if (voice.media.worker != c->leg(Side::Customer).media.worker) return false;
  it->second.peer = customer;
  c->agent_id = s->agent_id;
  c->agent_address = s->agent_address;
  if (beep && play_prompt(standing, it->second.side, *beep, [this, customer, standing](bool) {
        join_standing(customer, standing);
      })) {
    return true;
  }
  join_standing(customer, standing);
  return true;
}

void CallController::standing_failed(CallHandle customer, CallHandle standing,
                                     CallOutcome outcome) {
  if (const auto it = standing_.find(standing); it != standing_.end() && it->second.peer == customer) {
    it->second.peer = 0;
  }
  Call* c = find(customer);
  if (c == nullptr || c->state != CallState::Up) return;
  ++counters_.agent_legs_failed;
  emit(*c, {CallEventKind::AgentEnded, 0, Side::Agent, outcome, 0});
}

void CallController::join_standing(CallHandle customer, CallHandle standing) {
  Call* c = find(customer);
  if (c == nullptr || c->state != CallState::Up) {
    standing_failed(customer, standing, CallOutcome::Cancelled);  // the customer left meanwhile
    return;
  }
  const auto it = standing_.find(standing);
  Call* s = find(standing);
  if (it == standing_.end() || s == nullptr || s->state != CallState::Up ||
      s->leg(it->second.side).media_state != MediaState::Ready) {
    standing_failed(customer, standing, CallOutcome::Failed);  // the agent's leg went away
    return;
  }
  const media::MediaLeg agent = s->leg(it->second.side).media;
  media_.bridge(c->leg(Side::Customer).media, agent, [this, customer, standing](Reply r) {
    Call* c2 = find(customer);
    if (c2 == nullptr || c2->state != CallState::Up) return;  // ended: its destroy unbridges
    if (r != Reply::Ok) {
      standing_failed(customer, standing, CallOutcome::MediaFailure);
      return;
    }
    c2->state = CallState::Bridged;
    ++counters_.calls_bridged;
    const std::int64_t when = now_ms();
    record([&] { return history_->bridged(c2->history_id, "a", c2->agent_id.value_or(0), when); });
    emit(*c2, {CallEventKind::Bridged, 0, Side::Agent, CallOutcome::Normal, 0});
  });
}

bool CallController::cancel_agent(CallHandle id) {
  Call* call = find(id);
  if (call == nullptr || call->state != CallState::Up) return false;
  CallLeg& leg = call->leg(Side::Agent);
  if (leg.idle() || leg.answered || leg.cancelled) return false;
  if (!leg.sip_live) {  // still allocating or offering: give it up now
    agent_failed(*call, CallOutcome::Cancelled, 0);
    return true;
  }
  // A 200 that crosses our CANCEL is hung up by on_sip_event (the leg is marked cancelled);
  // the dialog's Ended then reports AgentEnded through on_leg_ended.
  leg.cancelled = true;
  leg.hangup_sent = true;
  if (!sip_.hangup(leg.sip)) {
    leg.hangup_sent = false;
    agent_failed(*call, CallOutcome::Cancelled, 0);
  }
  return true;
}

}  // namespace dialcore::control::calls
