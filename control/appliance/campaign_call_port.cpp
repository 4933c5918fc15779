#include "control/appliance/campaign_call_port.hpp"

#include <boost/asio/post.hpp>

#include <utility>

namespace dialcore::control::appliance {

using calls::CallEventKind;
using calls::Side;
using campaign::CallKey;

CampaignCallPort::CampaignCallPort(PortContext& ctx, PortCampaign campaign)
    : ctx_(ctx), campaign_(std::move(campaign)) {}

CampaignCallPort::~CampaignCallPort() { *alive_ = false; }

CampaignCallPort::Live* CampaignCallPort::find(CallKey key) {
  const auto it = live_.find(key);
  return it == live_.end() ? nullptr : &it->second;
}

std::optional<calls::CallHandle> CampaignCallPort::handle(CallKey key) const {
  const auto it = live_.find(key);
  if (it == live_.end()) return std::nullopt;
  return it->second.handle;
}

void CampaignCallPort::originate(const campaign::DialOrder& order) {
  calls::OriginateRequest r;
  r.trunk_id = order.trunk;
  r.number = order.number;
  r.cli = order.cli;
  r.campaign_id = order.campaign_id;
  r.lead_id = order.lead_id;
  const CallKey key = order.call;
  const calls::CallHandle handle = ctx_.calls.originate(
      r, [this, key, alive = alive_](const calls::CallEvent& e) {
        if (*alive) on_event(key, e);
      });
  if (handle == 0) {
    ++counters_.refused;
    boost::asio::post(ctx_.io, [this, key, alive = alive_] {
      if (*alive && runner_ != nullptr) runner_->call_ended(key, now_s());
    });
    return;
  }
  Live& live = live_[key];
  live.handle = handle;
  live.lead_id = order.lead_id;
  live.number = order.number;
  keys_[handle] = key;
  BookedCall booked;
  booked.history_id = ctx_.calls.history_id(handle).value_or("");
  booked.campaign_id = campaign_.store_id;
  booked.lead_id = order.lead_id;
  ctx_.book.put(handle, std::move(booked));
}

void CampaignCallPort::connect_failed_later(CallKey key) {
  boost::asio::post(ctx_.io, [this, key, alive = alive_] {
    if (*alive && runner_ != nullptr) runner_->call_connect_failed(key, now_s());
  });
}

void CampaignCallPort::connect(CallKey key, std::int64_t agent) {
  // Posted: the runner calls this from inside match(); the floor's answer must not re-enter it.
  boost::asio::post(ctx_.io, [this, key, agent, alive = alive_] {
    if (!*alive || runner_ == nullptr) return;
    Live* live = find(key);
    if (live == nullptr || live->abandoning) return;  // ended or abandoned meanwhile
    const calls::CallHandle handle = live->handle;
    BookedCall* booked = ctx_.book.find(handle);
    // A standing voice leg (persistent call-me, call-in) or a handset to ring.
    const auto user = ctx_.handset(agent);
    const bool voice = ctx_.voice.voice_up(agent) || (user && !user->empty());
    if (!voice || booked == nullptr) {
      ++counters_.no_handset;
      runner_->call_connect_failed(key, now_s());
      return;
    }
    floor::CallInfo info;
    info.call = handle;
    info.kind = agent_state::CallKind::Routed;
    info.interaction_id = booked->history_id;
    info.campaign_id = campaign_.store_id;
    info.call_type = "outbound";
    info.to = live->number;
    info.lead_id = live->lead_id;
    if (!ctx_.floor.offer(agent, info).ok()) {
      ++counters_.floor_refused;
      runner_->call_connect_failed(key, now_s());
      return;
    }
    booked->agent = agent;
    booked->offered = true;
    if (!ctx_.voice.connect_call(handle, agent)) {  // beep + bridge, or ring the handset
      booked->offered = false;
      booked->agent = 0;
      runner_->call_connect_failed(key, now_s());
      ctx_.floor.call_ended(handle);  // withdrawn: the agent is free again
    }
  });
}

void CampaignCallPort::hang_up(CallKey key) {
  Live* live = find(key);
  if (live == nullptr) return;
  if (live->prompt_timer) live->prompt_timer->cancel();
  ctx_.calls.hangup(live->handle);
}

void CampaignCallPort::abandon(CallKey key) {
  boost::asio::post(ctx_.io, [this, key, alive = alive_] {
    if (!*alive) return;
    Live* live = find(key);
    if (live == nullptr || live->abandoning) return;
    live->abandoning = true;
    const calls::CallHandle handle = live->handle;
    ctx_.calls.mark_abandoned(handle);
    if (BookedCall* b = ctx_.book.find(handle); b != nullptr && b->offered) {
      // The agent's handset was still being connected: withdrawn from the agent.
      b->offered = false;
      b->agent = 0;
      ctx_.floor.call_ended(handle);
      live = find(key);
      if (live == nullptr) return;
    }
    auto clip = ctx_.prompt_clip("abandon:" + campaign_.config_id);
    if (!clip) clip = ctx_.prompt_clip("abandon");
    const bool playing =
        clip && ctx_.calls.play_prompt(handle, Side::Customer, *clip,
                                       [this, key, alive2 = alive_](bool) {
                                         boost::asio::post(ctx_.io, [this, key, alive2] {
                                           if (*alive2) hang_up(key);
                                         });
                                       });
    if (!playing) {
      ++counters_.abandon_silent;
      hang_up(key);
      return;
    }
    live->prompt_timer = std::make_unique<boost::asio::steady_timer>(ctx_.io, ctx_.prompt_limit);
    live->prompt_timer->async_wait([this, key, alive2 = alive_](boost::system::error_code ec) {
      if (ec || !*alive2) return;
      ++counters_.prompt_timeouts;
      hang_up(key);
    });
  });
}

void CampaignCallPort::cancel(CallKey key) {
  boost::asio::post(ctx_.io, [this, key, alive = alive_] {
    if (*alive) hang_up(key);
  });
}

void CampaignCallPort::drop_machine(CallKey key) {
  if (campaign_.on_machine == config::MachineAction::Message) {
    leave_message(key);  // campaign_machine.cpp
    return;
  }
  cancel(key);
}

bool CampaignCallPort::amd(calls::CallHandle handle, campaign::AmdVerdict verdict,
                           bool correction) {
  const auto it = keys_.find(handle);
  if (it == keys_.end()) {
    ++counters_.amd_stray;
    return false;
  }
  const CallKey key = it->second;
  Live* live = find(key);
  const bool machine = verdict == campaign::AmdVerdict::Machine;
  ctx_.calls.record_amd(handle, machine ? "machine" : "human");
  if (correction || live == nullptr || live->amd_done) return true;  // recorded, not re-acted
  live->amd_done = true;
  ++(machine ? counters_.amd_machine : counters_.amd_human);
  if (runner_ != nullptr) runner_->call_amd(key, runner_verdict(verdict), now_s());
  return true;
}

// AMD on the customer leg; its verdict comes back as a dataplane Amd event (Appliance →
// amd()). A refusal must not leave the runner waiting for a verdict that never comes: the call
// is taken as human (connected to an agent: a person is never dropped for a detector fault).
void CampaignCallPort::start_amd(Live& live) {
  const calls::CallHandle handle = live.handle;
  const auto refused = [this, handle, alive = alive_] {
    if (!*alive) return;
    ++counters_.amd_failures;
    amd(handle, campaign::AmdVerdict::Human, false);
  };
  const auto leg = ctx_.calls.media_leg(handle, Side::Customer);
  if (!leg) {
    boost::asio::post(ctx_.io, refused);
    return;
  }
  ctx_.media.start_amd(*leg, campaign_.amd_args, [refused](media::ReplyStatus status) {
    if (status != media::ReplyStatus::Ok) refused();
  });
}

void CampaignCallPort::start_recording(Live& live) {
  const auto leg = ctx_.calls.media_leg(live.handle, Side::Customer);
  const BookedCall* booked = ctx_.book.find(live.handle);
  if (!leg || booked == nullptr || booked->history_id.empty()) {
    ++counters_.recording_failures;
    return;
  }
  media::RecordingRequest r;
  r.call_id = booked->history_id.substr(0, 47);
  r.campaign = campaign_.config_id.substr(0, 31);
  r.sample_rate_hz = campaign_.recording_rate_hz;
  r.format = campaign_.recording_format;
  r.start_unix_ms = static_cast<std::uint64_t>(ctx_.wall_ms());
  const calls::CallHandle handle = live.handle;
  ctx_.media.start_recording(
      *leg, r,
      [this, handle, alive = alive_](media::ReplyStatus status,
                                     const dataplane::StartRecordingReplyArgs&) {
        if (!*alive) return;
        if (status != media::ReplyStatus::Ok) {
          ++counters_.recording_failures;  // never fatal to the call
          return;
        }
        ++counters_.recordings;
        if (const BookedCall* b = ctx_.book.find(handle)) {
          ctx_.calls.record_recording(handle, b->history_id);  // the file is named by it
        }
      });
}

void CampaignCallPort::on_event(CallKey key, const calls::CallEvent& e) {
  Live* live = find(key);
  if (live == nullptr || runner_ == nullptr) return;
  const calls::CallHandle handle = live->handle;
  switch (e.kind) {
    case CallEventKind::Answered:
      if (campaign_.record) start_recording(*live);
      runner_->call_answered(key, now_s());
      if (campaign_.amd) start_amd(*live);
      return;
    case CallEventKind::Bridged:
      if (live->abandoning) return;  // the agent answered after the deadline: being hung up
      runner_->call_bridged(key, now_s());
      if (BookedCall* b = ctx_.book.find(handle)) b->bridged = true;
      ctx_.floor.call_answered(handle);
      return;
    case CallEventKind::AgentEnded: {
      ++counters_.agent_legs_failed;
      BookedCall* b = ctx_.book.find(handle);
      const std::int64_t agent = b != nullptr ? b->agent : 0;
      const bool offered = b != nullptr && b->offered;
      if (b != nullptr) {
        b->offered = false;
        b->agent = 0;
      }
      if (!live->abandoning) runner_->call_connect_failed(key, now_s());
      if (offered) {
        ctx_.floor.call_ended(handle);  // withdrawn
        // The handset did not take the call (not registered, busy, no answer): the agent's
        // voice is not there; the floor auto-pauses the agent until a reconnect.
        if (e.outcome != calls::CallOutcome::Cancelled) ctx_.floor.voice_lost(agent);
      }
      return;
    }
    case CallEventKind::Dtmf:
      if (e.side == Side::Customer) ctx_.floor.dtmf(handle, e.digit);
      return;
    case CallEventKind::PromptStarted:
      if (live->abandoning) ++counters_.abandon_messages;
      return;
    case CallEventKind::Ended: on_ended(key, handle); return;
    default: return;
  }
}

void CampaignCallPort::on_ended(CallKey key, calls::CallHandle handle) {
  live_.erase(key);  // its timer is cancelled by its destruction
  keys_.erase(handle);
  BookedCall* b = ctx_.book.find(handle);
  if (b != nullptr && b->offered) {
    // Talking: the agent wraps it (the book keeps it until then); ringing: withdrawn.
    const bool bridged = b->bridged;
    ctx_.floor.call_ended(handle);
    if (!bridged) ctx_.book.erase(handle);
  } else {
    ctx_.book.erase(handle);
  }
  if (runner_ != nullptr) runner_->call_ended(key, now_s());
}

}  // namespace dialcore::control::appliance
