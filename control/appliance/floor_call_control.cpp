#include "control/appliance/floor_call_control.hpp"

#include <boost/asio/post.hpp>

#include <chrono>
#include <utility>

#include "control/appliance/agent_voice.hpp"
#include "control/floor/floor.hpp"

namespace dialcore::control::appliance {

using floor::CallResult;
using calls::Side;

FloorCallControl::FloorCallControl(boost::asio::io_context& io, calls::CallController& calls,
                                   media::MediaService& media, HandsetOf handset)
    : io_(io), calls_(calls), media_(media), handset_(std::move(handset)) {}

void FloorCallControl::set_floor(floor::Floor* f) {
  floor_ = f;
  if (transfers_) transfers_->set_floor(f);
}

void FloorCallControl::set_transfers(TransferSetup setup) {
  transfers_ = std::make_unique<CallTransfers>(calls_, handset_, std::move(setup));
  transfers_->set_floor(floor_);
}

FloorLegs FloorCallControl::legs(floor::CallId call) const {
  if (transfers_) return transfers_->legs(call);
  FloorLegs l;
  l.far_call = call;
  l.own_call = call;
  l.call = call;
  return l;
}

CallResult FloorCallControl::not_supported() {
  ++counters_.not_supported;
  return CallResult::fail("not_supported");
}

media::Done FloorCallControl::counted() {
  return [this](media::ReplyStatus status) {
    if (status != media::ReplyStatus::Ok) ++counters_.media_refused;
  };
}

CallResult FloorCallControl::connect_voice(floor::AgentId agent, const floor::VoiceRequest& r) {
  if (voice_ != nullptr) return voice_->connect(agent, r);  // agent_voice.cpp: every mode
  const auto user = handset_(agent);
  if (!user || user->empty()) return CallResult::fail("not_registered");
  boost::asio::post(io_, [this, agent] {
    if (floor_ != nullptr) floor_->voice_connected(agent);
  });
  return {};
}

CallResult FloorCallControl::disconnect_voice(floor::AgentId agent) {
  return voice_ != nullptr ? voice_->disconnect(agent) : CallResult{};
}

CallResult FloorCallControl::answer(floor::AgentId, floor::CallId call) {
  // Campaign and queue calls reach the handset auto-answered: nothing to do but check.
  if (!calls_.history_id(legs(call).call)) return CallResult::fail("no_such_call");
  return {};
}

CallResult FloorCallControl::hang_up(floor::AgentId, floor::CallId call) {
  // A call already gone (the far end hung up first) is not an error: the agent's view is right.
  calls_.hangup(legs(call).call);
  return {};
}

CallResult FloorCallControl::hold(floor::AgentId, floor::CallId call, bool on) {
  // Retrieving one line of an open consultation switches lines (the other party is held).
  if (!on && transfers_ && transfers_->retrieve(call)) return {};
  const FloorLegs l = legs(call);
  const bool asked = calls_.hold(l.far_call, l.far_side, on, [this](bool ok) {
    if (!ok) ++counters_.media_refused;
  });
  if (!asked) return CallResult::fail("no_media");
  return {};
}

CallResult FloorCallControl::mute(floor::AgentId, floor::CallId call, bool on) {
  const FloorLegs l = legs(call);
  const auto leg = calls_.media_leg(l.own_call, l.own_side);
  if (!leg) return CallResult::fail("no_media");
  media_.mute(*leg, on, counted());
  return {};
}

CallResult FloorCallControl::blind_transfer(floor::AgentId agent, floor::CallId call,
                                            const floor::TransferTarget& to) {
  if (!transfers_) return not_supported();
  return transfers_->blind(agent, legs(call).call, to);
}
CallResult FloorCallControl::consult(floor::AgentId agent, floor::CallId held,
                                     const floor::TransferTarget& to) {
  if (!transfers_ || to.kind == floor::TargetKind::Queue) return not_supported();
  return transfers_->consult(agent, legs(held).call, to);
}
CallResult FloorCallControl::complete_transfer(floor::AgentId agent, floor::CallId held,
                                               floor::CallId consult) {
  if (!transfers_) return not_supported();
  return transfers_->complete(agent, legs(held).call, consult);
}
CallResult FloorCallControl::merge(floor::AgentId agent, floor::CallId first, floor::CallId second) {
  return conference_.merge(agent, legs(first).call, legs(second).call);  // call_conference.cpp
}
CallResult FloorCallControl::leave(floor::AgentId agent, bool terminate) {
  return conference_.leave(agent, terminate);
}
CallResult FloorCallControl::manual_call(floor::AgentId agent, std::int64_t campaign_id,
                                         const std::string& number) {
  if (!transfers_) return not_supported();
  return transfers_->manual(agent, campaign_id, number);
}
CallResult FloorCallControl::play_announcement(floor::AgentId, floor::CallId call,
                                               const std::string& prompt) {
  if (!transfers_) return not_supported();
  return transfers_->announce(call, prompt);
}

CallResult FloorCallControl::recording(floor::AgentId agent, floor::CallId floor_call,
                                       floor::RecordingAction action, const std::string& tag) {
  const FloorLegs l = legs(floor_call);
  const calls::CallHandle call = l.far_call;
  const auto leg = calls_.media_leg(call, l.far_side);
  if (!leg) return CallResult::fail("no_media");
  switch (action) {
    case floor::RecordingAction::Start: {
      media::RecordingRequest r;
      r.call_id = calls_.history_id(call).value_or("call-" + std::to_string(call)).substr(0, 47);
      r.agent = std::to_string(agent);
      if (queue_of_) r.queue = queue_of_(call).value_or("").substr(0, 31);  // {queue} in paths
      // The file's date, and the day the recording index looks in (it was 0: 1970-01-01).
      r.start_unix_ms = static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count());
      // Reported to the call history like a campaign's recording (CampaignCallPort), so the
      // recording index expects it and makes its row when the file is finished (issue 5).
      media_.start_recording(*leg, r,
                             [this, call, id = r.call_id](media::ReplyStatus s,
                                                          const dataplane::StartRecordingReplyArgs&) {
                               if (s != media::ReplyStatus::Ok) {
                                 ++counters_.media_refused;
                                 return;
                               }
                               calls_.record_recording(call, id);
                             });
      break;
    }
    case floor::RecordingAction::Stop: media_.stop_recording(*leg, counted()); break;
    case floor::RecordingAction::Pause: media_.pause_recording(*leg, counted()); break;
    case floor::RecordingAction::Resume: media_.resume_recording(*leg, counted()); break;
    case floor::RecordingAction::Tag:
      media_.tag_recording(*leg, tag.substr(0, 39), counted());  // the recorder keeps 39
      break;
  }
  return {};
}

CallResult FloorCallControl::mask_dtmf(floor::CallId call, bool on) {
  const FloorLegs l = legs(call);
  const auto leg = calls_.media_leg(l.far_call, l.far_side);
  if (!leg) return CallResult::fail("no_media");
  dataplane::MaskDtmfArgs args;
  args.arm = on;
  media_.mask_dtmf(*leg, args, counted());
  return {};
}

}  // namespace dialcore::control::appliance
