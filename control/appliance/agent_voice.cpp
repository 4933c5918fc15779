#include "control/appliance/agent_voice.hpp"

#include <boost/asio/post.hpp>

#include <utility>

#include "control/floor/floor.hpp"

namespace dialcore::control::appliance {

using calls::CallEventKind;
using floor::CallResult;

namespace {

bool dialable_number(const std::string& n) {
  if (n.empty() || n.size() > 32) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    if (!(c >= '0' && c <= '9') && !(c == '+' && i == 0)) return false;
  }
  return n != "+";
}

calls::AgentDialer handset_dialer(sip::SipStack& sip, std::string user) {
  return [&sip, u = std::move(user)](std::string sdp) {
    return sip.dial_agent(sip::AgentDialRequest{u, std::move(sdp), true});
  };
}

}  // namespace

AgentVoice::AgentVoice(boost::asio::io_context& io, calls::CallController& calls,
                       sip::SipStack& sip, HandsetOf handset, ClipOf prompt_clip,
                       std::function<std::int64_t()> wall_ms)
    : io_(io),
      calls_(calls),
      sip_(sip),
      handset_(std::move(handset)),
      prompt_clip_(std::move(prompt_clip)),
      wall_ms_(std::move(wall_ms)) {}

AgentVoice::Session* AgentVoice::find(std::int64_t agent) {
  const auto it = sessions_.find(agent);
  return it == sessions_.end() ? nullptr : &it->second;
}

std::int64_t AgentVoice::agent_of(calls::CallHandle standing) const {
  for (const auto& [agent, s] : sessions_) {
    if (s.leg == standing && standing != 0) return agent;
  }
  return 0;
}

calls::CallHandle AgentVoice::standing(std::int64_t agent) const {
  const auto it = sessions_.find(agent);
  return it == sessions_.end() ? 0 : it->second.leg;
}

bool AgentVoice::voice_up(std::int64_t agent) const {
  const auto it = sessions_.find(agent);
  return it != sessions_.end() && it->second.up;
}

CallResult AgentVoice::connect(std::int64_t agent, const floor::VoiceRequest& request) {
  const auto user = handset_(agent);
  if (Session* old = find(agent); old != nullptr && old->leg != 0) {
    old->closing = true;  // a leftover leg (the floor asked again): replaced, not lost
    calls_.hangup(old->leg);
  }
  Session s;
  s.request = request;
  if (request.mode == floor::VoiceMode::CallIn) {
    sessions_[agent] = s;  // connected when the agent's call to the access line keys in
    return {};
  }
  if (!request.persistent) {
    // Per-call legs: nothing to set up now; whether the handset is registered shows on the
    // first call (not registered: AgentEnded → the floor auto-pauses the agent).
    if (!user || user->empty()) return CallResult::fail("not_registered");
    sessions_[agent] = s;
    boost::asio::post(io_, [this, agent] {
      if (floor_ != nullptr) floor_->voice_connected(agent);
    });
    return {};
  }
  calls::AgentTarget target;
  target.agent_id = agent;
  const std::string phone = request.phone.empty() ? user.value_or("") : request.phone;
  if (phone.empty()) return CallResult::fail("not_registered");
  target.address = phone;
  if (user && phone == *user) {
    target.dial = handset_dialer(sip_, phone);
  } else if (phone_trunk_.empty() || !dialable_number(phone)) {
    return CallResult::fail("no_route");  // neither the handset nor a number we can dial
  } else {
    target.dial = [&sip = sip_, trunk = phone_trunk_, number = phone](std::string sdp) {
      return sip.dial(sip::DialRequest{trunk, number, "", std::move(sdp)});
    };
  }
  const calls::CallHandle leg = calls_.open_agent_leg(
      std::move(target), [this, agent](const calls::CallEvent& e) { on_standing_event(agent, e); });
  if (leg == 0) return CallResult::fail("refused");
  s.leg = leg;
  sessions_[agent] = s;
  ++counters_.standing_opened;
  return {};
}

