// CampaignCallPort's answering-machine actions (campaigns[].amd.on_machine, issue 4):
//   hangup   the call is hung up (campaign_call_port.cpp drop_machine → cancel)
//   message  wait for the machine's beep (the worker reports its onset and end after MACHINE:
//            media_amd.cpp asks report_beep for these campaigns), or beep_wait after MACHINE
//            when none comes; play the campaign's message prompt ("machine:<campaign id>",
//            amd.message_prompt, loaded at start); hang up when it ends. Played to its end, the
//            customer CDR ends message_left (and so does the attempt's outcome). No prompt or a
//            leg that refuses it: hung up, counted (machine_action_hangup_instead).
//   agent    the MACHINE verdict is recorded as such but reaches the runner as HUMAN: the call
//            waits for an agent like a live answer.
// Control thread only; every step is bounded (beep_wait, then prompt_limit).
#include <boost/asio/post.hpp>

#include "control/appliance/campaign_call_port.hpp"

namespace dialcore::control::appliance {

using calls::Side;
using campaign::AmdVerdict;
using campaign::CallKey;

AmdVerdict CampaignCallPort::runner_verdict(AmdVerdict verdict) {
  if (verdict != AmdVerdict::Machine || campaign_.on_machine != config::MachineAction::Agent) {
    return verdict;
  }
  ++counters_.machines_to_agents;
  return AmdVerdict::Human;
}

bool CampaignCallPort::beep(calls::CallHandle handle, bool end) {
  const auto it = keys_.find(handle);
  if (it == keys_.end()) return false;
  const CallKey key = it->second;
  Live* live = find(key);
  if (live == nullptr) return false;
  if (!end || live->beep_ended) return true;  // the onset: the message starts at its end
  live->beep_ended = true;
  if (live->machine == MachineStep::AwaitingBeep) {
    ++counters_.machine_beeps;
    play_message(key);
  }
  return true;
}

void CampaignCallPort::leave_message(CallKey key) {
  // Posted: the runner calls drop_machine from inside call_amd.
  boost::asio::post(ctx_.io, [this, key, alive = alive_] {
    if (!*alive) return;
    Live* live = find(key);
    if (live == nullptr || live->machine != MachineStep::None) return;
    live->machine = MachineStep::AwaitingBeep;
    if (live->beep_ended) {  // the beep ended before the runner's drop reached us
      ++counters_.machine_beeps;
      play_message(key);
      return;
    }
    live->prompt_timer = std::make_unique<boost::asio::steady_timer>(ctx_.io, ctx_.beep_wait);
    live->prompt_timer->async_wait([this, key, alive2 = alive_](boost::system::error_code ec) {
      if (ec || !*alive2) return;
      Live* l = find(key);
      if (l == nullptr || l->machine != MachineStep::AwaitingBeep) return;
      ++counters_.machine_beep_timeouts;
      play_message(key);
    });
  });
}

void CampaignCallPort::play_message(CallKey key) {
  Live* live = find(key);
  if (live == nullptr) return;
  live->machine = MachineStep::Playing;
  if (live->prompt_timer) live->prompt_timer->cancel();
  const auto clip = ctx_.prompt_clip("machine:" + campaign_.config_id);
  const bool playing =
      clip && ctx_.calls.play_prompt(live->handle, Side::Customer, *clip,
                                     [this, key, alive = alive_](bool played) {
                                       boost::asio::post(ctx_.io, [this, key, played, alive] {
                                         if (*alive) message_done(key, played);
                                       });
                                     });
  if (!playing) {
    ++counters_.machine_action_hangup_instead;
    hang_up(key);
    return;
  }
  ++counters_.machine_messages;
  live->prompt_timer = std::make_unique<boost::asio::steady_timer>(ctx_.io, ctx_.prompt_limit);
  live->prompt_timer->async_wait([this, key, alive = alive_](boost::system::error_code ec) {
    if (ec || !*alive) return;
    ++counters_.prompt_timeouts;
    hang_up(key);
  });
}

void CampaignCallPort::message_done(CallKey key, bool played) {
  Live* live = find(key);
  if (live == nullptr) return;
  if (played) {
    ++counters_.messages_left;
    ctx_.calls.mark_message_left(live->handle);
  }
  hang_up(key);
}

}  // namespace dialcore::control::appliance
