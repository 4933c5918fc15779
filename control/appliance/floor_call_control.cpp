#include "control/appliance/floor_call_control.hpp"

#include <boost/asio/post.hpp>

#include <utility>

#include "control/appliance/agent_voice.hpp"
#include "control/floor/floor.hpp"

namespace dialcore::control::appliance {

using floor::CallResult;
using calls::Side;

FloorCallControl::FloorCallControl(boost::asio::io_context& io, calls::CallController& calls,
                                   media::MediaService& media, HandsetOf handset)
    : io_(io), calls_(calls), media_(media), handset_(std::move(handset)) {}

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
  if (!calls_.history_id(call)) return CallResult::fail("no_such_call");
  return {};
}

CallResult FloorCallControl::hang_up(floor::AgentId, floor::CallId call) {
  // A call already gone (the far end hung up first) is not an error: the agent's view is right.
  calls_.hangup(call);
  return {};
}

CallResult FloorCallControl::hold(floor::AgentId, floor::CallId call, bool on) {
  const auto leg = calls_.media_leg(call, Side::Customer);
  if (!leg) return CallResult::fail("no_media");
  media_.hold(*leg, on, counted());
  return {};
}

CallResult FloorCallControl::mute(floor::AgentId, floor::CallId call, bool on) {
  const auto leg = calls_.media_leg(call, Side::Agent);
  if (!leg) return CallResult::fail("no_media");
  media_.mute(*leg, on, counted());
  return {};
}

CallResult FloorCallControl::blind_transfer(floor::AgentId, floor::CallId,
                                            const floor::TransferTarget&) {
  return not_supported();
}
CallResult FloorCallControl::consult(floor::AgentId, floor::CallId, const floor::TransferTarget&) {
  return not_supported();
}
CallResult FloorCallControl::complete_transfer(floor::AgentId, floor::CallId, floor::CallId) {
  return not_supported();
}
CallResult FloorCallControl::merge(floor::AgentId, floor::CallId, floor::CallId) {
  return not_supported();
}
CallResult FloorCallControl::leave(floor::AgentId, bool) { return not_supported(); }
CallResult FloorCallControl::manual_call(floor::AgentId, std::int64_t, const std::string&) {
  return not_supported();
}
CallResult FloorCallControl::play_announcement(floor::AgentId, floor::CallId, const std::string&) {
  return not_supported();
}

CallResult FloorCallControl::recording(floor::AgentId agent, floor::CallId call,
                                       floor::RecordingAction action, const std::string& tag) {
  const auto leg = calls_.media_leg(call, Side::Customer);
  if (!leg) return CallResult::fail("no_media");
  switch (action) {
    case floor::RecordingAction::Start: {
      media::RecordingRequest r;
      r.call_id = calls_.history_id(call).value_or("call-" + std::to_string(call)).substr(0, 47);
      r.agent = std::to_string(agent);
      media_.start_recording(*leg, r,
                             [this](media::ReplyStatus s, const dataplane::StartRecordingReplyArgs&) {
                               if (s != media::ReplyStatus::Ok) ++counters_.media_refused;
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
  const auto leg = calls_.media_leg(call, Side::Customer);
  if (!leg) return CallResult::fail("no_media");
  dataplane::MaskDtmfArgs args;
  args.arm = on;
  media_.mask_dtmf(*leg, args, counted());
  return {};
}

}  // namespace dialcore::control::appliance