CallResult AgentVoice::disconnect(std::int64_t agent) {
  Session* s = find(agent);
  if (s == nullptr) return {};
  const calls::CallHandle leg = s->leg;
  sessions_.erase(agent);  // its leg's end is then no loss
  if (leg != 0) calls_.hangup(leg);
  return {};
}

void AgentVoice::on_standing_event(std::int64_t agent, const calls::CallEvent& e) {
  switch (e.kind) {
    case CallEventKind::AgentAnswered: {
      Session* s = find(agent);
      if (s == nullptr || s->leg != e.call) return;
      s->up = true;
      ++counters_.standing_up;
      if (floor_ != nullptr) floor_->voice_connected(agent);
      return;
    }
    case CallEventKind::PromptStarted: ++counters_.beeps_started; return;
    case CallEventKind::PromptEnded:
      ++counters_.beeps_ended;
      if (beep_ends_ms_.size() >= 64) beep_ends_ms_.erase(beep_ends_ms_.begin());
      beep_ends_ms_.push_back(wall_ms_());
      return;
    case CallEventKind::AgentEnded:
      // The standing leg failed (refused, busy, no answer, RTP timeout): end the call; its
      // Ended reports the loss. Posted: CallController is still inside its own code here.
      boost::asio::post(io_, [this, call = e.call] { calls_.hangup(call); });
      return;
    case CallEventKind::Ended: standing_ended(agent, e.call); return;
    default: return;
  }
}

void AgentVoice::on_call_in_event(const calls::CallEvent& e) {
  const std::int64_t agent = agent_of(e.call);
  if (agent != 0) on_standing_event(agent, e);
}

void AgentVoice::standing_ended(std::int64_t agent, calls::CallHandle leg) {
  // The customer talking to this agent has nobody left to talk to.
  if (const calls::CallHandle peer = calls_.standing_peer(leg); peer != 0) calls_.hangup(peer);
  Session* s = find(agent);
  if (s == nullptr || s->leg != leg) return;  // disconnected, or an older leg
  const bool lost = !s->closing;
  s->leg = 0;
  s->up = false;
  if (!lost) return;
  ++counters_.standing_lost;
  if (floor_ != nullptr) floor_->voice_lost(agent);  // auto-pause "voice lost", reconnect action
}

bool AgentVoice::connect_call(calls::CallHandle call, std::int64_t agent) {
  Session* s = find(agent);
  const bool standing_mode =
      s != nullptr && (s->request.persistent || s->request.mode == floor::VoiceMode::CallIn);
  if (standing_mode) {
    if (!s->up || s->leg == 0 || !calls_.bridge_standing(call, s->leg, prompt_clip_("beep"))) {
      ++counters_.standing_busy;
      return false;
    }
    ++counters_.standing_bridges;
    return true;
  }
  const auto user = handset_(agent);
  if (!user || user->empty()) return false;
  calls::AgentTarget target;
  target.agent_id = agent;
  target.address = *user;
  target.dial = handset_dialer(sip_, *user);
  if (!calls_.connect_agent(call, std::move(target))) return false;
  ++counters_.rung;
  return true;
}

bool AgentVoice::ring_timeout(calls::CallHandle call) {
  if (!calls_.cancel_agent(call)) return false;
  ++counters_.ring_timeouts;
  return true;
}

bool AgentVoice::call_in(calls::CallHandle call, std::int64_t agent) {
  Session* s = find(agent);
  if (s == nullptr || s->request.mode != floor::VoiceMode::CallIn || s->leg != 0) return false;
  if (!calls_.adopt_standing(call, agent)) return false;
  s->leg = call;
  s->up = true;
  ++counters_.standing_opened;
  ++counters_.standing_up;
  if (floor_ != nullptr) floor_->voice_connected(agent);
  return true;
}

}  // namespace dialcore::control::appliance
